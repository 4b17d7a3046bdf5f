#!/usr/bin/env python3
"""Draws the article gold sample: which articles of ../shared/corpora and
corpus/ are labelled (see EVALUATION.md, "Article gold"). Deterministic: run
it again and it prints the same list. Writes sample.jsonl beside it; the
labels themselves are in articles.jsonl.

Usage: tests/data/gold/sample.py [--shared DIR]
"""
import gzip
import json
import os
import random
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
ALLSIDES, REUTERS, SAMPLE = 130, 60, 26


def shared_dir():
    if "--shared" in sys.argv:
        return sys.argv[sys.argv.index("--shared") + 1]
    return os.path.join(ROOT, "..", "shared")


def allsides(shared, rng):
    """Round-robin over outlets, then years, so that every outlet and year shows."""
    by_outlet = defaultdict(list)
    folder = os.path.join(shared, "corpora", "allsides")
    for name in sorted(os.listdir(folder)):
        with gzip.open(os.path.join(folder, name), "rt", encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                body = (a.get("content_original") or "").strip()
                if len(body) < 400:
                    continue
                year = (a.get("date") or "")[:4]
                by_outlet[a.get("source") or "?"].append((year, f"corpora/allsides/{name}", a["ID"]))
    outlets = sorted(by_outlet)
    rng.shuffle(outlets)
    for articles in by_outlet.values():
        rng.shuffle(articles)
    picked, seen_years = [], defaultdict(set)
    while len(picked) < ALLSIDES:
        for outlet in outlets:
            if len(picked) == ALLSIDES or not by_outlet[outlet]:
                continue
            pool = by_outlet[outlet]
            # Prefer a year this outlet has not given yet.
            k = next((i for i, a in enumerate(pool) if a[0] not in seen_years[outlet]), 0)
            year, path, ident = pool.pop(k)
            seen_years[outlet].add(year)
            picked.append({"corpus": "allsides", "file": path, "id": ident, "outlet": outlet, "year": year})
    return picked


def reuters(shared, rng):
    folder = os.path.join(shared, "corpora", "reuters21578", "json")
    pool = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for a in json.load(f):
                if len((a.get("body") or "").strip()) >= 300:
                    pool.append({"corpus": "reuters21578", "file": f"corpora/reuters21578/json/{name}", "id": str(a["id"])})
    return rng.sample(pool, REUTERS)


ID_KEYS = ["id", "ID", "_id", "uuid", "guid", "doc_id", "docid", "url"]  # as index-schema/fields.toml


def sample_corpus():
    """Every article of the bundled sample corpus: a text file is one article,
    a JSON file one per record (named by its id)."""
    out = []
    for folder, _, files in sorted(os.walk(os.path.join(ROOT, "corpus"))):
        for name in sorted(files):
            if name.endswith(".md"):
                continue
            full = os.path.join(folder, name)
            path = os.path.relpath(full, ROOT)
            opener = gzip.open if name.endswith(".gz") else open
            with opener(full, "rt", encoding="utf-8") as f:
                text = f.read()
            stem = name[:-3] if name.endswith(".gz") else name
            if stem.endswith((".jsonl", ".ndjson")):
                records = [json.loads(line) for line in text.splitlines() if line.strip()]
            elif stem.endswith(".json"):
                value = json.loads(text)
                records = value if isinstance(value, list) else [value]
            else:
                out.append({"corpus": "sample", "file": path})
                continue
            for record in records:
                ident = next(str(record[k]) for k in ID_KEYS if record.get(k))
                out.append({"corpus": "sample", "file": path, "id": ident})
    return out


def main():
    rng = random.Random(20261202)
    shared = shared_dir()
    rows = allsides(shared, rng) + reuters(shared, rng) + sample_corpus()
    rng.shuffle(rows)
    with open(os.path.join(HERE, "sample.jsonl"), "w", encoding="utf-8") as out:
        for n, row in enumerate(rows, 1):
            # Every third article is held aside: rules are tuned on the rest.
            row = {"n": n, "split": "held" if n % 3 == 0 else "dev", **row}
            out.write(json.dumps(row) + "\n")
    print(f"{len(rows)} articles -> {os.path.join(HERE, 'sample.jsonl')}", file=sys.stderr)


if __name__ == "__main__":
    main()
