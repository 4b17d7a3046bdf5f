#!/usr/bin/env python3
"""Search latency over shards beside one index of the same articles: runs
the bench queries (bench/queries.txt, with their filters) through
`newsdex search --json` against each index given, alternating indexes query
by query for several rounds, and prints per index the median and p95 of the
search time newsdex reports (`took_ms`: opening excluded) and of the whole
process.

    bench/shard_latency.py --index one=DIR --index s4=DIR/list.txt --index s16=DIR/list.txt [--rounds 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import time

import bench

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def queries():
    """The bench queries as (query, flags)."""
    rows = bench.load_queries(os.path.join(ROOT, "bench", "queries.txt"), smoke=False)
    return [(row["q"], row["flags"].split()) for row in rows]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--newsdex", default=os.path.join(ROOT, "target", "release", "newsdex"))
    ap.add_argument("--index", action="append", required=True, help="LABEL=PATH (a folder or a shard list)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    indexes = [spec.split("=", 1) for spec in args.index]
    took = {label: [] for label, _ in indexes}
    wall = {label: [] for label, _ in indexes}
    totals = {label: [] for label, _ in indexes}
    for _ in range(args.rounds):
        for query, flags in queries():
            for label, path in indexes:
                started = time.perf_counter()
                run = subprocess.run(
                    [args.newsdex, "--index", path, "search", query, "--json"] + flags,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
                wall[label].append((time.perf_counter() - started) * 1000)
                result = json.loads(run.stdout)
                took[label].append(result["took_ms"])
                totals[label].append(result["total"])
    first = indexes[0][0]
    for label, _ in indexes:
        same = "same totals" if totals[label] == totals[first] else "TOTALS DIFFER"
        print(
            f"{label}: search p50 {statistics.median(took[label]):.2f} ms, p95 {percentile(took[label], 0.95):.2f} ms; "
            f"whole process p50 {statistics.median(wall[label]):.1f} ms, p95 {percentile(wall[label], 0.95):.1f} ms; "
            f"{same} as {first}"
        )


if __name__ == "__main__":
    main()
