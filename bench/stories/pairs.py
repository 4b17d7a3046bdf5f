#!/usr/bin/env python3
"""The story set: article pairs labelled "same story" or not, and scoring.

    pairs.py sample --corpora DIR > pairs.tsv
    pairs.py dump   --corpora DIR --pairs pairs.tsv --out DIR   (texts to label; never into the repository)
    pairs.py score  --corpora DIR --export EXPORT.jsonl [--labels labels.tsv]

`sample` reads allsides and Reuters-21578 (JSON) from the shared corpora and
draws pairs in strata of exact word 5-shingle Jaccard similarity, computed
here independently of newsdex's MinHash, plus pairs of articles with similar
titles a week apart or less and little shared text (the hardest "not the
same story" cases, and rewritten versions the shingles miss), plus random
pairs. The output is shuffled and holds no similarity figure, so that a
labeller cannot tell which stratum a pair came from.

`dump` writes one file per pair with both articles' sources, dates, titles
and full texts, for labelling by reading.

`score` reads labels.tsv (id_a, id_b, label: 1 same story, 0 not) and a
`newsdex search '*' --export FILE.jsonl` of an index holding the corpora,
and prints precision and recall of "same story" (same `story` value), over
all labelled pairs and per stratum.
"""
import argparse
import collections
import gzip
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHINGLE = 5
WORD = re.compile(r"[^\W_]+")
STRATA = [  # name, low, high (exact Jaccard), pairs wanted
    ("j80", 0.80, 1.01, 40),
    ("j50", 0.50, 0.80, 50),
    ("j30", 0.30, 0.50, 50),
    ("j10", 0.10, 0.30, 60),
    ("j02", 0.02, 0.10, 50),
]
TITLE_PAIRS = 50
RANDOM_PAIRS = 20


def articles(corpora):
    allsides = os.path.join(corpora, "allsides")
    for name in sorted(os.listdir(allsides)):
        with gzip.open(os.path.join(allsides, name), "rt") as f:
            for line in f:
                try:
                    a = json.loads(line)
                except ValueError:
                    continue
                body = a.get("content_original") or ""
                if body.strip():
                    yield str(a["ID"]), a.get("source", ""), a.get("date", ""), a.get("title", ""), body
    reuters = os.path.join(corpora, "reuters21578", "json")
    for name in sorted(os.listdir(reuters)):
        with open(os.path.join(reuters, name)) as f:
            for a in json.load(f):
                body = a.get("body") or ""
                if body.strip():
                    yield str(a["id"]), "Reuters", a.get("date", ""), a.get("title", ""), body


def shingles(text):
    words = WORD.findall(text.lower())
    return {hash(tuple(words[i:i + SHINGLE])) for i in range(max(1, len(words) - SHINGLE + 1))}


def jaccard(a, b):
    return len(a & b) / len(a | b) if a and b else 0.0


def day(date):
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)", date or "")
    if m:
        return int(m[1]) * 372 + int(m[2]) * 31 + int(m[3])
    m = re.match(r"\s*(\d+)-([A-Z]{3})-(\d{4})", date or "")
    if m:
        months = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
        if m[2] in months:
            return int(m[3]) * 372 + (months.index(m[2]) + 1) * 31 + int(m[1])
    return None


def sample(corpora, seed=20261206):
    rng = random.Random(seed)
    ids, sets, meta = [], [], []
    for id_, source, date, title, body in articles(corpora):
        ids.append(id_)
        sets.append(frozenset(shingles(body)))
        meta.append((day(date), set(WORD.findall(title.lower())) - STOP))
    print(f"{len(ids)} articles", file=sys.stderr)
    # Candidates: pairs sharing at least two sampled shingles; a shingle on
    # more than 50 articles is boilerplate and says nothing.
    postings = collections.defaultdict(list)
    for n, s in enumerate(sets):
        for h in s:
            if h % 8 == 0:
                postings[h].append(n)
    shared = collections.Counter()
    for docs in postings.values():
        if 1 < len(docs) <= 50:
            for i, a in enumerate(docs):
                for b in docs[i + 1:]:
                    shared[(a, b)] += 1
    del postings
    by_stratum = collections.defaultdict(list)
    for (a, b), count in shared.items():
        if count < 2:
            continue
        j = jaccard(sets[a], sets[b])
        for name, low, high, _ in STRATA:
            if low <= j < high:
                by_stratum[name].append((a, b))
    out = []
    for name, _, _, wanted in STRATA:
        pool = sorted(by_stratum[name])
        print(f"{name}: {len(pool)} candidate pairs", file=sys.stderr)
        out += [(a, b, name) for a, b in rng.sample(pool, min(wanted, len(pool)))]
    # Similar titles, close in time, little shared text.
    by_word = collections.defaultdict(list)
    for n, (d, words) in enumerate(meta):
        if d is not None:
            for w in words:
                by_word[w].append(n)
    titled = set()
    tries = 0
    while len(titled) < TITLE_PAIRS and tries < 200000:
        tries += 1
        a = rng.randrange(len(ids))
        d, words = meta[a]
        if d is None or len(words) < 3:
            continue
        w = rng.choice(sorted(words))
        if len(by_word[w]) > 2000:
            continue
        b = rng.choice(by_word[w])
        db, wb = meta[b]
        if b == a or db is None or abs(db - d) > 7:
            continue
        if len(words & wb) / len(words | wb) < 0.3 or jaccard(sets[a], sets[b]) >= 0.02:
            continue
        titled.add((min(a, b), max(a, b)))
    out += [(a, b, "title") for a, b in sorted(titled)]
    for _ in range(RANDOM_PAIRS):
        a, b = rng.sample(range(len(ids)), 2)
        out.append((min(a, b), max(a, b), "random"))
    seen, rows = set(), []
    for a, b, name in out:
        if (a, b) not in seen:
            seen.add((a, b))
            rows.append((ids[a], ids[b], name))
    rng.shuffle(rows)
    print("id_a\tid_b\tstratum")
    for row in rows:
        print("\t".join(row))


STOP = set("a an the of to in on for and or but is are was were be by with as at from after over new says said "
           "u s its it that this his her their he she they not no".split())


def read_tsv(path):
    with open(path) as f:
        next(f)
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def dump(corpora, pairs, out):
    wanted = {i for row in read_tsv(pairs) for i in row[:2]}
    texts = {a[0]: a for a in articles(corpora) if a[0] in wanted}
    os.makedirs(out, exist_ok=True)
    for n, (a, b, _) in enumerate(read_tsv(pairs), 1):
        with open(os.path.join(out, f"pair-{n:03}.txt"), "w") as f:
            f.write(f"pair {n}: {a} {b}\n")
            for side, id_ in (("A", a), ("B", b)):
                _, source, date, title, body = texts[id_]
                f.write(f"\n===== {side}: {id_} · {source} · {date}\n{title}\n\n{body.strip()}\n")


def score(corpora, export, labels_path):
    story = {}
    with open(export) as f:
        for line in f:
            hit = json.loads(line)
            if "id" in hit:
                story[hit["id"]] = hit.get("story", {}).get("id") if isinstance(hit.get("story"), dict) \
                    else hit.get("story")
    strata = {(a, b): s for a, b, s in read_tsv(os.path.join(HERE, "pairs.tsv"))}
    totals = collections.defaultdict(lambda: [0, 0, 0, 0])  # tp fp fn tn
    missing = 0
    for a, b, label in read_tsv(labels_path):
        if a not in story or b not in story:
            missing += 1
            continue
        same = story[a] is not None and story[a] == story[b]
        cell = {(True, "1"): 0, (True, "0"): 1, (False, "1"): 2, (False, "0"): 3}[(same, label)]
        for key in ("all", strata.get((a, b), "?")):
            totals[key][cell] += 1
    if missing:
        print(f"{missing} labelled pairs have an article the export does not hold", file=sys.stderr)
    print("stratum\tpairs\tsame\tTP\tFP\tFN\tprecision\trecall")
    for key in ["all"] + [s[0] for s in STRATA] + ["title", "random"]:
        tp, fp, fn, tn = totals[key]
        p = tp / (tp + fp) if tp + fp else float("nan")
        r = tp / (tp + fn) if tp + fn else float("nan")
        print(f"{key}\t{tp + fp + fn + tn}\t{tp + fn}\t{tp}\t{fp}\t{fn}\t{p:.3f}\t{r:.3f}")


def main():
    # Shingles are hashed with Python's hash(), salted per process unless
    # fixed: the sample must come out the same on every run.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, "PYTHONHASHSEED": "0"})
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["sample", "dump", "score"])
    ap.add_argument("--corpora", default=os.path.join(HERE, "..", "..", "..", "shared", "corpora"))
    ap.add_argument("--pairs", default=os.path.join(HERE, "pairs.tsv"))
    ap.add_argument("--labels", default=os.path.join(HERE, "labels.tsv"))
    ap.add_argument("--out")
    ap.add_argument("--export")
    args = ap.parse_args()
    if args.command == "sample":
        sample(args.corpora)
    elif args.command == "dump":
        dump(args.corpora, args.pairs, args.out)
    else:
        score(args.corpora, args.export, args.labels)


if __name__ == "__main__":
    main()
