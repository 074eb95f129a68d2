#!/usr/bin/env python3
"""Ingest beside /healthz (issue 18): one `portico serve` on SQLite (group commit), limits raised, loaded in turn by
wrk at 64 connections: GET /healthz, then POST /v1/feedback, then POST /v1/engagement, each for --seconds, in the
same run. Bodies are signed beforehand (bench/ingest.lua sends each once), so an accepted request is a committed,
durable row; accepted/s counts rows in the database, not wrk's answers. Also records each phase's CPU time of wrk
and of the server, to show which side is the ceiling.

Usage: PORTICO_BIN=.build-release/release/portico python3 bench/ingest_bench.py [--seconds 10] [--results bench/RESULTS.md]
Needs wrk (apt-get install -y wrk) and what tests/feedback/portico_client.py needs (cryptography, PyYAML).
"""
import argparse
import datetime
import hashlib
import hmac
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "feedback"))
from portico_client import PORTICO_BIN, Server, account_path, b64u, feedback_key, nonce  # noqa: E402

CONNECTIONS = 64
TARGET = 0.5  # accepted submissions/s ≥ 50 % of /healthz (issue 18)
LIMITS = ("--viewer-limit", "1000000000", "--ip-limit", "1000000000", "--reading-limit", "1000000000")


def write_bodies(path, count, kind):
    """`count` pre-signed bodies for acme's alice and bob, each with its own nonce."""
    now = int(time.time())
    keys = {v: feedback_key("acme", v) for v in ("alice", "bob")}
    acct = account_path("acme")
    with open(path, "w") as f:
        for i in range(count):
            viewer = "alice" if i % 2 else "bob"
            if kind == "feedback":
                body = json.dumps({"account": acct, "page": "insights/cloud-costs/index.html", "viewer": viewer, "timestamp": now,
                                   "nonce": nonce(), "fields": {"rating": 1 + i % 5, "message": f"Useful, thanks ({i})", "workshop": False}},
                                  separators=(",", ":"))
                f.write(b64u(hmac.new(keys[viewer], body.encode(), hashlib.sha256).digest()) + "\t" + body + "\n")
            else:
                batch = json.dumps({"account": acct, "viewer": viewer, "timestamp": now, "nonce": nonce(),
                                    "events": [{"page": "insights/cloud-costs/index.html", "kind": "view", "started_at": now - 120,
                                                "active_seconds": 30 + i % 60, "scroll_percent": i % 101}]}, separators=(",", ":"))
                proof = b64u(hmac.new(keys[viewer], batch.encode(), hashlib.sha256).digest())
                f.write(json.dumps({"proof": proof, "batch": batch}, separators=(",", ":")) + "\n")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rows(db, table):
    with sqlite3.connect(db) as c:
        return c.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def run_wrk(url, seconds, threads, server_pid, script=None, env=None):
    """One wrk run; returns its figures with wrk's and the server's CPU seconds over it."""
    args = ["wrk", "--latency", "-t", str(threads), "-c", str(CONNECTIONS), "-d", f"{seconds}s"]
    if script:
        args += ["-s", script]
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = cpu_seconds(server_pid)
    out = subprocess.run(args + [url], capture_output=True, text=True, env={**os.environ, **(env or {})}).stdout
    server_cpu = cpu_seconds(server_pid) - server_before
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = (after_children.ru_utime - before_children.ru_utime) + (after_children.ru_stime - before_children.ru_stime)

    def grab(pattern, default="?"):
        m = re.search(pattern, out)
        return m.group(1) if m else default
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    if not done:
        sys.exit(f"wrk gave no result for {url}:\n{out}")
    requests, duration = int(done.group(1)), float(done.group(2)) / (1000 if done.group(3) == "ms" else 1)
    return {"requests": requests, "seconds": duration, "rps": requests / duration, "p50": grab(r"50%\s+(\S+)"),
            "p99": grab(r"99%\s+(\S+)"), "non2xx": int(grab(r"Non-2xx or 3xx responses:\s+(\d+)", "0")),
            "errors": grab(r"Socket errors:\s+(.*)", "none"), "wrk_cpu": wrk_cpu, "server_cpu": server_cpu, "raw": out}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2, one per core here)")
    parser.add_argument("--bodies", type=int, default=None, help="pre-signed bodies per endpoint (default 30,000 per second)")
    parser.add_argument("--results", help="append the table to this Markdown file (e.g. bench/RESULTS.md)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--only", choices=("feedback", "engagement"), help="load just this endpoint (after /healthz), e.g. under perf")
    a = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    started = datetime.datetime.now(datetime.timezone.utc)
    work = tempfile.mkdtemp(prefix="portico-ingest-bench-")
    db = os.path.join(work, "bench.sqlite")
    count = a.bodies or 30_000 * a.seconds
    files = {kind: os.path.join(work, f"{kind}.txt") for kind in ("feedback", "engagement")}
    for kind, path in files.items():
        if not a.only or kind == a.only:
            write_bodies(path, count, kind)
    script = os.path.join(HERE, "ingest.lua")
    phases = []
    with Server(db, limits=LIMITS) as server:
        pid, base = server.process.pid, server.base_url
        print(f"portico serve: pid {pid}, {base}", flush=True)
        phases.append(("GET /healthz", run_wrk(base + "/healthz", a.seconds, a.threads, pid), None))
        for kind, path, table, content_type in (("feedback", "/v1/feedback", "submission", "application/json"),
                                                 ("engagement", "/v1/engagement", "reading_batch", "text/plain;charset=UTF-8")):
            if a.only and kind != a.only:
                continue
            before = rows(db, table)
            result = run_wrk(base + path, a.seconds, a.threads, pid, script,
                             {"INGEST_BODIES": files[kind], "INGEST_THREADS": str(a.threads), "INGEST_CONTENT_TYPE": content_type})
            phases.append((f"POST {path}", result, rows(db, table) - before))
    finished = datetime.datetime.now(datetime.timezone.utc)
    text = report(a, phases, started, finished)
    print(text)
    if a.results:
        with open(a.results, "a", encoding="utf-8") as f:
            f.write("\n" + text)
    if a.keep:
        print(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if os.environ.get("VERBOSE"):
        for name, result, _ in phases:
            print(name, result["raw"])


def report(a, phases, started, finished):
    health = phases[0][1]["rps"]
    load = open("/proc/loadavg").read().split()[:3]
    binary = os.path.relpath(PORTICO_BIN, os.path.join(HERE, "..")) if PORTICO_BIN.startswith("/") else PORTICO_BIN
    out = ["## Ingest beside /healthz, SQLite with group commit (issue 18)", "",
           f"`PORTICO_BIN={binary} python3 bench/ingest_bench.py --seconds {a.seconds} --threads {a.threads}` on "
           f"{started:%Y-%m-%d %H:%M} UTC ({(finished - started).total_seconds():.0f} s); {os.cpu_count()} CPUs, load average "
           f"{' '.join(load)} at the end. One `portico serve` (SQLite, WAL, synchronous=FULL), limits raised; wrk -t{a.threads} "
           f"-c{CONNECTIONS} for {a.seconds} s per row, one after another against the same server. Feedback and engagement bodies are "
           "signed beforehand, each sent once (`bench/ingest.lua`); *accepted/s* is rows committed ÷ wrk's duration.", "",
           "| load | requests/s | accepted/s | vs /healthz | p50 | p99 | non-2xx | wrk CPU s | server CPU s | server CPU µs per answer |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r, accepted in phases:
        accepted_rate = "" if accepted is None else f"{accepted / r['seconds']:,.0f}"
        share = "100 %" if accepted is None else f"{100 * accepted / r['seconds'] / health:.0f} %"
        out.append(f"| `{name}` | {r['rps']:,.0f} | {accepted_rate} | {share} | {r['p50']} | {r['p99']} | {r['non2xx']} | "
                   f"{r['wrk_cpu']:.1f} | {r['server_cpu']:.1f} | {1e6 * r['server_cpu'] / max(1, r['requests']):.0f} |")
    out.append("")
    for name, r, accepted in phases[1:]:
        rate = accepted / r["seconds"]
        out.append(f"- `{name}`: {rate:,.0f} accepted/s = {100 * rate / health:.0f} % of /healthz ({health:,.0f}/s): "
                   f"**{'PASS' if rate >= TARGET * health else 'FAIL'}** (target ≥ {100 * TARGET:.0f} %).")
    out.append(f"- CPU over each row (2 cores × {a.seconds} s = {2 * a.seconds} core-s): wrk's own (getrusage of the child) and the "
               "server's (/proc/PID/stat). Socket errors: " + "; ".join(f"{n}: {r['errors']}" for n, r, _ in phases) + ".")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
