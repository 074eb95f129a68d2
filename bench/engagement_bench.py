#!/usr/bin/env python3
"""Engagement ingest: accepted reading batches per second at 64 connections (wrk, pre-signed bodies), with
/healthz measured by a second wrk in the same run. Needs wrk (`apt-get install -y wrk`) and a built portico
(PORTICO_BIN, else .build/debug/portico). Usage: python3 bench/engagement_bench.py [--seconds 15]

Each body is a valid signed batch of one view event for alice or bob of the feedback fixture (docs/engagement.md)
with its own nonce, so every 204 is a committed transaction; a body used twice answers 409 and is not counted.
"""
import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "feedback"))
from portico_client import Server, account_path, feedback_key, b64u, nonce  # noqa: E402
import hashlib  # noqa: E402
import hmac  # noqa: E402

THREADS = 2


def bodies(path, count):
    now = int(time.time())
    keys = {v: feedback_key("acme", v) for v in ("alice", "bob")}
    acct = account_path("acme")
    with open(path, "w") as f:
        for i in range(count):
            viewer = "alice" if i % 2 else "bob"
            batch = json.dumps({"account": acct, "viewer": viewer, "timestamp": now, "nonce": nonce(),
                                "events": [{"page": "insights/cloud-costs/index.html", "kind": "view",
                                            "started_at": now - 120, "active_seconds": 30 + i % 60, "scroll_percent": i % 101}]},
                               separators=(",", ":"))
            proof = b64u(hmac.new(keys[viewer], batch.encode(), hashlib.sha256).digest())
            f.write(json.dumps({"proof": proof, "batch": batch}, separators=(",", ":")) + "\n")


def wrk(args, env=None):
    return subprocess.Popen(["wrk", "--latency"] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **(env or {})})


def summary(text):
    def grab(pattern):
        m = re.search(pattern, text)
        return m.group(1) if m else "?"
    return {"requests/s": grab(r"Requests/sec:\s+([\d.]+)"), "p50": grab(r"50%\s+(\S+)"), "p99": grab(r"99%\s+(\S+)"),
            "non-2xx": grab(r"Non-2xx or 3xx responses:\s+(\d+)") if "Non-2xx" in text else "0"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--bodies", type=int, default=150_000)
    a = parser.parse_args()
    work = tempfile.mkdtemp(prefix="portico-engagement-bench-")
    db = os.path.join(work, "bench.sqlite")
    lines = os.path.join(work, "bodies.txt")
    bodies(lines, a.bodies)
    limits = ("--viewer-limit", "1000000000", "--ip-limit", "1000000000", "--reading-limit", "1000000000")
    with Server(db, limits=limits) as server:
        ingest = wrk(["-t", str(THREADS), "-c", "64", "-d", f"{a.seconds}s", "-s", os.path.join(HERE, "engagement_ingest.lua"),
                      server.base_url + "/v1/engagement"], {"ENGAGEMENT_BODIES": lines, "ENGAGEMENT_THREADS": str(THREADS)})
        health = wrk(["-t", "1", "-c", "4", "-d", f"{a.seconds}s", server.base_url + "/healthz"])
        ingest_out, health_out = ingest.communicate()[0], health.communicate()[0]
    stored = sqlite3.connect(db).execute("SELECT COUNT(*) FROM reading_event").fetchone()[0]
    binary = os.environ.get("PORTICO_BIN", ".build/debug/portico")
    print(f"binary: {binary}; {os.cpu_count()} CPUs; {a.seconds} s; wrk -t{THREADS} -c64 on /v1/engagement, -t1 -c4 on /healthz at once")
    print("engagement:", summary(ingest_out))
    print("healthz:   ", summary(health_out))
    print(f"accepted (rows committed): {stored} = {stored / a.seconds:.0f} events/s")
    if os.environ.get("VERBOSE"):
        print(ingest_out, health_out)


if __name__ == "__main__":
    main()
