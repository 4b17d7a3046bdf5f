#!/usr/bin/env python3
"""Prints articles of the gold sample for a labeller: number, split, source,
date, title and body, read from ../shared/corpora or corpus/ (nothing of their
text is stored in the repository).

Usage: tests/data/gold/show.py N [N ...]   or   show.py 1-20
"""
import gzip
import json
import os
import sys

from sample import HERE, ID_KEYS, ROOT

SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
TITLE_KEYS = ["title", "headline"]
BODY_KEYS = ["body", "content_original", "content", "text"]
DATE_KEYS = ["date", "published", "publishedAt"]


def first(record, keys):
    return next((str(record[k]) for k in keys if record.get(k)), "")


def load(row):
    base = ROOT if row["corpus"] == "sample" else SHARED
    path = os.path.join(base, row["file"])
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        text = f.read()
    if "id" not in row:
        return {"title": "", "date": "", "source": "", "body": text}
    stem = path[:-3] if path.endswith(".gz") else path
    if stem.endswith((".jsonl", ".ndjson")):
        records = (json.loads(line) for line in text.splitlines() if line.strip())
    else:
        value = json.loads(text)
        records = value if isinstance(value, list) else [value]
    for record in records:
        if first(record, ID_KEYS) == row["id"]:
            return {
                "title": first(record, TITLE_KEYS),
                "date": first(record, DATE_KEYS),
                "source": first(record, ["source", "publisher"]),
                "body": first(record, BODY_KEYS),
            }
    raise SystemExit(f"article {row['id']} not found in {path}")


def main():
    rows = [json.loads(line) for line in open(os.path.join(HERE, "sample.jsonl"), encoding="utf-8")]
    wanted = []
    for arg in sys.argv[1:]:
        if "-" in arg:
            a, b = arg.split("-")
            wanted.extend(range(int(a), int(b) + 1))
        else:
            wanted.append(int(arg))
    for n in wanted:
        row = rows[n - 1]
        a = load(row)
        print(f"=== article {n} ({row['split']}; {row['file']} {row.get('id', '')}) ===")
        print(f"source: {a['source']}   date: {a['date']}")
        print(f"title: {a['title']}")
        print(a["body"].strip())
        print()


if __name__ == "__main__":
    main()
