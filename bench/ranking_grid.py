#!/usr/bin/env python3
"""Ranking on the relevance-judged collections of ../shared/ir, for choosing
ranking weights: indexes each collection once, then runs every query through
`newsdex search --any --json` under each setting given, and prints nDCG@10
(trec_eval's ndcg_cut.10: linear gains, log2 discount, ideal from all judged
documents) and recall@100 per collection.

    bench/ranking_grid.py [--newsdex target/release/newsdex] [--work DIR] \
        'NAME=VALUE,NAME=VALUE' ...

Each setting is a set of environment variables for the searches (the
ranking's experiment knobs); an empty string runs the defaults.
"""
import argparse
import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IR = os.path.join(ROOT, "..", "shared", "ir")
COLLECTIONS = ["vaswani", "time", "cranfield", "cisi"]
LUCENE = {"vaswani": 0.4368, "time": 0.7068, "cranfield": 0.3410, "cisi": 0.3637}


def ndcg_at_10(ranked, judged):
    dcg = sum(judged.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:10]))
    ideal = sorted(judged.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at_100(ranked, judged):
    return sum(1 for doc in ranked[:100] if doc in judged) / len(judged)


def load(name):
    d = os.path.join(IR, name)
    qrels = {}
    with open(os.path.join(d, "qrels", "test.tsv")) as f:
        next(f)
        for line in f:
            q, doc, rel = line.rstrip("\n").split("\t")[:3]
            if float(rel) > 0:
                qrels.setdefault(q, {})[doc] = float(rel)
    queries = []
    with open(os.path.join(d, "queries.jsonl")) as f:
        for line in f:
            t = json.loads(line)
            if t["_id"] in qrels:
                queries.append((t["_id"], t["text"]))
    return d, qrels, queries


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--newsdex", default=os.path.join(ROOT, "target", "release", "newsdex"))
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "work", "ir"))
    ap.add_argument("--collections", default=",".join(COLLECTIONS))
    ap.add_argument("settings", nargs="*", default=[""])
    args = ap.parse_args()
    names = args.collections.split(",")
    if not os.path.isdir(IR):
        print(f"skipping: {IR} is absent", file=sys.stderr)
        return
    loaded = {}
    for name in names:
        d, qrels, queries = load(name)
        index = os.path.join(args.work, name)
        if not os.path.isdir(index):
            subprocess.run([args.newsdex, "--index", index, "index", "--quiet", os.path.join(d, "corpus.jsonl")],
                           check=True, env={"PATH": os.environ["PATH"]})
        loaded[name] = (index, qrels, queries)
    print("setting\t" + "\t".join(names) + "\tmean")
    for setting in args.settings:
        env = {"PATH": os.environ["PATH"]}
        for pair in filter(None, setting.split(",")):
            k, v = pair.split("=", 1)
            env[k] = v
        scores = []
        for name in names:
            index, qrels, queries = loaded[name]

            def run(topic):
                qid, text = topic
                out = subprocess.run([args.newsdex, "--index", index, "search", "--any", "--json", "--limit", "100",
                                      "--facet-limit", "0", "--snippet", "20", "--", text],
                                     capture_output=True, env=env)
                if out.returncode not in (0, 1):
                    print(f"{name} {qid}: exit {out.returncode}: {out.stderr.decode()[:200]}", file=sys.stderr)
                    return 0.0, 0.0
                ids = [h["id"] for h in json.loads(out.stdout)["hits"]] if out.stdout else []
                return ndcg_at_10(ids, qrels[qid]), recall_at_100(ids, qrels[qid])

            with ThreadPoolExecutor(max_workers=2) as pool:
                per_query = list(pool.map(run, queries))
            scores.append((sum(n for n, _ in per_query) / len(per_query), sum(r for _, r in per_query) / len(per_query)))
        print(f"{setting or 'default'}\t" + "\t".join(f"{n:.4f} (R@100 {r:.4f})" for n, r in scores)
              + f"\t{sum(n for n, _ in scores) / len(scores):.4f}", flush=True)
    print("lucene\t" + "\t".join(f"{LUCENE[n]:.4f}" for n in names))


if __name__ == "__main__":
    main()
