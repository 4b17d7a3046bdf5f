#!/usr/bin/env python3
"""Build newsdex actor dictionaries (index-schema/actors/*.tsv).

Usage: build_actors.py [SOURCES_DIR]

SOURCES_DIR defaults to ../shared/sources relative to the repository root
(i.e. /work/shared/sources when the repo is /work/main). Facts (names, codes,
aliases, demonyms, capitals, group aliases, role-noun sectors) are taken from
the reference data; curation lives in tools/curated/. See index-schema/NOTICE.
"""
import csv
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.dirname(HERE)
REPO = os.path.dirname(SCHEMA)
CUR = os.path.join(HERE, "curated")
OUT = os.path.join(SCHEMA, "actors")

SECTORS = set("GOV MIL COP SPY JUD LEG PRM PTY REB UAF OPP BUS CVL EDU ELI JRN LAB MED REF REL CRM AGR SOC PRE UNK".split())


def src_dir():
    if len(sys.argv) > 1:
        return sys.argv[1]
    return os.path.normpath(os.path.join(REPO, "..", "shared", "sources"))


def curated_lines(name):
    with open(os.path.join(CUR, name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            yield line


def fold(s):
    """ASCII-fold diacritics (Bogotá -> Bogota); returns s if nothing changes."""
    n = unicodedata.normalize("NFKD", s)
    return "".join(c for c in n if not unicodedata.combining(c))


def is_latin(s):
    for ch in s:
        if ch.isalpha():
            try:
                if "LATIN" not in unicodedata.name(ch):
                    return False
            except ValueError:
                return False
    return True


def slugify(s):
    s = fold(s).lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def write_tsv(name, header, rows, comments):
    rows = sorted(set(rows))
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for c in comments:
            f.write("# " + c + "\n")
        f.write("\t".join(header) + "\n")
        for r in rows:
            assert all(r) and not any("\t" in x or "\n" in x for x in r), r
            f.write("\t".join(r) + "\n")
    size = os.path.getsize(path)
    assert size < 1_000_000, (name, size)
    print(f"{name}: {len(rows)} rows, {size} bytes")
    return rows


# ---------------------------------------------------------------- countries
KEEP_SHORT = {"UK", "US"}
FOREIGN_WORDS = re.compile(
    r"\b(Rep[uú]blica|Republik|R[ée]publique|Repubblica|Reino|Royaume|K[öo]nigreich|"
    r"Koninkrijk|Estado|[ÉE]tat|Stato|Staat|Regno|Dawlat|Mamlakat|Jumhuri|Respublika|Cumhuriyeti|"
    r"Kongeriket|Konungariket|Kongeriget|Rzeczpospolita|Federativa|Bundesrepublik|Vereinigte|"
    r"Tasavalta|Lýðveldið|Orileede|Jamhuri|Umbuso|Muang|Prathet|Negara|Kerajaan|Kingdom of)\b",
    re.I)


GENERIC = {"republic", "of", "the", "and", "islands", "island", "kingdom", "state", "states",
           "federation", "democratic", "people's", "united", "union", "federal", "saint",
           "socialist", "arab", "islamic", "commonwealth", "territory", "sar", "special"}


def words(s):
    return {w for w in re.findall(r"[\w']+", fold(s).lower()) if w not in GENERIC}


def build_countries(src):
    drop_terms = set(curated_lines("drop_terms.txt"))
    rows = set()
    dropped = set()
    extra = []
    for line in curated_lines("country_extra.txt"):
        iso, kind, term = line.split("\t")
        if kind == "drop":
            dropped.add((iso, term))
        else:
            extra.append((iso, kind, term))

    def ok(term):
        if not term or term in drop_terms:
            return False
        if not is_latin(term):
            return False
        if len(term) < 3 and term not in KEEP_SHORT:
            return False
        if re.fullmatch(r"[A-Z]{2}", term) and term not in KEEP_SHORT:
            return False
        return True

    def add(iso, kind, term):
        term = term.strip()
        if (iso, term) in dropped or not ok(term):
            return
        rows.add((iso, kind, term))
        f = fold(term)
        if f != term and ok(f) and (iso, f) not in dropped:
            rows.add((iso, kind, f))

    data = json.load(open(os.path.join(src, "mledoze_countries.json"), encoding="utf-8"))
    for c in data:
        iso = c["cca3"]
        names = {c["name"]["common"], c["name"]["official"]}
        for n in names:
            add(iso, "name", n)
        for a in c.get("altSpellings", []):
            if a in names:
                continue
            # keep English-looking alternates only: ASCII or with a few diacritics,
            # and not a foreign-language official form.
            if FOREIGN_WORDS.search(a) or "," in a or "(" in a or not a.isascii():
                continue
            # Keep an alternate only if it is an acronym (UAE, DPRK) or shares a
            # distinctive word with the English names; this drops native-language
            # forms ("Nippon", "Suomi") and English-word traps ("Island", "Mann").
            if not (re.fullmatch(r"[A-Z][A-Z.]{2,}", a) or words(a) & words(" ".join(names))):
                continue
            add(iso, "alias", a)
        dem = c.get("demonyms", {}).get("eng", {})
        for g in ("m", "f"):
            for d in re.split(r",| or ", dem.get(g, "") or ""):
                d = d.strip()
                if not d:
                    continue
                add(iso, "demonym", d)
                if re.search(r"(an|i|er|ot|ite|ek|ard)$", d):
                    add(iso, "demonym", d + "s")
        if c.get("independent") or iso in ("PSE", "UNK", "TWN"):
            for cap in c.get("capital", []):
                add(iso, "capital", cap)
    for iso, kind, term in extra:
        add(iso, kind, term)
    # Dependent territories do not keep a demonym/name that an independent country has
    # (American Samoa's "American", French Southern Territories' "French", ...).
    indep = {c["cca3"] for c in data if c.get("independent")} | {"PSE", "UNK", "TWN"}
    indep |= {"SUN", "FRG", "DDR", "YUG", "CSK", "ZAR", "YMD"}
    owned = {t for i, k, t in rows if i in indep}
    rows = {r for r in rows if r[0] in indep or r[2] not in owned}
    # A term that is a name/alias of one country must not be a capital/demonym elsewhere
    # by accident; report cross-country duplicates for review.
    seen = {}
    for iso, kind, term in rows:
        seen.setdefault(term, set()).add(iso)
    amb = {t: sorted(s) for t, s in seen.items() if len(s) > 1}
    if amb:
        print("countries: terms shared by several codes:", amb)
    return write_tsv(
        "countries.tsv", ["iso3", "kind", "term"], rows,
        ["Country names, aliases, demonyms, capitals (metonyms) and historical states.",
         "Derived from mledoze/countries (ODbL 1.0): this table is an ODbL derived database.",
         "Historical codes: SUN USSR, FRG West Germany, DDR East Germany, YUG Yugoslavia,",
         "CSK Czechoslovakia, ZAR Zaire, YMD South Yemen. Generated by tools/build_actors.py."])


# ---------------------------------------------------------------- IGOs
def build_igos(src):
    rows = set()
    for line in curated_lines("igos.txt"):
        slug, terms = line.split("\t")
        for t in terms.split("|"):
            t = t.strip()
            if t:
                rows.add((slug, t))
                if fold(t) != t:
                    rows.add((slug, fold(t)))
    # checklist: acronyms/names we emit that Phoenix does not know (informational)
    known = set()
    with open(os.path.join(src, "phoenix_international_actors.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            known.add(r["name"].upper().replace("_", " ").strip())
            for a in (r["aliases"] or "").split("|"):
                known.add(a.upper().replace("_", " ").strip())
    slugs = {s for s, _ in rows}
    miss = sorted(s for s in slugs if not any(t.upper() in known for s2, t in rows if s2 == s))
    print(f"igos: {len(slugs)} organisations ({len(slugs) - len(miss)} matched in the Phoenix checklist)")
    return write_tsv("igos.tsv", ["slug", "term"], rows,
                     ["International organisations: slug and name/acronym variants.",
                      "Project curation; PETRARCH2 Phoenix international actors (MIT) used as checklist.",
                      "Generated by tools/build_actors.py."])


# ---------------------------------------------------------------- groups
def build_groups(src):
    stop = set(curated_lines("attack_stop.txt"))
    sponsor = dict(l.split("\t") for l in curated_lines("attack_sponsors.txt"))
    extra = [l.split("\t") for l in curated_lines("attack_extra.txt")]
    rows = set()
    active = set()
    with open(os.path.join(src, "mitre_attack_groups.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["revoked"] == "True" or r["deprecated"] == "True":
                continue
            gid = r["attack_id"]
            active.add(gid)
            sp = sponsor.get(gid, "-")
            terms = [r["name"]] + [a for a in (r["aliases"] or "").split("|") if a]
            for t in terms:
                t = t.strip()
                if len(t) < 3:
                    continue
                if t in stop:
                    # Too ambiguous to match alone ("Play", "Akira"), but a
                    # gang phrase beside it ("the Akira ransomware gang") says
                    # which it is.
                    rows.add((gid, "in-context", "-", sp, t))
                    continue
                rows.add((gid, "intrusion-set", "-", sp, t))
                m = re.fullmatch(r"APT(\d+)", t)
                if m:
                    n = m.group(1)
                    rows.add((gid, "intrusion-set", "-", sp, f"APT {n}"))
                    rows.add((gid, "intrusion-set", "-", sp, f"Advanced Persistent Threat {n}"))
                    rows.add((gid, "intrusion-set", "-", sp, f"Advanced Persistent Threat Group {n}"))
    for gid, t in extra:
        assert gid in active, gid
        rows.add((gid, "intrusion-set", "-", sponsor.get(gid, "-"), t))
    unknown = set(sponsor) - active
    assert not unknown, unknown
    covered = {r[0] for r in rows}
    print(f"groups: {len(active)} active ATT&CK groups, {len(covered)} with terms; "
          f"no usable term: {sorted(active - covered)}")
    for line in curated_lines("armed_groups.txt"):
        gid, base, sp, terms = line.split("\t")
        for t in terms.split("|"):
            t = t.strip()
            if t:
                rows.add((gid, "armed", base, sp, t))
    return write_tsv("groups.tsv", ["id", "kind", "base", "sponsor", "term"], rows,
                     ["Intrusion sets (MITRE ATT&CK group ids) and armed non-state groups.",
                      "© The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.",
                      "base: ISO3 of the country an armed group is based in and fights in (project judgement), '-' if several.",
                      "sponsor: ISO3 of a well-known state sponsor (project judgement), '-' if unknown/contested.",
                      "kind in-context: a name matched only beside a gang phrase (\"the Akira ransomware gang\").",
                      "Generated by tools/build_actors.py."])


# ---------------------------------------------------------------- people
def build_people(src, reuters_list):
    rows = set()
    primary = {}
    labels = {}
    for line in curated_lines("people.txt"):
        parts = [p.strip() for p in line.split("|")]
        iso, sector, role, names = parts[:4]
        label = parts[4] if len(parts) > 4 else ""
        assert sector in SECTORS, line
        variants = [n.strip() for n in names.split(";") if n.strip()]
        # slug from the first plain-ASCII variant (Karl Otto Poehl, not Pöhl -> "pohl")
        slug = slugify(next((v for v in variants if v.isascii()), variants[0]))
        if slug in primary:  # later listing of the same person: keep the first role
            iso, sector, role = primary[slug]
        else:
            primary[slug] = (iso, sector, role)
        if label:
            labels[label] = slug
        for v in variants:
            rows.add((slug, iso, sector, role, v))
    if reuters_list and os.path.exists(reuters_list):
        want = [l.strip() for l in open(reuters_list) if l.strip()]
        miss = [w for w in want if w not in labels]
        print(f"people: Reuters labels mapped {len(want) - len(miss)}/{len(want)}; unmapped: {' '.join(miss)}")
    print(f"people: {len(primary)} people")
    return write_tsv("people.tsv", ["slug", "iso3", "sector", "role", "term"], rows,
                     ["Prominent officials (about 1985-2025), one row per full-name variant.",
                      "iso3 FRG/SUN/DDR/YUG/CSK = state mainly served in the 1980s; IGO = international organisation.",
                      "Project curation; PETRARCH2 Phoenix leaders and the Reuters-21578 people list used as checklists.",
                      "Generated by tools/build_actors.py."])


# ---------------------------------------------------------------- sectors / agencies
def phoenix_agents(src):
    d = {}
    with open(os.path.join(src, "phoenix_agents.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            code = r["role_code"].strip()[:3]
            # CAMEO used MED for media and HLH for health; PLOVER uses JRN and MED.
            code = {"MED": "JRN", "HLH": "MED"}.get(code, code)
            d.setdefault(r["term"].strip().lower(), code)
    return d


def build_sectors(src):
    ph = phoenix_agents(src)
    rows = set()
    disagree = []
    for line in curated_lines("sectors.txt"):
        parts = line.split("\t")
        term = parts[0].strip().lower()
        if len(parts) > 1 and parts[1].strip():
            sec = parts[1].strip()
        else:
            sec = ph[term]
        assert sec in SECTORS, line
        p = ph.get(term) or (ph.get(term[:-1]) if term.endswith("s") else None)
        if p and p != sec and p in SECTORS:
            disagree.append(f"{term}:{sec}/phoenix {p}")
        rows.add((term, sec))
    if disagree:
        print("sectors: curated sector differs from Phoenix for:", ", ".join(disagree))
    terms = [t for t, _ in rows]
    assert len(terms) == len(set(terms)), "term with two sectors"
    write_tsv("sectors.tsv", ["term", "sector"], rows,
              ["Role nouns -> PLOVER/CAMEO actor sector code (lower case).",
               "Project curation checked against PETRARCH2 Phoenix agents (MIT) and NGEC PLOVER agents.",
               "Generated by tools/build_actors.py."])
    rows = set()
    for line in curated_lines("agencies.txt"):
        iso, sec, term = line.split("\t")
        assert sec in SECTORS, line
        rows.add((iso, sec, term))
    write_tsv("agencies.tsv", ["iso3", "sector", "term"], rows,
              ["Named agencies and metonyms implying country + sector.",
               "Project curation; PETRARCH2 Phoenix country actors (MIT) used as checklist.",
               "Generated by tools/build_actors.py."])


# ---------------------------------------------------------------- labels
def first_rows(name, key_col, term_col, keep=lambda r: True):
    """The first term of each key, in file order, from a generated table."""
    out = {}
    with open(os.path.join(OUT, name), encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t") for l in f if not l.startswith("#")]
    header = rows[0]
    k, t = header.index(key_col), header.index(term_col)
    for r in rows[1:]:
        if keep(dict(zip(header, r))):
            out.setdefault(r[k], r[t])
    return out


def build_labels(src):
    """actors/labels.tsv: the name a facet value is shown by. Countries by
    their short name, organisations by their acronym when they have one,
    intrusion sets by their APT number when they have one (else ATT&CK's
    name), armed groups and people by their first name in the curated lists,
    and sectors by a word after the country."""
    rows = set()
    with open(os.path.join(src, "mledoze_countries.json"), encoding="utf-8") as f:
        common = {c["cca3"]: c["name"]["common"] for c in json.load(f)}
    for iso3, name in first_rows("countries.tsv", "iso3", "term", lambda r: r["kind"] == "name").items():
        rows.add((f"/country/{iso3}", common.get(iso3, name)))
    historical = {}
    for line in curated_lines("country_extra.txt"):
        iso3, kind, term = line.split("\t")
        if kind == "historical":
            historical.setdefault(iso3, term)
    for iso3, name in historical.items():
        rows.add((f"/country/{iso3}", name))
    igo_terms = {}
    with open(os.path.join(OUT, "igos.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("slug\t"):
                continue
            slug, term = line.rstrip("\n").split("\t")
            igo_terms.setdefault(slug, []).append(term)
    for slug, terms in igo_terms.items():
        acronyms = [t for t in terms if re.fullmatch(r"[A-Z][A-Z0-9&]+", t)]
        longest = max(terms, key=len)
        rows.add((f"/igo/{slug}", acronyms[0] if acronyms else longest))
    with open(os.path.join(src, "mitre_attack_groups.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["revoked"] == "True" or r["deprecated"] == "True":
                continue
            names = [r["name"]] + [a for a in (r["aliases"] or "").split("|") if a]
            apt = [n for n in names if re.fullmatch(r"APT\d+", n)]
            rows.add((f"/group/{r['attack_id']}", apt[0] if apt else r["name"]))
    for line in curated_lines("armed_groups.txt"):
        gid, _base, _sponsor, terms = line.split("\t")
        rows.add((f"/group/{gid}", terms.split("|")[0].strip()))
    for slug, name in first_rows("people.tsv", "slug", "term").items():
        rows.add((f"/person/{slug}", name))
    for line in curated_lines("sector_labels.txt"):
        code, word = line.split("\t")
        assert code in SECTORS, code
        rows.add((f"*/{code}", word))
    return write_tsv("labels.tsv", ["path", "label"], rows,
                     ["The name each facet value is shown by; `*/CODE` names a sector after its country.",
                      "Facts from the tables beside it (MITRE ATT&CK names for intrusion sets); see NOTICE.",
                      "Generated by tools/build_actors.py (build_labels)."])


def main():
    src = src_dir()
    os.makedirs(OUT, exist_ok=True)
    build_countries(src)
    build_igos(src)
    build_groups(src)
    reuters = os.path.join(os.path.dirname(src), "corpora", "reuters21578", "xml",
                           "all-people-strings.lc.txt")
    build_people(src, reuters)
    build_sectors(src)
    build_labels(src)


if __name__ == "__main__":
    main()
