#!/usr/bin/env python3
"""Python-driven peers for bench/run: tantivy-py, SQLite FTS5, Xapian.

peer.py TOOL index DIR FILE          build an index of FILE (JSON Lines) in DIR
peer.py TOOL search DIR QUERIES REPS  in-process latency, top 10 with snippets;
                                      one JSON line per query: {"query", "total", "ms": [...]}
TOOL: tantivy-py (run with the venv python), sqlite (any python), xapian
(a python that can import xapian: Debian's /usr/bin/python3).
Queries arrive already translated to the tool's syntax, one a line.
"""
import json, os, sys, time

THREADS = os.cpu_count() or 2


def lines(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield line


# ---------------------------------------------------------------- tantivy-py
def tantivy_schema(tantivy):
    b = tantivy.SchemaBuilder()
    b.add_text_field("id", stored=True, tokenizer_name="raw")
    b.add_text_field("title", stored=True, tokenizer_name="en_stem")
    b.add_text_field("body", stored=True, tokenizer_name="en_stem")
    b.add_date_field("date", stored=True, indexed=True, fast=True)
    b.add_text_field("source", stored=True, tokenizer_name="raw")
    return b.build()


def tantivy_index(d, path):
    import tantivy
    os.makedirs(d, exist_ok=True)
    index = tantivy.Index(tantivy_schema(tantivy), path=d)
    w = index.writer(heap_size=1_000_000_000, num_threads=THREADS)
    n = 0
    for line in lines(path):  # the RFC 3339 view: add_json parses dates as RFC 3339
        w.add_json(line)
        n += 1
    w.commit()
    w.wait_merging_threads()
    return n


def tantivy_search(d, queries, reps):
    import tantivy
    index = tantivy.Index.open(d)
    index.reload()
    searcher = index.searcher()
    schema = index.schema
    for q in queries:
        try:
            query = index.parse_query(q, ["title", "body"], conjunction_by_default=True)
        except Exception as e:  # noqa: BLE001
            yield {"query": q, "error": str(e)}
            continue
        ms, total = [], 0
        for _ in range(reps):
            t = time.perf_counter()
            res = searcher.search(query, 10, count=True)
            gen = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
            for _score, addr in res.hits:
                doc = searcher.doc(addr)
                gen.snippet_from_doc(doc).to_html()
            total = res.count
            ms.append((time.perf_counter() - t) * 1e3)
        yield {"query": q, "total": total, "ms": ms}


# ---------------------------------------------------------------- SQLite FTS5
def sqlite_index(d, path):
    import sqlite3
    os.makedirs(d, exist_ok=True)
    db = os.path.join(d, "fts.db")
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-262144")  # 256 MB page cache
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
                "date UNINDEXED, source UNINDEXED, tokenize='porter unicode61')")
    n = 0

    def rows():
        nonlocal n
        for line in lines(path):
            r = json.loads(line)
            n += 1
            yield (r["id"], r.get("title", ""), r["body"], r.get("date"), r.get("source"))

    with con:
        con.executemany("INSERT INTO docs VALUES (?,?,?,?,?)", rows())
    con.execute("INSERT INTO docs(docs) VALUES('optimize')")
    con.commit()
    con.close()
    return n


def sqlite_search(d, queries, reps):
    import sqlite3
    con = sqlite3.connect(os.path.join(d, "fts.db"))
    sql = ("SELECT id, title, snippet(docs, 2, '<b>', '</b>', '…', 24) FROM docs "
           "WHERE docs MATCH ? ORDER BY bm25(docs, 0.0, 2.0, 1.0) LIMIT 10")
    for q in queries:
        ms, total = [], 0
        try:
            for _ in range(reps):
                t = time.perf_counter()
                rows = con.execute(sql, (q,)).fetchall()
                total = len(rows)
                ms.append((time.perf_counter() - t) * 1e3)
        except sqlite3.Error as e:
            yield {"query": q, "error": str(e)}
            continue
        # the total count is a separate query in SQLite: measured apart, not in ms
        total = con.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (q,)).fetchone()[0]
        yield {"query": q, "total": total, "ms": ms}


# ---------------------------------------------------------------- Xapian
def xapian_index(d, path):
    os.environ.setdefault("XAPIAN_FLUSH_THRESHOLD", "200000")
    import xapian
    db = xapian.WritableDatabase(d, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("en"))
    n = 0
    for line in lines(path):
        r = json.loads(line)
        doc = xapian.Document()
        tg.set_document(doc)
        title = r.get("title", "")
        tg.index_text(title, 2)   # title counts double, unprefixed
        tg.increase_termpos()
        tg.index_text(r["body"])
        doc.set_data(json.dumps({"id": r["id"], "title": title, "body": r["body"],
                                 "date": r.get("date"), "source": r.get("source")}))
        doc.add_boolean_term("Q" + r["id"])
        db.add_document(doc)
        n += 1
    db.commit()
    db.close()
    return n


def xapian_search(d, queries, reps):
    import xapian
    db = xapian.Database(d)
    qp = xapian.QueryParser()
    stem = xapian.Stem("en")
    qp.set_stemmer(stem)
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_default_op(xapian.Query.OP_AND)
    qp.set_database(db)
    flags = (xapian.QueryParser.FLAG_PHRASE | xapian.QueryParser.FLAG_BOOLEAN
             | xapian.QueryParser.FLAG_LOVEHATE)
    enq = xapian.Enquire(db)
    enq.set_weighting_scheme(xapian.BM25Weight(0.9, 0, 1, 0.4, 0.5))
    for q in queries:
        ms, total = [], 0
        for _ in range(reps):
            t = time.perf_counter()
            query = qp.parse_query(q, flags)
            enq.set_query(query)
            mset = enq.get_mset(0, 10, 10**9)  # check_at_least everything: exact count
            for m in mset:
                body = json.loads(m.document.get_data())["body"]
                mset.snippet(body, 200, stem)
            total = mset.get_matches_estimated()
            ms.append((time.perf_counter() - t) * 1e3)
        yield {"query": q, "total": total, "ms": ms}


def main():
    tool, cmd, d = sys.argv[1], sys.argv[2], sys.argv[3]
    idx = {"tantivy-py": tantivy_index, "sqlite": sqlite_index, "xapian": xapian_index}
    srch = {"tantivy-py": tantivy_search, "sqlite": sqlite_search, "xapian": xapian_search}
    if cmd == "index":
        t = time.perf_counter()
        n = idx[tool](d, sys.argv[4])
        print(json.dumps({"seconds": round(time.perf_counter() - t, 3), "docs": n}))
    elif cmd == "search":
        with open(sys.argv[4], encoding="utf-8") as f:
            queries = [q.rstrip("\n") for q in f if q.strip()]
        for rec in srch[tool](d, queries, int(sys.argv[5])):
            print(json.dumps(rec, ensure_ascii=False), flush=True)
    else:
        sys.exit("usage: peer.py TOOL index DIR FILE | search DIR QUERIES REPS")


if __name__ == "__main__":
    main()
