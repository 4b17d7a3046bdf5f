#!/usr/bin/env python3
"""The news relevance set: pooling and scoring.

    pool.py pool  --index DIR --ranking NAME=BINARY[:ENV=V,...] ... > pool.tsv
    pool.py dump  --corpus FILE --pool pool.tsv --out DIR   (texts to judge; never into the repository)
    pool.py score --index DIR --ranking NAME=BINARY[:ENV=V,...] ...

`pool` runs every query of queries.tsv through `newsdex search` (default
mode: all words required) under each ranking and writes the union of their
top 20 per query, sorted by article id so that a judge cannot tell which
ranking returned what. `dump` writes one file per query holding the need and
the pooled articles' titles and texts, for judging. `score` reads qrels.tsv
(query id, article id, grade 0/1/2) and prints nDCG@10 per ranking (gains
linear in the grade, unjudged articles count 0), the mean over queries, and
for each ranking against the first its mean difference with the spread over
queries (standard deviation, a 95% bootstrap interval, wins/ties/losses).
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEPTH = 20


def queries():
    with open(os.path.join(HERE, "queries.tsv")) as f:
        next(f)
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def parse_ranking(spec):
    name, rest = spec.split("=", 1)
    binary, _, env = rest.partition(":")
    extra = dict(pair.split("=", 1) for pair in env.split(",") if pair)
    return name, binary, extra


def ranked(binary, env, index, query, depth):
    out = subprocess.run([binary, "--index", index, "search", "--json", "--limit", str(depth),
                          "--facet-limit", "0", "--", query],
                         capture_output=True, env={"PATH": os.environ["PATH"], **env})
    if out.returncode not in (0, 1):
        sys.exit(f"{binary} search {query!r} exited {out.returncode}: {out.stderr.decode()}")
    return [h["id"] for h in json.loads(out.stdout)["hits"]] if out.stdout else []


def ndcg_at_10(ids, grades):
    dcg = sum(grades.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ids[:10]))
    ideal = sorted(grades.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["pool", "dump", "score"])
    ap.add_argument("--index")
    ap.add_argument("--ranking", action="append", default=[])
    ap.add_argument("--corpus")
    ap.add_argument("--pool", default=os.path.join(HERE, "pool.tsv"))
    ap.add_argument("--out")
    args = ap.parse_args()
    topics = queries()
    if args.command == "pool":
        print("query-id\tcorpus-id")
        for qid, query, _ in topics:
            pooled = set()
            for spec in args.ranking:
                _, binary, env = parse_ranking(spec)
                pooled.update(ranked(binary, env, args.index, query, DEPTH))
            for doc in sorted(pooled):
                print(f"{qid}\t{doc}")
    elif args.command == "dump":
        wanted = {}
        with open(args.pool) as f:
            next(f)
            for line in f:
                qid, doc = line.split()
                wanted.setdefault(qid, []).append(doc)
        ids = {d for docs in wanted.values() for d in docs}
        texts = {}
        with open(args.corpus) as f:
            for line in f:
                a = json.loads(line)
                if a["id"] in ids:
                    texts[a["id"]] = (a.get("title") or "", a.get("body") or "")
        os.makedirs(args.out, exist_ok=True)
        for qid, query, need in topics:
            with open(os.path.join(args.out, f"{qid}.txt"), "w") as o:
                o.write(f"QUERY {qid}: {query}\nNEED: {need}\n\n")
                for doc in wanted.get(qid, []):
                    title, body = texts.get(doc, ("", ""))
                    o.write(f"=== ARTICLE {doc}\nTITLE: {title}\n{body[:2500]}\n\n")
    else:
        grades = {}
        with open(os.path.join(HERE, "qrels.tsv")) as f:
            next(f)
            for line in f:
                qid, doc, grade = line.split()
                grades.setdefault(qid, {})[doc] = int(grade)
        per_ranking = {}
        for spec in args.ranking:
            name, binary, env = parse_ranking(spec)
            scores = {}
            for qid, query, _ in topics:
                if qid in grades:
                    score = ndcg_at_10(ranked(binary, env, args.index, query, 10), grades[qid])
                    if score is not None:
                        scores[qid] = score
            per_ranking[name] = scores
        names = list(per_ranking)
        common = sorted(set.intersection(*(set(s) for s in per_ranking.values())))
        print(f"{len(common)} queries with a relevant article")
        for name in names:
            mean = sum(per_ranking[name][q] for q in common) / len(common)
            print(f"{name}\tnDCG@10 {mean:.4f}")
        base = names[0]
        rng = random.Random(1)
        for name in names[1:]:
            diffs = [per_ranking[name][q] - per_ranking[base][q] for q in common]
            mean = sum(diffs) / len(diffs)
            sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1))
            boots = sorted(sum(rng.choice(diffs) for _ in diffs) / len(diffs) for _ in range(10000))
            wins = sum(d > 1e-9 for d in diffs)
            losses = sum(d < -1e-9 for d in diffs)
            print(f"{name} - {base}: mean {mean:+.4f}, sd {sd:.4f}, 95% bootstrap [{boots[250]:+.4f}, {boots[9750]:+.4f}], "
                  f"wins {wins}, ties {len(diffs) - wins - losses}, losses {losses}")


if __name__ == "__main__":
    main()
