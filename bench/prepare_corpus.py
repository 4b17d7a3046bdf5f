#!/usr/bin/env python3
"""Normalise allsides + reuters21578 into one JSON Lines corpus for bench/run.

Output records: {"id", "title", "body", "date" (YYYY-MM-DD, omitted when
missing or unreadable), "source"}; records without a body are skipped.
--scale N writes N copies: copy k>0 gets the id suffix "~rk" and its date
shifted forward by k whole years (Feb 29 -> Feb 28).  --smoke keeps the
first 1,000 articles of each collection (2,000 in all).
Derived views (not timed, written once next to the corpus):
  *.rfc3339.jsonl  same records, date as RFC 3339 (tantivy-cli / tantivy-py
                   / ceiling need that for a date field)
  anserini-*/docs-K.jsonl {"id", "contents": title + "\n\n" + body} for
                   Anserini's JsonCollection
"""
import argparse, contextlib, datetime as dt, glob, gzip, json, os, re, sys

MONTHS = {m: i + 1 for i, m in enumerate(
    "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}


def norm_date(s):
    if not s or not isinstance(s, str):
        return None
    s = s.strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        y, mo, d = map(int, m.groups())
    else:
        m = re.match(r"^\s*(\d{1,2})-([A-Z]{3})-(\d{4})", s.upper())
        if not m or m.group(2) not in MONTHS:
            return None
        y, mo, d = int(m.group(3)), MONTHS[m.group(2)], int(m.group(1))
    if not 1900 <= y <= 2030:
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def read_articles(root, smoke):
    limit = 1000 if smoke else None
    n = 0
    for path in sorted(glob.glob(os.path.join(root, "allsides", "*.jsonl.gz"))):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                body = (r.get("content_original") or "").strip()
                if not body:
                    continue
                yield ("allsides-%s" % r.get("ID"), r.get("title") or "", body,
                       norm_date(r.get("date")), r.get("source") or "AllSides")
                n += 1
                if limit and n >= limit:
                    break
        if limit and n >= limit:
            break
    n = 0
    for path in sorted(glob.glob(os.path.join(root, "reuters21578", "json", "*.json"))):
        with open(path, encoding="utf-8") as f:
            arr = json.load(f)
        for r in arr:
            body = (r.get("body") or "").strip()
            if not body:
                continue
            yield ("reuters-%s" % r.get("id"), r.get("title") or "", body,
                   norm_date(r.get("date")), "Reuters")
            n += 1
            if limit and n >= limit:
                return


def shift(d, k):
    if d is None or k == 0:
        return d
    try:
        return d.replace(year=d.year + k)
    except ValueError:
        return d.replace(year=d.year + k, day=28)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--smoke", action="store_true")
    a = ap.parse_args()
    arts = list(read_articles(a.root, a.smoke))
    base = a.out[:-len(".jsonl")]
    ans_dir = os.path.join(os.path.dirname(a.out), "anserini-" + os.path.basename(base))
    os.makedirs(ans_dir, exist_ok=True)
    stats = {"articles": 0, "text_bytes": 0, "dated": 0, "scale": a.scale,
             "smoke": a.smoke, "distinct_articles": len(arts)}
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out, \
         open(base + ".rfc3339.jsonl.tmp", "w", encoding="utf-8") as out2, \
         contextlib.ExitStack() as stack:
        parts = max(1, os.cpu_count() or 1)  # Anserini indexes one file per thread
        for old in glob.glob(os.path.join(ans_dir, "docs*.jsonl")):
            os.remove(old)
        out3s = [stack.enter_context(open(os.path.join(ans_dir, "docs-%d.jsonl" % i), "w",
                                          encoding="utf-8")) for i in range(parts)]
        for k in range(a.scale):
            for (id_, title, body, d, src) in arts:
                d2 = shift(d, k)
                rid = id_ if k == 0 else "%s~r%d" % (id_, k)
                rec = {"id": rid, "title": title, "body": body}
                if d2:
                    rec["date"] = d2.isoformat()
                rec["source"] = src
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                if d2:
                    rec["date"] = d2.isoformat() + "T00:00:00Z"
                out2.write(json.dumps(rec, ensure_ascii=False) + "\n")
                out3s[stats["articles"] % parts].write(json.dumps({"id": rid, "contents": title + "\n\n" + body},
                                      ensure_ascii=False) + "\n")
                stats["articles"] += 1
                stats["text_bytes"] += len(title.encode()) + len(body.encode())
                stats["dated"] += d2 is not None
    os.replace(tmp, a.out)
    os.replace(base + ".rfc3339.jsonl.tmp", base + ".rfc3339.jsonl")
    stats["file_bytes"] = os.path.getsize(a.out)
    with open(base + ".stats.json", "w") as f:
        json.dump(stats, f, indent=1)
    print(json.dumps(stats))


if __name__ == "__main__":
    sys.exit(main())
