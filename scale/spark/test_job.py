#!/usr/bin/env python3
"""The Spark job on a real cluster on loopback (`local-cluster[2,1,1024]`:
a standalone master, a worker with two executor processes), over a sample of
allsides + Reuters-21578 and the bundled sample corpus:

1. the Parquet holds exactly what `newsdex tag` gives for the same files
   (facets, dyads, evidence, labels, where each article was read);
2. the shards, searched together through their list file, give the same
   top 100 (ids and scores; ties in any order), totals and facet counts as
   one index of the same files, for the bench queries and their filters,
   and the same timeline and stats;
3. an executor killed with SIGKILL while the job tags: Spark retries, and
   the Parquet and the shards hold every article exactly once.

    python3 scale/spark/test_job.py [--newsdex target/release/newsdex]

Needs pyspark and Java 17+; skips (exit 0, with a message) when ../shared is
absent. Prints what it checked and how long each job took.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(ROOT, "..", "shared", "corpora")
MASTER = "local-cluster[2,1,1024]"
sys.path.insert(0, HERE)


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def newsdex(binary, *args, index=()):
    cmd = [binary]
    for folder in index:
        cmd += ["--index", folder]
    run = subprocess.run(cmd + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(run.returncode in (0, 1), f"{' '.join(cmd + list(args))} exited {run.returncode}: {run.stderr[-1000:]}")
    return run.stdout


def sample_input(work):
    """A sample of the shared corpora and the sample corpus, in their formats."""
    folder = os.path.join(work, "input")
    os.makedirs(folder)
    shutil.copy(os.path.join(SHARED, "allsides", "allsides-00.jsonl.gz"), folder)
    for name in ("reuters-000.json", "reuters-001.json"):
        shutil.copy(os.path.join(SHARED, "reuters21578", "json", name), folder)
    shutil.copytree(os.path.join(ROOT, "corpus"), os.path.join(folder, "sample"))
    return folder


def tagged_locally(binary, folder):
    """`newsdex tag` over the same files, as (id, file, line, record) → facets."""
    out = newsdex(binary, "tag", "--with-text", folder)
    rows = {}
    for line in out.splitlines():
        a = json.loads(line)
        where = a["location"]
        key = (a["id"], os.path.abspath(where["file"]), where.get("line"), where.get("record"))
        check(key not in rows, f"two tagged records at {key}")
        rows[key] = facets_of(a)
    return rows


def facets_of(a):
    return {
        "title": a.get("title"),
        "date": a.get("date"),
        "actors": list(a.get("actors") or []),
        "events": list(a.get("events") or []),
        "mentions": list(a.get("mentions") or []),
        "dyads": list(a.get("dyads") or []),
        "evidence": [(e["dyad"], e["start"], e["end"]) for e in a.get("evidence") or []],
        "labels": dict(a.get("labels") or {}),
    }


def parquet_rows(path):
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.master("local[2]").appName("newsdex check").getOrCreate()
    rows = {}
    counts = Counter()
    for r in spark.read.parquet(path).collect():
        a = r.asDict(recursive=True)
        where = a["location"]
        file = where["file"][len("file:") :] if where["file"].startswith("file:") else where["file"]
        key = (a["id"], os.path.abspath(file), where.get("line"), where.get("record"))
        counts[key] += 1
        rows[key] = facets_of(a)
        check(a["month"] == (a["date"][:7] if a["date"] else "undated"), f"{key} in month {a['month']}")
    import aggregates

    answers = aggregates.run(spark, path, 5)
    spark.stop()
    return rows, counts, answers


def ranked(v, limit=100):
    """The hits as (score, sorted ids) groups: the order among equal scores
    follows where each article sits in its index. A group cut by the limit
    is left out (which of its articles made the cut is that order too)."""
    groups = []
    for hit in v["hits"]:
        if groups and groups[-1][0] == hit["score"]:
            groups[-1][1].append(hit["id"])
        else:
            groups.append((hit["score"], [hit["id"]]))
    if len(v["hits"]) == limit and groups:
        groups[-1] = (groups[-1][0], ["cut by the limit"])
    return [(score, sorted(ids)) for score, ids in groups]


def bench_queries():
    """bench/queries.txt as (query, flags); the neutral syntax is newsdex's own."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import bench

    rows = bench.load_queries(os.path.join(ROOT, "bench", "queries.txt"), smoke=False)
    return [(row["q"], row["flags"].split()) for row in rows]


def compare_search(binary, one, shard_list):
    queries = bench_queries()
    for query, flags in queries:
        args = ["search", query, "--json", "--limit", "100", "--facets", "--facet-limit", "50"] + flags
        a = json.loads(newsdex(binary, *args, index=[one]))
        b = json.loads(newsdex(binary, *args, index=[shard_list]))
        check(a["total"] == b["total"], f"{query} {flags}: total {a['total']} in one index, {b['total']} in shards")
        check(ranked(a) == ranked(b), f"{query} {flags}: the top 100 differ")
        check(a["facets"] == b["facets"], f"{query} {flags}: facet counts differ")
    timeline = ["timeline", "*", "--by", "month", "--json"]
    check(newsdex(binary, *timeline, index=[one]) == newsdex(binary, *timeline, index=[shard_list]), "timelines differ")
    stats = [json.loads(newsdex(binary, "stats", "--json", index=[i])) for i in (one, shard_list)]
    for key in ("articles", "first_date", "last_date", "top_actors", "top_events"):
        check(stats[0][key] == stats[1][key], f"stats {key} differ")
    return len(queries), stats[0]["articles"]


def executor_pids():
    out = subprocess.run(["ps", "-eo", "pid,args"], stdout=subprocess.PIPE, text=True).stdout
    return [int(l.split()[0]) for l in out.splitlines() if "CoarseGrainedExecutorBackend" in l]


def tagging_running():
    """Whether an executor runs `newsdex tag` on a file of the job now."""
    out = subprocess.run(["ps", "-eo", "args"], stdout=subprocess.PIPE, text=True).stdout
    return any("newsdex tag --with-text" in l and "newsdex-tag-" in l for l in out.splitlines())


def kill_an_executor_while_tagging(stop):
    """Waits for a `newsdex tag` inside an executor, then SIGKILLs that executor's JVM."""
    while not stop.is_set():
        pids = executor_pids()
        if pids and tagging_running():
            os.kill(pids[0], signal.SIGKILL)
            return pids[0]
        time.sleep(0.05)
    return None


def run_job(binary, folder, out, shards, name):
    import newsdex_job

    started = time.time()
    report = newsdex_job.main(
        ["--master", MASTER, "--newsdex", binary, "--output", out, "--shards", shards, "--name", name, folder]
    )
    return report, time.time() - started


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--newsdex", default=os.path.join(ROOT, "target", "release", "newsdex"))
    args = ap.parse_args()
    if not os.path.isdir(SHARED):
        print(f"skipping the Spark job test: {SHARED} is absent")
        return
    binary = os.path.abspath(args.newsdex)
    work = tempfile.mkdtemp(prefix="newsdex-spark-")
    try:
        folder = sample_input(work)
        local = tagged_locally(binary, folder)
        one = os.path.join(work, "one")
        newsdex(binary, "index", "--quiet", folder, index=[one])

        report, seconds = run_job(binary, folder, os.path.join(work, "out"), os.path.join(work, "shards"), "test")
        print(f"job: {report['articles']} articles, {len(report['shards'])} shards in {seconds:.1f} s", flush=True)
        rows, counts, answers = parquet_rows(os.path.join(work, "out", "articles"))
        check(max(counts.values()) == 1, "an article is twice in the Parquet")
        # The aggregate examples answer from the same rows.
        dyads = Counter((f["date"][:7] if f["date"] else "undated", d) for f in local.values() for d in f["dyads"])
        for row in answers["dyads_per_month"]:
            check(dyads[(row["month"], row["dyad"])] == row["reports"], f"dyads per month: {row}")
        check(answers["dyads_per_month"] and answers["top_actors_per_event_type"], f"empty aggregates: {answers}")
        print(f"aggregates: {', '.join(f'{k} {len(v)} rows' for k, v in answers.items())}", flush=True)
        check(set(rows) == set(local), f"Parquet has {len(rows)} articles, newsdex tag {len(local)}")
        for key, facets in local.items():
            check(rows[key] == facets, f"{key}: Parquet {rows[key]} != newsdex tag {facets}")
        print(f"parquet: {len(rows)} articles, facets identical to newsdex tag", flush=True)
        shard_list = os.path.join(work, "shards", "shards.txt")
        queries, articles = compare_search(binary, one, shard_list)
        print(f"shards: {queries} bench queries, timeline and stats as one index of {articles} articles", flush=True)

        stop = threading.Event()
        killed = []
        killer = threading.Thread(target=lambda: killed.append(kill_an_executor_while_tagging(stop)))
        killer.start()
        report, seconds = run_job(binary, folder, os.path.join(work, "out-k"), os.path.join(work, "shards-k"), "k")
        stop.set()
        killer.join()
        check(killed and killed[0], "no executor was running `newsdex tag` to kill")
        rows, counts, _ = parquet_rows(os.path.join(work, "out-k", "articles"))
        check(max(counts.values()) == 1 and set(rows) == set(local), "after the kill, the Parquet lost or doubled articles")
        leftovers = [d for d in os.listdir(os.path.join(work, "shards-k")) if d.startswith(".")]
        check(not leftovers, f"half shards left behind: {leftovers}")
        compare_search(binary, one, os.path.join(work, "shards-k", "shards.txt"))
        print(f"fault: executor {killed[0]} killed while tagging; job done in {seconds:.1f} s, every article once", flush=True)

        import newsdex_job

        shards_k = os.path.join(work, "shards-k")
        report = newsdex_job.main(["--retag", "--master", MASTER, "--newsdex", binary, "--shards", shards_k])
        listed = [l.strip() for l in open(os.path.join(shards_k, "shards.txt")) if not l.startswith("#")]
        check(sorted(report["retagged"]) == sorted(listed), f"retag: {report}, listed {listed}")
        compare_search(binary, one, os.path.join(shards_k, "shards.txt"))
        print(f"retag: {len(report['retagged'])} shards re-tagged in {report['seconds']} s, searches unchanged", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
