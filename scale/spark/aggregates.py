#!/usr/bin/env python3
"""Aggregate questions over the job's Parquet with Spark SQL: the counts an
analyst asks for at a scale no single index answers quickly.

    spark-submit scale/spark/aggregates.py OUTPUT/articles [--top 5] [--json]

1. dyads per month: who did what to whom, counted per month;
2. top actors per event type: the parties most often in each PLOVER type;
3. targets of cyber coercion per year: who is named as hacked, and by whom.
"""
import argparse
import json

from pyspark.sql import SparkSession

QUERIES = {
    "dyads_per_month": """
        SELECT month, dyad, reports FROM (
            SELECT month, dyad, COUNT(*) AS reports,
                   ROW_NUMBER() OVER (PARTITION BY month ORDER BY COUNT(*) DESC, dyad) AS place
            FROM articles LATERAL VIEW explode(dyads) d AS dyad
            GROUP BY month, dyad)
        WHERE place <= {top}
        ORDER BY month, reports DESC, dyad
    """,
    "top_actors_per_event_type": """
        SELECT event, actor, articles FROM (
            SELECT event, actor, COUNT(*) AS articles,
                   ROW_NUMBER() OVER (PARTITION BY event ORDER BY COUNT(*) DESC, actor) AS place
            FROM articles
                LATERAL VIEW explode(events) e AS event
                LATERAL VIEW explode(actors) a AS actor
            WHERE event NOT LIKE '/%/%' AND actor LIKE '/%/%' AND actor NOT LIKE '/%/%/%'
            GROUP BY event, actor)
        WHERE place <= {top}
        ORDER BY event, articles DESC, actor
    """,
    "cyber_coercion_targets_per_year": """
        SELECT substr(month, 1, 4) AS year,
               element_at(split(dyad, '/'), 4) AS target,
               element_at(split(dyad, '/'), 2) AS source,
               COUNT(*) AS reports
        FROM articles LATERAL VIEW explode(dyads) d AS dyad
        WHERE dyad LIKE '/%/coerce/%' AND array_contains(events, '/coerce/cyber')
        GROUP BY 1, 2, 3
        ORDER BY year, reports DESC, target, source
    """,
}


def run(spark, path, top):
    spark.read.parquet(path).createOrReplaceTempView("articles")
    return {name: [row.asDict() for row in spark.sql(sql.format(top=top)).collect()] for name, sql in QUERIES.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("articles", help="the job's OUTPUT/articles folder")
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--master", default=None)
    args = ap.parse_args()
    builder = SparkSession.builder.appName("newsdex aggregates")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    results = run(spark, args.articles, args.top)
    spark.stop()
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for name, rows in results.items():
        print(f"== {name} ({len(rows)} rows)")
        for row in rows:
            print("  " + "  ".join(str(v) for v in row.values()))


if __name__ == "__main__":
    main()
