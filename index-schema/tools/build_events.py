#!/usr/bin/env python3
"""Build index-schema/events/events.tsv (PLOVER v0.8 event cue dictionary).

Usage:  python3 index-schema/tools/build_events.py [SOURCES_DIR]

SOURCES_DIR defaults to ../shared/sources relative to the repository root.
Inputs used from SOURCES_DIR:
  CAMEO2PLOVER-2021.txt     CAMEO code -> PLOVER type/mode
  cameo2_verbs.tsv          verb lemmas and their irregular forms (for the patterns)
  cameo2_verb_patterns.tsv  verb+object patterns with CAMEO codes
  CAMEO.2.0.txt             synonym sets (&MILITARY, &WEAPON, ...)
plus the hand-curated overlay index-schema/tools/curated/events_curated.tsv
(same column format as the output). Curated rows win over generated rows
with the same pattern.

Only facts (which word signals which category) are taken from the sources.
Where the conversion table and the PLOVER v0.8 manual disagree, the manual
is followed (see CODE_OVERRIDES below).
"""
import os
import re
import sys
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
CURATED = os.path.join(HERE, "curated", "events_curated.tsv")
OUT = os.path.join(REPO, "index-schema", "events", "events.tsv")

TYPES = {
    "agree": {"-"},
    "consult": {"-", "visit", "third-party", "multilateral", "phone"},
    "support": {"-"},
    "concede": {"-"},
    "cooperate": {"-"},
    "aid": {"-"},
    "retreat": {"-", "withdraw", "release", "disarm", "ceasefire", "access", "resign"},
    "request": {"-", "assist", "change", "yield", "meet"},
    "accuse": {"-", "disapprove", "investigate", "allege"},
    "reject": {"-", "assist", "change", "yield", "meet"},
    "threaten": {"-", "restrict", "arrest", "relations", "expel", "territory", "violence"},
    "protest": {"-", "demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"},
    "sanction": {"-", "convict", "expel", "withdraw", "discontinue"},
    "mobilize": {"-", "troops", "weapons", "police", "militia"},
    "coerce": {"-", "seize", "restrict", "censor", "curfew", "martial-law", "arrest",
               "deport", "withhold", "misinformation", "cyber"},
    "assault": {"-", "abduct", "beat", "torture", "sexual", "targeted", "destroy",
                "primitive", "firearms", "explosives", "suicide-attack", "aerial", "drone",
                "heavy-weapons", "crowd-control", "unconventional"},
}

# Table modes that are not v0.8 modes -> v0.8 mode (per type)
MODE_FIX = {
    ("retreat", "return"): "-", ("retreat", "ease"): "-",
    ("threaten", "ban"): "restrict", ("threaten", "political"): "restrict",
    ("coerce", "ban"): "restrict",
    ("assault", "assassinate"): "targeted", ("assault", "massacre"): "targeted",
    ("assault", "cleansing"): "-", ("assault", "pro_autocracy"): "-",
    ("assault", "seize"): "destroy",
}

# Manual wins over the conversion table; CAMEO 01x (statements) has no PLOVER
# type; CAMEO 02x (appeals) is folded into REQUEST.
CODE_OVERRIDES = {
    "163": ("sanction", "discontinue"),
    "116": ("sanction", "convict"),
    "195": ("assault", "aerial"),
    "183": ("assault", "explosives"),
    "1831": ("assault", "suicide-attack"),
    "1823": ("assault", "-"),
    "0874": ("retreat", "withdraw"),
    "0872": ("retreat", "withdraw"),
    "020": ("request", "-"), "021": ("request", "assist"), "0211": ("request", "assist"),
    "0212": ("request", "assist"), "0213": ("request", "assist"), "0214": ("request", "assist"),
    "022": ("request", "assist"), "023": ("request", "assist"), "0231": ("request", "assist"),
    "0232": ("request", "assist"), "0233": ("request", "assist"), "0234": ("request", "assist"),
    "024": ("request", "change"), "0241": ("request", "change"), "0242": ("request", "change"),
    "0243": ("request", "change"), "0244": ("request", "change"), "025": ("request", "yield"),
    "0251": ("request", "yield"), "0252": ("request", "yield"), "0253": ("request", "yield"),
    "0254": ("request", "yield"), "0255": ("request", "yield"), "0256": ("request", "yield"),
    "026": ("request", "meet"), "027": ("request", "meet"), "028": ("request", "meet"),
}

DOUBLE_FINAL = set("""admit commit submit permit omit refer prefer transfer occur deter compel
expel repel propel control patrol regret abet allot acquit embed equip rebel forbid
outbid confer incur recur infer defer""".split())

PREPS = set("to of with for on in at against by from into over about as under between "
            "toward towards across upon after before the a an".split())


def is_vowel(c):
    return c in "aeiou"


def doubles(w):
    if w in DOUBLE_FINAL:
        return True
    if len(w) < 3 or w[-1] in "wxy" or is_vowel(w[-1]) or not is_vowel(w[-2]) or is_vowel(w[-3]):
        return False
    groups = re.findall(r"[aeiouy]+", w)
    return len(groups) == 1


def inflect(lemma):
    w = lemma
    if re.search(r"(s|x|z|ch|sh|o)$", w):
        s3 = w + "es"
    elif re.search(r"[^aeiou]y$", w):
        s3 = w[:-1] + "ies"
    else:
        s3 = w + "s"
    if w.endswith("e"):
        past = w + "d"
    elif re.search(r"[^aeiou]y$", w):
        past = w[:-1] + "ied"
    elif doubles(w):
        past = w + w[-1] + "ed"
    else:
        past = w + "ed"
    if w.endswith("ie"):
        ing = w[:-2] + "ying"
    elif w.endswith("e") and not w.endswith(("ee", "ye", "oe")):
        ing = w[:-1] + "ing"
    elif doubles(w):
        ing = w + w[-1] + "ing"
    else:
        ing = w + "ing"
    return [w, s3, past, ing]


def pluralize(n):
    if re.search(r"(s|x|z|ch|sh)$", n):
        return n + "es" if not n.endswith("s") else n
    if re.search(r"[^aeiou]y$", n):
        return n[:-1] + "ies"
    return n + "s"


def read_table(path):
    table = {}
    for line in open(path, encoding="utf-8"):
        m = re.match(r"\s*(\d+):\s*([A-Z]+)\s*,([^,#]*)", line)
        if not m:
            continue
        code, typ, mode = m.group(1), m.group(2).lower(), m.group(3).strip().lower() or "-"
        if len(code) == 2:
            continue
        mode = MODE_FIX.get((typ, mode), mode)
        table[code] = (typ, mode)
    table.update(CODE_OVERRIDES)
    return table


def lookup(table, code):
    code = code.strip().lstrip(":").split(":")[0]
    if not code or code == "---" or code.startswith("01"):
        return None
    while code:
        if code in table:
            t, m = table[code]
            return t, (m if m in TYPES[t] else "-")
        code = code[:-1]
    return None


def read_synsets(path, limit=6):
    sets, cur = {}, None
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.split("#")[0].strip()
        if line.startswith("&"):
            cur = line.rstrip("_")
            sets[cur] = []
        elif line.startswith("+") and cur:
            w = line[1:].strip()
            exact = w.endswith("_")
            w = w.rstrip("_").replace("_", " ").lower()
            if re.fullmatch(r"[a-z][a-z \-']*", w) and len(sets[cur]) < limit:
                sets[cur].append((w, exact))
        elif line.startswith("---") or line.startswith("####"):
            if sets and cur and line.startswith("---"):
                cur = None
    return sets


def object_phrases(tokens, synsets):
    """First noun phrase in a PETRARCH pattern fragment -> list of surface strings."""
    text = " ".join(tokens)
    text = re.sub(r"[()]", " ", text)
    # braces are multi-word nouns
    parts = re.findall(r"\{[^}]*\}|\S+", text)
    for p in parts:
        if p in ("$", "+", "^", "%", "*") or p.lower() in PREPS:
            continue
        if p.startswith("{"):
            words = p.strip("{}").split()
            out = [[]]
            for w in words:
                if w.startswith("&"):
                    mem = [m for m, _ in synsets.get(w.rstrip("_"), [])][:3]
                    if not mem:
                        return []
                    out = [o + [m] for o in out for m in mem]
                else:
                    out = [o + [w.rstrip("_").replace("_", " ").lower()] for o in out]
            phrases = [" ".join(o) for o in out]
            return [ph for ph in phrases if re.fullmatch(r"[a-z][a-z \-']*", ph)]
        if p.startswith("&"):
            res = []
            for m, exact in synsets.get(p.rstrip("_"), []):
                res.append(m)
                if not exact and " " not in m and not m.endswith("s"):
                    res.append(pluralize(m))
            return res
        w = p.rstrip("_").replace("_", " ").lower()
        if not re.fullmatch(r"[a-z][a-z\-']*", w) or len(w) < 3:
            return []
        if w in PREPS or w in PARTICLES:
            return []
        res = [w]
        if (not p.endswith("_") and not w.endswith("s") and not ADJ_RE.search(w)
                and w not in NO_PLURAL):
            res.append(pluralize(w))
        return res
    return []


PARTICLES = {"out", "off", "up", "down", "back", "away", "over", "into"}
ADJ_RE = re.compile(r"(al|ic|ous|ive|ian|ary|ed|ing|ful|less|ent|ant|ese|ish)$")
NO_PLURAL = {"joint", "no", "air", "free", "new", "own", "peace", "aid", "help", "support",
             "cooperation", "fire", "home", "trade", "control", "relief", "asylum", "security",
             "military", "police", "death", "information", "news", "intelligence", "evidence"}

# Minimum corpus frequency of each word of a verb + object pattern (drops
# unattested WordNet synonyms such as "bequeath"); only applied when the
# corpora folder is present.
MIN_PATTERN_FREQ = 1000


def corpus_freq(corpora):
    """Word frequencies over Reuters-21578 plus two AllSides shards."""
    import gzip
    import json
    from collections import Counter
    freq = Counter()
    if not os.path.isdir(corpora):
        return None
    rj = os.path.join(corpora, "reuters21578", "json")
    for fn in sorted(os.listdir(rj)) if os.path.isdir(rj) else []:
        if fn.endswith(".json"):
            for art in json.load(open(os.path.join(rj, fn), encoding="utf-8", errors="replace")):
                freq.update(re.findall(r"[a-z][a-z'\-]*", (art.get("body") or "").lower()))
    ad = os.path.join(corpora, "allsides")
    for fn in ["allsides-00.jsonl.gz", "allsides-01.jsonl.gz"]:
        fp = os.path.join(ad, fn)
        if os.path.exists(fp):
            for line in gzip.open(fp, "rt", encoding="utf-8", errors="replace"):
                art = json.loads(line)
                freq.update(re.findall(r"[a-z][a-z'\-]*", (art.get("content_original") or "").lower()))
    return freq


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared", "sources")
    corpora = sys.argv[2] if len(sys.argv) > 2 else os.path.join(REPO, "..", "shared", "corpora")
    freq = corpus_freq(corpora)
    if freq is None:
        print("note: corpora not found; emitting curated rows and bare verb forms only "
              "(no verb+object patterns)", file=sys.stderr)

    def attested(phrase, n):
        return freq is None or all(freq.get(w, 0) >= n for w in phrase.split())
    table = read_table(os.path.join(src, "CAMEO2PLOVER-2021.txt"))
    synsets = read_synsets(os.path.join(src, "CAMEO.2.0.txt"))

    rows = OrderedDict()  # (type, pattern) -> (mode, weight)
    curated_patterns = set()
    for line in open(CURATED, encoding="utf-8"):
        if line.startswith("#") or not line.strip() or line.startswith("type\t"):
            continue
        t, m, w, p = line.rstrip("\n").split("\t")
        assert t in TYPES and m in TYPES[t], line
        rows[(t, p)] = (m, int(w))
        curated_patterns.add(p)

    def add(t, m, w, p):
        if p in curated_patterns or (t, p) in rows:
            return
        rows[(t, p)] = (m, w)

    # ---- verb forms
    forms_of = {}
    for i, line in enumerate(open(os.path.join(src, "cameo2_verbs.tsv"), encoding="utf-8")):
        if i == 0:
            continue
        verb, irr = (line.rstrip("\n").split("\t") + [""] * 2)[:2]
        lemma = verb.lower().replace("_", " ")
        forms_of[lemma] = [lemma] + [f.lower() for f in irr.split()] if irr.strip() else inflect(lemma)
    # A bare verb form is not emitted on its own: most CAMEO verbs are also
    # nouns or adjectives in news text ("trade partners", "campaign coffers",
    # "the United States"), and on both golds (PLOVER sentences, whole
    # articles) the bare forms cost more precision than they gave recall.
    # The verbs still give their forms to the verb + object patterns below.

    # ---- verb + object patterns
    pattern_lines = open(os.path.join(src, "cameo2_verb_patterns.tsv"), encoding="utf-8")
    if freq is None:
        pattern_lines = []
    for i, line in enumerate(pattern_lines):
        if i == 0:
            continue
        block, bcode, pat, code, srcverb = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
        tm = lookup(table, code)
        if not tm:
            continue
        verb = (srcverb or block).lower().replace("_", " ")
        if " " in verb:
            head, rest = verb.split(" ", 1)
            vforms = [f + " " + rest for f in forms_of.get(head, [head])]
        else:
            vforms = forms_of.get(verb, inflect(verb))
        toks = pat.split()
        if "*" not in toks:
            continue
        k = toks.index("*")
        vforms = vforms[2:3] if len(vforms) >= 3 else vforms  # past tense: the news-event form
        nxt = [x.strip("()").lower() for x in toks[k + 1:k + 2]]
        if nxt and nxt[0] in PARTICLES:
            rest = object_phrases(toks[k + 2:], synsets)
            for v in vforms:
                if not rest and attested(v, MIN_PATTERN_FREQ):
                    add(tm[0], tm[1], 2, f"{v} {nxt[0]}")
                for o in rest[:3]:
                    if attested(v, MIN_PATTERN_FREQ) and attested(o, MIN_PATTERN_FREQ):
                        add(tm[0], tm[1], 2, f"{v} {nxt[0]} ... {o}")
            continue
        after = object_phrases(toks[k + 1:], synsets)
        before = object_phrases(toks[:k], synsets) if k > 0 else []
        for o in (after or before)[:3]:
            if not attested(o, MIN_PATTERN_FREQ):
                continue
            for v in vforms:
                if attested(v, MIN_PATTERN_FREQ):
                    add(tm[0], tm[1], 2, f"{v} ... {o}" if after else f"{o} ... {v}")

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# PLOVER v0.8 event cue dictionary for newsdex. Generated by\n")
        f.write("# index-schema/tools/build_events.py; edit the curated overlay, not this file.\n")
        f.write("type\tmode\tweight\tpattern\n")
        for t in TYPES:
            for (tt, p), (m, w) in sorted(rows.items(), key=lambda kv: kv[0][1]):
                if tt == t:
                    f.write(f"{t}\t{m}\t{w}\t{p}\n")
    print(f"wrote {len(rows)} rows to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
