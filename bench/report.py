#!/usr/bin/env python3
"""Turn bench results JSON files into the tables of BENCHMARKS.md (markdown)."""
import json, sys

ORDER = ["newsdex", "ceiling", "tantivy-cli", "tantivy-py", "lucene", "sqlite", "xapian", "ripgrep"]
NAMES = {"newsdex": "newsdex (tagging included)", "ceiling": "ceiling: bare tantivy 0.27",
         "tantivy-cli": "tantivy-cli", "tantivy-py": "tantivy-py", "lucene": "Lucene (Anserini)",
         "sqlite": "SQLite FTS5", "xapian": "Xapian", "ripgrep": "ripgrep (no index)"}
LAT_NOTE = {"newsdex": "`took_ms` from `--json`: top 10 + snippets + facet counts",
            "ceiling": "top 10 + body snippet + count",
            "tantivy-cli": "`tantivy bench`: count+top 10, then fetch of the stored docs; no snippets",
            "tantivy-py": "top 10 + body snippet + count",
            "lucene": "top 10 + stored raw text (no highlighter in the fat jar)",
            "sqlite": "top 10 ranked with bm25() + snippet(); count not included",
            "xapian": "top 10 + MSet.snippet + exact count"}


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def f(x, nd=1):
    return "—" if x is None else ("%.*f" % (nd, x))


def ratio(x, base):
    if x is None or not base:
        return ""
    return " (%.2f×)" % (x / base)


def cell(x, base, nd=1):
    return f(x, nd) + ratio(x, base)


def lat(recs, shared_only=True):
    xs = []
    for r in recs or []:
        if shared_only and r.get("flags"):
            continue
        xs += r.get("ms") or []
    return [pct(xs, 50), pct(xs, 95), pct(xs, 99)] if xs else [None] * 3


def render(results):
    out = []
    for res in results:
        m, c = res["machine"], res["corpus"]
        tools = res["tools"]
        out.append("## %s — %d articles, %.1f MB of text%s\n" % (
            res["label"], c["articles"], c["text_bytes"] / 1e6,
            "" if c["scale"] == 1 else
            " (%d× replication of %d distinct articles: copy k has new ids and dates shifted by k years)"
            % (c["scale"], c["distinct_articles"])))
        out.append("Machine: %d cores, %s, %s RAM, Linux %s; run %s%s. Corpus: allsides + reuters21578 "
                   "from `../shared/corpora`, normalised to JSON Lines (%s), %d dated; records without a body "
                   "skipped.\n" % (m["nproc"], m["cpu"], m["ram"], m["kernel"], m["date"],
                                   " — SMOKE run (first 1,000 articles of each collection, a few queries)"
                                   if res["smoke"] else "", "%.1f MB file" % (c["file_bytes"] / 1e6),
                                   c["dated"]))
        base = tools.get("newsdex", {}).get("index", {})
        out.append("### Indexing\n")
        out.append("Ratios in brackets are tool ÷ newsdex from this run (for seconds, RSS and size, above 1 "
                   "means newsdex is better; for MB/s and articles/s, below 1 means newsdex is faster).\n")
        out.append("| tool | wall s | MB/s | articles/s | peak RSS MB | index MB | index ÷ text |")
        out.append("|---|---:|---:|---:|---:|---:|---:|")
        for t in ORDER:
            if t not in tools:
                continue
            r = tools[t]
            if "not_run" in r:
                out.append("| %s | not run: %s | | | | | |" % (NAMES[t], r["not_run"].replace("|", "/").replace("\n", " ")[:200]))
                continue
            i = r.get("index", {})
            if t == "ripgrep":
                out.append("| %s | — (no index) | | | | 0 | 0 |" % NAMES[t])
                continue
            size = i.get("size_bytes", 0) / 1e6
            out.append("| %s | %s | %s | %s | %s | %s | %.2f |" % (
                NAMES[t], cell(i.get("seconds"), base.get("seconds"), 1),
                cell(i.get("mb_s"), base.get("mb_s"), 1), cell(i.get("articles_s"), base.get("articles_s"), 0),
                cell(i.get("rss_mb"), base.get("rss_mb"), 0),
                cell(size, base.get("size_bytes", 0) / 1e6, 1), i.get("size_bytes", 0) / c["text_bytes"]))
        out.append("")
        nd = tools.get("newsdex", {})
        out.append("### Queries\n")
        nq = len([q for q in nd.get("process", []) if not q.get("flags")])
        out.append("Latency in ms over every (query, repetition) of the %d shared queries in `bench/queries.txt` "
                   "(single terms, multi-term, phrases, boolean), first repetition dropped as warm-up; "
                   "ratios are tool ÷ newsdex in-process.\n" % nq)
        out.append("| tool | how measured | p50 | p95 | p99 |")
        out.append("|---|---|---:|---:|---:|")
        b = lat(nd.get("inproc_took_ms"))
        out.append("| newsdex in-process | %s | %s | %s | %s |" % (LAT_NOTE["newsdex"], f(b[0], 2), f(b[1], 2), f(b[2], 2)))
        cr = nd.get("criterion") or {}
        if cr.get("shared"):
            c = cr["shared"]
            out.append("| newsdex in-process, criterion | `cargo bench --bench search`: `Searcher::search` (top 10 + snippets + facet counts) on a warm searcher, %d samples | %s | %s | %s |" % (
                c["samples"], cell(c["p50"], b[0], 2), cell(c["p95"], b[1], 2), cell(c["p99"], b[2], 2)))
        else:
            out.append("| newsdex in-process, criterion | not run: %s | | | |" % (cr.get("error") or "no results").replace("|", "/"))
        for t in ORDER[1:-1]:
            r = tools.get(t)
            if r is None:
                continue
            if "not_run" in r or "query_error" in r:
                out.append("| %s | not run: %s | | | |" % (NAMES[t], (r.get("not_run") or r.get("query_error")).replace("|", "/").replace("\n", " ")[:200]))
                continue
            l = lat(r.get("inproc"))
            out.append("| %s | %s | %s | %s | %s |" % (NAMES[t], LAT_NOTE[t], cell(l[0], b[0], 2), cell(l[1], b[1], 2), cell(l[2], b[2], 2)))
        p = lat(nd.get("process"))
        out.append("| newsdex whole process | `newsdex search Q --json`, hyperfine -N | %s | %s | %s |" % (
            cell(p[0], b[0], 1), cell(p[1], b[1], 1), cell(p[2], b[2], 1)))
        filt = [q for q in nd.get("process", []) if q.get("flags")]
        if filt:
            fl = lat(filt, shared_only=False)
            ft = lat([q for q in nd.get("inproc_took_ms", []) if q.get("flags")], shared_only=False)
            out.append("| newsdex with actor/event/date filters (%d queries), in-process | took_ms | %s | %s | %s |" % (
                len(filt), f(ft[0], 2), f(ft[1], 2), f(ft[2], 2)))
            cf = (nd.get("criterion") or {}).get("filtered") or {}
            if cf.get("samples"):
                out.append("| newsdex with filters, in-process, criterion | `cargo bench --bench search` | %s | %s | %s |" % (
                    f(cf["p50"], 2), f(cf["p95"], 2), f(cf["p99"], 2)))
            out.append("| newsdex with filters, whole process | hyperfine -N | %s | %s | %s |" % (f(fl[0], 1), f(fl[1], 1), f(fl[2], 1)))
        rg = tools.get("ripgrep")
        if rg and rg.get("process"):
            l = lat(rg["process"])
            singles = [q for q in nd.get("process", []) if q["kind"] == "single"]
            s = lat(singles)
            out.append("| ripgrep whole process, single terms only | `rg -c -i -w TERM corpus.jsonl`; ratio to newsdex whole process on the same terms (p50 %s ms) | %s | %s | %s |" % (
                f(s[0], 1), cell(l[0], s[0], 1), cell(l[1], s[1], 1), cell(l[2], s[2], 1)))
        out.append("")
        # hit counts agreement
        out.append("<details><summary>Hit counts per query (sanity check: tools analyse text differently)</summary>\n")
        cols = [t for t in ORDER[:-1] if tools.get(t, {}).get("inproc") or (t == "newsdex" and nd.get("inproc_took_ms"))]
        out.append("| query | " + " | ".join(cols) + " |")
        out.append("|---|" + "---:|" * len(cols))
        n_rows = nd.get("inproc_took_ms") or []
        for i, q in enumerate(n_rows):
            row = [q["query"] + ((" " + q["flags"]) if q.get("flags") else "")]
            for t in cols:
                if t == "newsdex":
                    row.append(str(q.get("total")))
                else:
                    recs = tools[t]["inproc"]
                    row.append(str(recs[i].get("total") if i < len(recs) and not q.get("flags") else "") or "")
            out.append("| " + " | ".join(x.replace("|", "/") for x in row) + " |")
        out.append("\n</details>\n")
        out.append("Versions: " + "; ".join("%s: %s" % (k, v) for k, v in res["versions"].items()) + "\n")
    return "\n".join(out)


def scaling(results):
    """How newsdex (and the ceiling) scale with the corpus: each scale against the smallest one given."""
    runs = sorted((r for r in results if not r["smoke"] and r["tools"].get("newsdex", {}).get("index")),
                  key=lambda r: r["corpus"]["scale"])
    if len(runs) < 2:
        return ""
    first = runs[0]
    label0 = first["label"]

    def figures(res, tool):
        t = res["tools"].get(tool, {})
        i = t.get("index", {})
        if tool == "newsdex":
            p50 = ((t.get("criterion") or {}).get("shared") or {}).get("p50")
            proc = lat(t.get("process"))[0]
        else:
            p50, proc = lat(t.get("inproc"))[0], None
        return i.get("mb_s"), i.get("rss_mb"), i.get("size_bytes", 0) / res["corpus"]["text_bytes"], p50, proc

    def vs(x, base):
        return "" if x is None or not base else " (%.2f× %s)" % (x / base, label0)

    out = ["## Scaling\n",
           "Each scale against %s (`bench/run --scale N`: the corpus replicated N times, new ids, dates shifted). "
           "Ratios in brackets are to the %s figure of the same tool; the last column is newsdex's indexing "
           "throughput ÷ the ceiling's at the same scale. The issue's target: newsdex indexing throughput at 16× "
           "within 15%% of 1× (a ratio of at least 0.85).\n" % (label0, label0),
           "| scale | articles | newsdex MB/s | newsdex peak RSS MB | index ÷ text | newsdex p50 ms (criterion) "
           "| newsdex whole-process p50 ms | ceiling MB/s | ceiling p50 ms | newsdex ÷ ceiling MB/s |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    n0, c0 = figures(first, "newsdex"), figures(first, "ceiling")
    for res in runs:
        n, c = figures(res, "newsdex"), figures(res, "ceiling")
        out.append("| %s | %d | %s | %s | %.2f | %s | %s | %s | %s | %s |" % (
            res["label"], res["corpus"]["articles"], f(n[0]) + vs(n[0], n0[0]), f(n[1], 0) + vs(n[1], n0[1]),
            n[2], f(n[3], 2) + vs(n[3], n0[3]), f(n[4], 1) + vs(n[4], n0[4]),
            f(c[0]) + vs(c[0], c0[0]), f(c[3], 2) + vs(c[3], c0[3]),
            "%.2f" % (n[0] / c[0]) if n[0] and c[0] else "—"))
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    results = [json.load(open(p)) for p in sys.argv[1:]]
    print("# Benchmarks\n")
    print("Generated by `bench/run` (see bench/README.md). Every figure comes from one run on the machine named; "
          "ratios compare with newsdex measured in the same run.\n")
    print(scaling(results))
    print(render(results))
