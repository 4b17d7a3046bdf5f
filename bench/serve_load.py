#!/usr/bin/env python3
"""Load on `newsdex serve` with wrk, on loopback.

    bench/serve_load.py --index DIR [--binary target/release/newsdex]
                        [--seconds 20] [--clients 1,8,64] [--max-requests 16]

Starts the server on a free port, then for each number of clients runs
`wrk --latency` for the given seconds over the bench queries
(bench/queries.txt, with their newsdex-only filters), each request a search
with facet counts and snippets (`/api/search?q=…&limit=10`). Prints one line
per run: requests/s, p50/p90/p99 latency, non-2xx answers (503 above
--max-requests is the server refusing cleanly, not failing), and the
server's resident memory at the start and the end of the run and its peak.
Needs wrk (Debian's package). Exits 1 if a run saw socket errors or an
answer other than 200 and 503.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))

FLAG_PARAMS = {"--actor": "actor", "--event": "event", "--dyad": "dyad", "--mention": "mention",
               "--from": "from", "--to": "to", "--source": "source"}


def queries():
    out = []
    with open(os.path.join(HERE, "queries.txt")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            params = [("q", cells[1]), ("limit", "10")]
            flags = cells[2].split() if len(cells) > 2 else []
            for flag, value in zip(flags[::2], flags[1::2]):
                if flag in FLAG_PARAMS:
                    params.append((FLAG_PARAMS[flag], value))
            out.append("/api/search?" + urllib.parse.urlencode(params))
    return out


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def seconds(text):
    value, unit = float(re.match(r"[\d.]+", text)[0]), re.search(r"[a-z]+$", text)[0]
    return value * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "target", "release", "newsdex"))
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--clients", default="1,8,64")
    ap.add_argument("--max-requests", default="16")
    args = ap.parse_args()
    server = subprocess.Popen([args.binary, "--index", args.index, "serve", "--addr", "127.0.0.1:0",
                               "--max-requests", args.max_requests],
                              stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    match = re.search(r"listening on (http://\S+)", line)
    if not match:
        sys.exit(f"newsdex serve did not start: {line}")
    base = match[1]
    threading.Thread(target=server.stderr.read, daemon=True).start()
    paths = queries()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("local paths = {\n" + ",\n".join('"' + p.replace('"', '\\"') + '"' for p in paths) + "\n}\n")
        script.write("local i = 0\nrequest = function()\n  i = i % #paths + 1\n"
                     "  return wrk.format('GET', paths[i])\nend\n")
    failed = False
    try:
        # Warm the searcher and the page cache once.
        subprocess.run(["wrk", "-t1", "-c1", "-d2s", "-s", script.name, base], capture_output=True)
        print(f"{len(paths)} queries, {args.seconds} s a run, --max-requests {args.max_requests}")
        print("clients\treq/s\tp50 ms\tp90 ms\tp99 ms\tnon-2xx\terrors\tRSS start/end/peak MB")
        for clients in [int(c) for c in args.clients.split(",")]:
            peak, samples = [0], []
            stop = threading.Event()

            def watch():
                while not stop.is_set():
                    value = rss_kb(server.pid)
                    samples.append(value)
                    peak[0] = max(peak[0], value)
                    time.sleep(0.5)
            watcher = threading.Thread(target=watch)
            watcher.start()
            threads = min(2, clients)
            out = subprocess.run(["wrk", f"-t{threads}", f"-c{clients}", f"-d{args.seconds}s", "--latency",
                                  "--timeout", "10s", "-s", script.name, base],
                                 capture_output=True, text=True).stdout
            stop.set()
            watcher.join()
            rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
            latency = {p: seconds(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M)}
            non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
            errors = re.search(r"Socket errors: (.*)", out)
            print(f"{clients}\t{rate:.0f}\t{latency.get('50', 0):.2f}\t{latency.get('90', 0):.2f}\t"
                  f"{latency.get('99', 0):.2f}\t{non2xx}\t{errors[1] if errors else 0}\t"
                  f"{samples[0] / 1024:.0f}/{samples[-1] / 1024:.0f}/{peak[0] / 1024:.0f}")
            if errors:
                failed = True
            if non2xx and clients <= int(args.max_requests):
                failed = True
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.unlink(script.name)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
