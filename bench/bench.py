#!/usr/bin/env python3
"""bench/run's driver: index the prepared corpus with every available tool,
time the query set, and write the results table (see bench/README.md)."""
import argparse, datetime, json, os, platform, re, shlex, shutil, sqlite3, statistics
import subprocess, sys, tempfile, time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
WORK = os.path.join(BENCH, "work")
NPROC = os.cpu_count() or 2
# Where cargo builds: $CARGO_TARGET_DIR (a relative one is taken from the repo
# root, where bench/run runs cargo), else target/.
TARGET = os.path.join(ROOT, os.environ.get("CARGO_TARGET_DIR") or "target")
NEWSDEX = os.path.join(TARGET, "release", "newsdex")
CEILING = os.path.join(WORK, "ceiling-target", "release", "ceiling")
TANTIVY_CLI = os.path.join(WORK, "cargo-root", "bin", "tantivy")
VENV_PY = os.path.join(WORK, "venv", "bin", "python")
JAR = os.path.join(WORK, "pyserini", "anserini-0.25.0-fatjar.jar")
LUCENE_CLASSES = os.path.join(WORK, "lucene-classes")
PEER = os.path.join(BENCH, "peer.py")
SYS_PY = "/usr/bin/python3"


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


# ----------------------------------------------------------------- queries
def load_queries(path, smoke):
    rows = []
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.rstrip("\n").split("\t")
        rows.append({"kind": parts[0], "q": parts[1],
                     "flags": parts[2] if len(parts) > 2 else ""})
    if smoke:  # a handful: two of each shared kind, one filtered
        picked, seen = [], {}
        for r in rows:
            if seen.get(r["kind"], 0) < (2 if not r["flags"] else 1):
                picked.append(r)
                seen[r["kind"]] = seen.get(r["kind"], 0) + 1
        rows = picked[:10]
    return rows


def tokens(q):
    """Neutral syntax -> [("word"|"phrase"|"or"|"not", text)]."""
    out = []
    for m in re.finditer(r'"[^"]*"|\S+', q):
        t = m.group(0)
        if t == "OR":
            out.append(("or", t))
        elif t.startswith('"'):
            out.append(("phrase", t))
        elif t.startswith("-"):
            out.append(("not", t[1:]))
        else:
            out.append(("word", t))
    return out


def translate(q, tool):
    toks = tokens(q)
    if tool in ("newsdex", "ceiling", "tantivy-py", "xapian", "lucene"):
        return q  # all take words, "phrases", a OR b and -word (AND by default)
    if tool == "sqlite":
        return " ".join("NOT " + t if k == "not" else t for k, t in toks)
    if tool == "tantivy-cli":  # field-qualified: unqualified terms panic with a date field
        clauses, i = [], 0
        while i < len(toks):
            k, t = toks[i]
            if k == "not":
                clauses.append("-title:%s -body:%s" % (t, t))
            elif i + 2 < len(toks) and toks[i + 1][0] == "or":
                t2 = toks[i + 2][1]
                clauses.append("+(title:%s body:%s title:%s body:%s)" % (t, t, t2, t2))
                i += 2
            else:
                clauses.append("+(title:%s body:%s)" % (t, t))
            i += 1
        return " ".join(clauses)
    raise ValueError(tool)


# ----------------------------------------------------------------- helpers
def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def du(path):
    total = 0
    for dp, _, fs in os.walk(path):
        for f in fs:
            try:
                total += os.path.getsize(os.path.join(dp, f))
            except OSError:
                pass
    return total


def timed(cmd, env=None, cwd=None):
    """Run cmd under /usr/bin/time -v; returns (wall s, peak RSS MB, stdout, stderr, rc)."""
    if not os.access("/usr/bin/time", os.X_OK):  # no peak RSS, still timed (smoke runs in CI)
        t = time.monotonic()
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
        return time.monotonic() - t, None, p.stdout, p.stderr, p.returncode
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + cmd, capture_output=True,
                           text=True, env=env, cwd=cwd)
        wall = time.monotonic() - t
        rss = None
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(tf.name).read())
        if m:
            rss = int(m.group(1)) / 1024
    return wall, rss, p.stdout, p.stderr, p.returncode


# ----------------------------------------------------------------- tools
def available():
    have = {"newsdex": os.access(NEWSDEX, os.X_OK),
            "ceiling": os.access(CEILING, os.X_OK),
            "tantivy-cli": os.access(TANTIVY_CLI, os.X_OK),
            "tantivy-py": os.access(VENV_PY, os.X_OK) and sh([VENV_PY, "-c", "import tantivy"]).returncode == 0,
            "sqlite": True,
            "xapian": os.access(SYS_PY, os.X_OK) and sh([SYS_PY, "-c", "import xapian"]).returncode == 0,
            "lucene": os.path.exists(JAR) and os.path.exists(os.path.join(LUCENE_CLASSES, "LuceneSearch.class"))
            and shutil.which("java") is not None,
            "ripgrep": shutil.which("rg") is not None}
    return have


def versions():
    v = {}
    def first(cmd):
        try:
            p = sh(cmd)
            return (p.stdout or p.stderr).strip().splitlines()[0]
        except Exception as e:  # noqa: BLE001
            return "unknown (%s)" % e
    v["newsdex"] = first([NEWSDEX, "--version"]) if os.path.exists(NEWSDEX) else "missing"
    lock = os.path.join(ROOT, "Cargo.lock")
    m = re.search(r'name = "tantivy"\nversion = "([^"]+)"', open(lock).read()) if os.path.exists(lock) else None
    v["newsdex"] += " (tantivy %s, git %s)" % (m.group(1) if m else "?",
                                              first(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]))
    v["ceiling"] = "tantivy 0.27.0 (bench/ceiling)"
    v["tantivy-cli"] = first([TANTIVY_CLI, "--version"]) if os.path.exists(TANTIVY_CLI) else "missing"
    if os.path.exists(VENV_PY):
        v["tantivy-py"] = "tantivy-py " + first([VENV_PY, "-c", "import importlib.metadata as m; print(m.version('tantivy'))"])
    v["sqlite"] = "SQLite %s (Python %s sqlite3, FTS5)" % (sqlite3.sqlite_version, platform.python_version())
    v["xapian"] = "Xapian " + first([SYS_PY, "-c", "import xapian; print(xapian.version_string())"])
    v["lucene"] = "Anserini 0.25.0 fat jar from pyserini 0.25.0 (Lucene 9.9.1), " + first(["java", "-version"])
    v["ripgrep"] = first(["rg", "--version"])
    v["hyperfine"] = first(["hyperfine", "--version"]) if shutil.which("hyperfine") else "absent"
    return v


def machine():
    model = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = "?"
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    return {"nproc": NPROC, "cpu": model, "ram": mem, "kernel": platform.release(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def index_cmd(tool, d, corpus):
    base = corpus[:-len(".jsonl")]
    rfc = base + ".rfc3339.jsonl"
    if tool == "newsdex":
        return [NEWSDEX, "--index", d, "index", corpus, "--quiet"]
    if tool == "ceiling":
        return [CEILING, "index", d, rfc, "--threads", str(NPROC), "--memory-mb", "1000"]
    if tool == "tantivy-cli":
        subprocess.run([CEILING, "create", d], check=True)  # same schema, made by tantivy 0.27
        return [TANTIVY_CLI, "index", "-i", d, "-f", rfc, "-t", str(NPROC), "-m", "1000000000"]
    if tool == "tantivy-py":
        return [VENV_PY, PEER, "tantivy-py", "index", d, rfc]
    if tool == "sqlite":
        return [sys.executable, PEER, "sqlite", "index", d, corpus]
    if tool == "xapian":
        return [SYS_PY, PEER, "xapian", "index", d, corpus]
    if tool == "lucene":
        adir = os.path.join(os.path.dirname(corpus), "anserini-" + os.path.basename(base))
        return ["java", "-cp", JAR, "io.anserini.index.IndexCollection", "-collection", "JsonCollection",
                "-input", adir, "-index", d, "-generator", "DefaultLuceneDocumentGenerator",
                "-threads", str(NPROC), "-storePositions", "-storeRaw", "-optimize"]
    raise ValueError(tool)


def search_cmd(tool, d, qfile, reps):
    if tool == "ceiling":
        return [CEILING, "search", d, qfile, str(reps)]
    if tool == "tantivy-py":
        return [VENV_PY, PEER, "tantivy-py", "search", d, qfile, str(reps)]
    if tool == "sqlite":
        return [sys.executable, PEER, "sqlite", "search", d, qfile, str(reps)]
    if tool == "xapian":
        return [SYS_PY, PEER, "xapian", "search", d, qfile, str(reps)]
    if tool == "lucene":
        return ["java", "-cp", JAR + ":" + LUCENE_CLASSES, "LuceneSearch", d, qfile, str(reps)]
    raise ValueError(tool)


def tantivy_cli_latency(d, qfile, reps):
    p = sh([TANTIVY_CLI, "bench", "-i", d, "-q", qfile, "-n", str(reps)])
    if p.returncode != 0:
        raise RuntimeError("tantivy bench failed: " + (p.stderr or p.stdout)[-300:])
    search, fetch, section = {}, {}, None
    for line in p.stdout.splitlines():
        if line.strip() == "SEARCH":
            section = search
        elif line.strip() == "FETCH STORE":
            section = fetch
        elif section is not None and "\t" in line and not line.startswith("query\t"):
            parts = line.split("\t")
            section.setdefault(parts[0], []).append(parts)
    out = []
    for q, rows in search.items():
        f = fetch.get(q, [])
        ms = [int(r[-1]) / 1000 + (int(f[i][-1]) / 1000 if i < len(f) else 0) for i, r in enumerate(rows)]
        out.append({"query": q, "total": int(rows[0][1]), "ms": ms})
    return out


# ----------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--tools", default="newsdex,ceiling,tantivy-cli,tantivy-py,lucene,sqlite,xapian,ripgrep")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    stats = json.load(open(a.corpus[:-len(".jsonl")] + ".stats.json"))
    have = available()
    wanted = [t for t in a.tools.split(",") if t]
    if a.smoke:  # only what is there already; newsdex and SQLite at least
        wanted = [t for t in wanted if have.get(t)]
    results = {"machine": machine(), "versions": versions(), "corpus": stats, "label": a.label,
               "smoke": a.smoke, "reps": a.reps, "tools": {}}
    idx_root = os.path.join(WORK, "indexes", a.label)
    os.makedirs(idx_root, exist_ok=True)
    queries = load_queries(os.path.join(BENCH, "queries.txt"), a.smoke)
    shared = [r for r in queries if not r["flags"]]
    text_mb = stats["text_bytes"] / 1e6

    for tool in wanted:
        res = results["tools"].setdefault(tool, {})
        if not have.get(tool):
            res["not_run"] = "not installed (bench/run installs it; see bench/work/*.log)"
            log(tool, "not installed")
            continue
        if tool == "ripgrep":
            res["index"] = {"seconds": 0.0, "size_bytes": 0, "note": "no index: scans the JSON Lines file"}
        else:
            d = os.path.join(idx_root, tool)
            shutil.rmtree(d, ignore_errors=True)
            if tool != "tantivy-cli":
                os.makedirs(os.path.dirname(d), exist_ok=True)
            log(tool, "indexing", a.corpus)
            try:
                cmd = index_cmd(tool, d, a.corpus)
                wall, rss, out, err, rc = timed(cmd)
            except Exception as e:  # noqa: BLE001
                res["not_run"] = "index failed: %s" % e
                continue
            if rc != 0:
                res["not_run"] = "index exited %d: %s" % (rc, (err or out).strip()[-400:])
                log(tool, res["not_run"])
                continue
            res["index"] = {"seconds": wall, "rss_mb": rss, "size_bytes": du(d),
                            "mb_s": text_mb / wall, "articles_s": stats["articles"] / wall,
                            "tool_said": (out.strip().splitlines() or [""])[-1][:300],
                            "stderr_tail": err.strip()[-300:]}
            log(tool, "indexed in %.1f s, %.0f MB RSS, %.0f MB on disk" % (wall, rss or -1, du(d) / 1e6))

        # ---- queries
        try:
            if tool == "newsdex":
                res["process"] = newsdex_process(d, queries, a)
                res["inproc_took_ms"] = newsdex_took(d, queries, 3 if a.smoke else 5)
                res["criterion"] = newsdex_criterion(d, a)
            elif tool == "ripgrep":
                singles = [r for r in shared if r["kind"] == "single"]
                res["process"] = hyperfine([["rg", "-c", "-i", "-w", r["q"], a.corpus] for r in singles],
                                           singles, 2 if a.smoke else 5, ok_codes=(0, 1))
            else:
                qtexts = [translate(r["q"], tool) for r in shared]
                qfile = os.path.join(idx_root, tool + ".queries.txt")
                open(qfile, "w").write("\n".join(qtexts) + "\n")
                if tool == "tantivy-cli":
                    recs = tantivy_cli_latency(d, qfile, a.reps + 1)
                else:
                    p = sh(search_cmd(tool, d, qfile, a.reps + 1))
                    if p.returncode != 0:
                        raise RuntimeError(p.stderr[-400:])
                    recs = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
                per = []
                for r, rec in zip(shared, recs):
                    per.append({"kind": r["kind"], "query": rec["query"], "total": rec.get("total"),
                                "error": rec.get("error"), "ms": rec.get("ms", [])[1:]})  # first rep = warm-up
                res["inproc"] = per
        except Exception as e:  # noqa: BLE001
            res["query_error"] = str(e)[:400]
            log(tool, "queries failed:", e)

    json.dump(results, open(a.out, "w"), indent=1)
    log("results in", a.out)
    if a.smoke:  # CI: newsdex must have indexed, answered and been benched (no timing is checked)
        nd = results["tools"].get("newsdex", {})
        broken = nd.get("not_run") or nd.get("query_error") or (nd.get("criterion") or {}).get("error")
        if broken or not nd:
            log("smoke run failed for newsdex:", broken or "not run")
            sys.exit(1)


def hyperfine(cmds, rows, runs, ok_codes=(0,)):
    if not shutil.which("hyperfine"):
        return python_timer(cmds, rows, runs, ok_codes)
    with tempfile.NamedTemporaryFile(suffix=".json") as jf:
        args = ["hyperfine", "-N", "--warmup", "1", "--runs", str(runs), "--style", "none",
                "-i", "--export-json", jf.name] + [shlex.join(c) for c in cmds]
        p = sh(args)
        if p.returncode != 0:
            raise RuntimeError("hyperfine: " + p.stderr[-400:])
        data = json.load(open(jf.name))
    out = []
    for r, res in zip(rows, data["results"]):
        out.append({"kind": r["kind"], "query": r["q"], "flags": r.get("flags", ""),
                    "ms": [t * 1e3 for t in res["times"]],
                    "exit_codes": sorted(set(res.get("exit_codes", [])))})
    return out


def python_timer(cmds, rows, runs, ok_codes):
    out = []
    for r, c in zip(rows, cmds):
        ms = []
        for _ in range(runs + 1):
            t = time.perf_counter()
            subprocess.run(c, capture_output=True)
            ms.append((time.perf_counter() - t) * 1e3)
        out.append({"kind": r["kind"], "query": r["q"], "flags": r.get("flags", ""), "ms": ms[1:]})
    return out


def newsdex_cmd(d, r):
    return [NEWSDEX, "--index", d, "search", r["q"], "--json"] + shlex.split(r["flags"])


def newsdex_process(d, queries, a):
    return hyperfine([newsdex_cmd(d, r) for r in queries], queries, 3 if a.smoke else a.reps)


def newsdex_criterion(d, a):
    """In-process latency from the criterion bench (bench/criterion/search.rs) on the
    index just built: p50/p95/p99 over every (query, repetition), each query
    weighted equally. A failure is recorded, not fatal."""
    out = os.path.join(WORK, "criterion-%s.json" % a.label)
    env = dict(os.environ, NEWSDEX_BENCH_INDEX=d, NEWSDEX_BENCH_OUT=out)
    if a.smoke:
        env["NEWSDEX_BENCH_SMOKE"] = "1"
    log("newsdex: cargo bench --bench search (criterion)")
    with open(os.path.join(WORK, "criterion-%s.log" % a.label), "w") as logf:
        p = subprocess.run(["cargo", "bench", "--quiet", "--bench", "search"], cwd=ROOT, env=env,
                           stdout=logf, stderr=subprocess.STDOUT)
    if p.returncode != 0 or not os.path.exists(out):
        return {"error": "cargo bench exited %d (see bench/work/criterion-%s.log)" % (p.returncode, a.label)}
    return json.load(open(out))


def newsdex_took(d, queries, reps):
    out = []
    for r in queries:
        ms, total, err = [], None, None
        for _ in range(reps + 1):
            p = sh(newsdex_cmd(d, r))
            try:
                j = json.loads(p.stdout)
                ms.append(j["took_ms"])
                total = j.get("total")
            except (ValueError, KeyError):
                err = (p.stderr or p.stdout).strip()[-200:]
        out.append({"kind": r["kind"], "query": r["q"], "flags": r["flags"], "total": total,
                    "error": err if not ms else None, "ms": ms[1:]})
    return out


if __name__ == "__main__":
    main()
