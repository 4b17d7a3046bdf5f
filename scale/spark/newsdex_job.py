#!/usr/bin/env python3
"""Tag and index news corpora on Apache Spark with the newsdex binary.

Reads every file under the input paths (any path Spark reads: local, HDFS,
S3 through Hadoop's connectors; any format `newsdex index` reads, gzip'd or
not), runs `newsdex tag --with-text` on each file inside the executors, and
writes

1. the tagged articles as Parquet under OUTPUT/articles, partitioned by month
   (`month=YYYY-MM`, `month=undated`), with facets, labels, dyads and their
   evidence as columns; and
2. newsdex index shards under SHARDS (`NAME-0000`, `NAME-0001`, ...), each
   built with `newsdex index --tagged` from the already tagged articles of one
   partition group, written under a temporary name and renamed when complete
   (a retried task never leaves a half shard or a second copy), and
   SHARDS/shards.txt listing every shard there (old runs' too), for
   `newsdex --index SHARDS/shards.txt search ...`.

    spark-submit scale/spark/newsdex_job.py --newsdex target/release/newsdex \\
        --output out/ --shards /shared/shards --name 2024-05 \\
        hdfs:///corpora/2024-05/

The binary is shipped to the executors with the job (SparkContext.addFile);
SHARDS must be a folder every executor can write (a shared file system), as
newsdex writes an index to a local path. A new month's corpus run under a new
--name adds shards without touching the old ones.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import types as T

EVIDENCE = T.StructType(
    [
        T.StructField("dyad", T.StringType()),
        T.StructField("sentence", T.StringType()),
        T.StructField("start", T.LongType()),
        T.StructField("end", T.LongType()),
    ]
)
LOCATION = T.StructType(
    [
        T.StructField("file", T.StringType()),
        T.StructField("line", T.LongType()),
        T.StructField("record", T.LongType()),
    ]
)
STRINGS = T.ArrayType(T.StringType())
ARTICLE = T.StructType(
    [
        T.StructField("id", T.StringType(), False),
        T.StructField("title", T.StringType()),
        T.StructField("body", T.StringType()),
        T.StructField("date", T.StringType()),
        T.StructField("source", T.StringType()),
        T.StructField("url", T.StringType()),
        T.StructField("actors", STRINGS),
        T.StructField("events", STRINGS),
        T.StructField("mentions", STRINGS),
        T.StructField("dyads", STRINGS),
        T.StructField("evidence", T.ArrayType(EVIDENCE)),
        T.StructField("labels", T.MapType(T.StringType(), T.StringType())),
        T.StructField("location", LOCATION),
        T.StructField("month", T.StringType(), False),
    ]
)
REJECTED = T.StructType([T.StructField("file", T.StringType()), T.StructField("message", T.StringType())])


def task_cores():
    """The cores Spark gave this task (spark.task.cpus): newsdex uses no more."""
    from pyspark import TaskContext

    context = TaskContext.get()
    try:
        return max(1, int(context.cpus())) if context else 1
    except Exception:
        return 1


def newsdex_env():
    return {"NO_COLOR": "1", "PATH": os.environ.get("PATH", ""), "RAYON_NUM_THREADS": str(task_cores())}


def newsdex_path(name):
    """The shipped binary (`name`, its file name) on an executor, executable."""
    path = SparkFiles.get(name)
    if not os.access(path, os.X_OK):
        os.chmod(path, 0o755)
    return path


def is_documentation(path):
    return path.lower().rsplit(".", 1)[-1] in ("md", "markdown", "rst")


def month_of(date):
    return date[:7] if date else "undated"


def tag_file(binary, item, seconds=None):
    """Tags one input file with the shipped `binary`: yields ("article",
    dict) and ("rejected", dict)."""
    origin, content = item
    local = origin.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or "input"
    with tempfile.TemporaryDirectory(prefix="newsdex-tag-") as work:
        path = os.path.join(work, local)
        with open(path, "wb") as f:
            f.write(content)
        started = time.time()
        run = subprocess.run(
            [newsdex_path(binary), "tag", "--with-text", path],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=newsdex_env(),
        )
        if seconds is not None:
            seconds.add(time.time() - started)
        if run.returncode not in (0, 1):
            raise RuntimeError(f"newsdex tag failed on {origin}: {run.stderr.decode(errors='replace')[-2000:]}")
        for line in run.stdout.decode().splitlines():
            article = json.loads(line)
            article["location"]["file"] = origin
            article.setdefault("body", "")
            article["month"] = month_of(article.get("date"))
            article["evidence"] = [dict(e) for e in article.get("evidence", [])]
            yield ("article", article)
        for line in run.stderr.decode(errors="replace").splitlines():
            if line.startswith("rejected "):
                yield ("rejected", {"file": origin, "message": line.replace(path, origin)})


def article_row(a):
    """A tagged article as a row of ARTICLE."""
    location = a.get("location") or {}
    return (
        a["id"],
        a.get("title"),
        a.get("body"),
        a.get("date"),
        a.get("source"),
        a.get("url"),
        a.get("actors", []),
        a.get("events", []),
        a.get("mentions", []),
        a.get("dyads", []),
        [(e["dyad"], e.get("sentence"), e["start"], e["end"]) for e in a.get("evidence", [])],
        a.get("labels", {}),
        (location.get("file"), location.get("line"), location.get("record")),
        a["month"],
    )


def build_shard(binary, shards_dir, name, seconds=None):
    """Builds one shard from a partition of tagged articles (as JSON)."""

    def build(index, rows):
        final = os.path.join(shards_dir, f"{name}-{index:04d}")
        attempt = os.path.join(shards_dir, f".{name}-{index:04d}.tmp-{uuid.uuid4().hex}")
        with tempfile.TemporaryDirectory(prefix="newsdex-shard-") as work:
            tagged = os.path.join(work, "tagged.jsonl")
            count = 0
            with open(tagged, "w") as f:
                for row in rows:
                    f.write(row)
                    f.write("\n")
                    count += 1
            if count == 0:
                return iter([(index, 0, None)])
            if os.path.isdir(final):
                # An earlier attempt of this task finished: keep its shard.
                return iter([(index, count, final)])
            started = time.time()
            run = subprocess.run(
                [newsdex_path(binary), "--index", attempt, "index", "--tagged", "--quiet"]
                + ["--threads", str(task_cores()), tagged],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=newsdex_env(),
            )
            if seconds is not None:
                seconds.add(time.time() - started)
            if run.returncode != 0:
                shutil.rmtree(attempt, ignore_errors=True)
                raise RuntimeError(f"newsdex index --tagged failed for shard {index}: {run.stderr.decode()[-2000:]}")
        try:
            os.rename(attempt, final)
        except OSError:
            # Another attempt renamed its shard first; both hold the same articles.
            shutil.rmtree(attempt, ignore_errors=True)
        for leftover in (attempt + ".lock",):
            if os.path.exists(leftover):
                os.remove(leftover)
        return iter([(index, count, final)])

    return build


def write_shard_list(shards_dir):
    """SHARDS/shards.txt: every complete shard folder there, replaced atomically."""
    names = sorted(
        d for d in os.listdir(shards_dir) if not d.startswith(".") and os.path.isfile(os.path.join(shards_dir, d, "meta.json"))
    )
    tmp = os.path.join(shards_dir, f".shards.txt.{uuid.uuid4().hex}")
    with open(tmp, "w") as f:
        f.write("# newsdex index shards, one folder a line (newsdex --index shards.txt ...)\n")
        for name in names:
            f.write(name + "\n")
    os.replace(tmp, os.path.join(shards_dir, "shards.txt"))
    return names


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="*", help="files or folders of articles (any path Spark reads)")
    ap.add_argument("--newsdex", required=True, help="the newsdex binary (Linux, as the executors run it)")
    ap.add_argument("--output", help="where the Parquet goes (any path Spark writes)")
    ap.add_argument("--shards", required=True, help="a folder every executor can write: the index shards")
    ap.add_argument("--name", default=time.strftime("%Y%m%dT%H%M%S", time.gmtime()), help="this run's shard names")
    ap.add_argument("--shard-count", type=int, default=0, help="shards to build [default: the executors' cores]")
    ap.add_argument(
        "--retag",
        action="store_true",
        help="re-tag every shard listed in SHARDS/shards.txt in place (newsdex retag: each swapped in atomically)",
    )
    ap.add_argument("--dictionaries", help="with --retag: a dictionary folder every executor can read")
    ap.add_argument("--master", default=None, help="Spark master when not run by spark-submit")
    args = ap.parse_args(argv)
    if not args.retag and (not args.inputs or not args.output):
        ap.error("give the input paths and --output (or --retag to re-tag existing shards)")
    # Executors run in folders of their own: hand them absolute paths.
    args.shards = os.path.abspath(args.shards)

    builder = (
        SparkSession.builder.appName(f"newsdex {args.name}")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.files.openCostInBytes", str(128 << 20))
        .config("spark.files.maxPartitionBytes", str(128 << 20))
    )
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    started = time.time()
    # The executors need this module when another script imports it.
    sc.addPyFile(os.path.abspath(__file__))
    if args.retag:
        report = retag_shards(sc, args)
        print(json.dumps(report), flush=True)
        spark.stop()
        return report
    sc.addFile(os.path.abspath(args.newsdex))
    paths = ",".join(args.inputs)
    # Folders are read recursively, as `newsdex index` reads them, and
    # documentation files (README.md) skipped as it skips them.
    sc._jsc.hadoopConfiguration().set("mapreduce.input.fileinputformat.input.dir.recursive", "true")
    # A file a task: opening a file is made to cost as much as a partition
    # holds (`spark.files.openCostInBytes`, set below), so binaryFiles does
    # not pack small files together; neither counting nor a shuffle of the
    # files' bytes is needed to spread them.
    files = sc.binaryFiles(paths).filter(lambda item: not is_documentation(item[0]))
    binary = os.path.basename(args.newsdex)
    # Seconds spent inside newsdex, summed over tasks (retried ones too).
    tag_seconds, index_seconds = sc.accumulator(0.0), sc.accumulator(0.0)
    tagged = files.flatMap(lambda item: tag_file(binary, item, tag_seconds)).cache()
    articles = spark.createDataFrame(tagged.filter(lambda r: r[0] == "article").map(lambda r: article_row(r[1])), ARTICLE)
    rejected = spark.createDataFrame(
        tagged.filter(lambda r: r[0] == "rejected").map(lambda r: (r[1]["file"], r[1]["message"])), REJECTED
    )
    articles.write.mode("overwrite").partitionBy("month").parquet(os.path.join(args.output, "articles"))
    rejected.write.mode("overwrite").json(os.path.join(args.output, "rejected"))
    tagged_at = time.time()

    os.makedirs(args.shards, exist_ok=True)
    shard_count = args.shard_count or sc.defaultParallelism
    as_lines = tagged.filter(lambda r: r[0] == "article").map(lambda r: (r[1]["id"], json.dumps(r[1])))
    # One shard per partition group; an id always lands in the same group, so
    # a retried task rebuilds the same shard.
    grouped = as_lines.partitionBy(shard_count, lambda key: hash_key(key)).values()
    built = grouped.mapPartitionsWithIndex(lambda i, rows: build_shard(binary, args.shards, args.name, index_seconds)(i, rows)).collect()
    listed = write_shard_list(args.shards)
    for leftover in os.listdir(args.shards):
        if leftover.startswith(f".{args.name}-"):
            path = os.path.join(args.shards, leftover)
            shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.remove(path)
    report = {
        "articles": sum(count for _, count, _ in built),
        "rejected": rejected.count(),
        "shards": [path for _, _, path in sorted(built) if path],
        "shards_listed": len(listed),
        "seconds_tagging_and_parquet": round(tagged_at - started, 2),
        "seconds_shards": round(time.time() - tagged_at, 2),
        "task_seconds_in_newsdex_tag": round(tag_seconds.value, 2),
        "task_seconds_in_newsdex_index": round(index_seconds.value, 2),
        "executor_cores": sc.defaultParallelism,
    }
    print(json.dumps(report), flush=True)
    spark.stop()
    return report


def retag_shards(sc, args):
    """Runs `newsdex retag` on every listed shard, one task a shard: each
    shard is rebuilt beside itself and swapped in atomically by newsdex, so a
    failed or retried task leaves the old shard whole."""
    with open(os.path.join(args.shards, "shards.txt")) as f:
        names = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    sc.addFile(os.path.abspath(args.newsdex))
    binary = os.path.basename(args.newsdex)
    dictionaries = os.path.abspath(args.dictionaries) if args.dictionaries else None
    shards_dir = args.shards

    def retag(name):
        cmd = [newsdex_path(binary), "--index", os.path.join(shards_dir, name), "retag"]
        if dictionaries:
            cmd += ["--dictionaries", dictionaries]
        run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"NO_COLOR": "1"})
        if run.returncode != 0:
            raise RuntimeError(f"newsdex retag failed on shard {name}: {run.stderr.decode()[-2000:]}")
        return (name, run.stderr.decode().strip().splitlines()[-1:])

    started = time.time()
    done = sc.parallelize(names, max(1, len(names))).map(retag).collect()
    return {"retagged": [name for name, _ in done], "seconds": round(time.time() - started, 2)}


def hash_key(key):
    """A stable hash of an article id (Python's own is salted per process)."""
    import zlib

    return zlib.crc32(key.encode())


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
