#!/usr/bin/env python3
"""Known-item search: paste an article's own title as the query and see
whether newsdex finds that article first. Samples titles from a prepared
bench corpus (a JSON Lines file newsdex has indexed), runs each through
`newsdex search` in the default mode and with `--any`, and prints how many
exit 2, how many find their own article first, and how many find it in the
top 10.

    bench/known_item.py --index DIR --corpus bench/work/corpus-1x.jsonl [--n 400] [--seed 7]
"""
import argparse
import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--newsdex", default=os.path.join(ROOT, "target", "release", "newsdex"))
    ap.add_argument("--index", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", action="store_true", help="print every miss")
    args = ap.parse_args()
    articles = []
    with open(args.corpus) as f:
        for line in f:
            a = json.loads(line)
            if (a.get("title") or "").strip():
                articles.append((a["id"], a["title"].strip()))
    # Titles shared by several articles (reprints) have no single own article.
    count = {}
    for _, title in articles:
        count[title] = count.get(title, 0) + 1
    unique = [a for a in articles if count[a[1]] == 1]
    sample = random.Random(args.seed).sample(unique, args.n)
    env = {"PATH": os.environ["PATH"]}
    for mode in ([], ["--any"]):
        def run(item):
            doc, title = item
            out = subprocess.run([args.newsdex, "--index", args.index, "search", *mode, "--json", "--limit", "10",
                                  "--facet-limit", "0", "--", title], capture_output=True, env=env)
            ids = [h["id"] for h in json.loads(out.stdout)["hits"]] if out.returncode in (0, 1) and out.stdout else []
            return out.returncode, ids.index(doc) + 1 if doc in ids else None, title, out.stderr.decode().strip()

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(run, sample))
        errors = sum(1 for code, *_ in results if code == 2)
        first = sum(1 for _, rank, *_ in results if rank == 1)
        top10 = sum(1 for _, rank, *_ in results if rank is not None)
        label = " ".join(mode) or "default"
        print(f"{label}: {len(results)} titles, exit 2: {errors}, own article first: {first} "
              f"({100 * first / len(results):.1f}%), in the top 10: {top10} ({100 * top10 / len(results):.1f}%)")
        if args.show:
            for code, rank, title, err in results:
                if rank != 1:
                    print(f"  rank {rank} exit {code}: {title!r} {err[:120]}", file=sys.stderr)


if __name__ == "__main__":
    main()
