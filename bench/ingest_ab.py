#!/usr/bin/env python3
"""A/B of two portico binaries on SQLite ingest (issue 18): bench/ingest_bench.py --setups sqlite for each binary in turn,
alternating, --rounds times, so both see the same machine load. Prints each run's rows and, per binary and load, the median
ratio to /healthz, accepted/s, p50, p99 and portico CPU µs per answer.

Usage: python3 bench/ingest_ab.py OLD NEW [--rounds 2] [--seconds 8]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROW = re.compile(r"^\| SQLite, group commit \| `([^`]+)` \| ([\d,]+) \| ([\d,]*) \| ([\d ]*%?) \| (\S+) \| (\S+) \| (\d+) \| [\d.]+ \| [\d.]+ \|  \| (\d+) \|$", re.M)


def run(binary, seconds):
    out = subprocess.run([sys.executable, os.path.join(HERE, "ingest_bench.py"), "--seconds", str(seconds), "--setups", "sqlite"],
                         env=dict(os.environ, PORTICO_BIN=binary), capture_output=True, text=True, check=True).stdout
    rows = {}
    for load, rps, accepted, _, p50, p99, non2xx, cpu in ROW.findall(out):
        rows[load] = {"rps": float(rps.replace(",", "")), "accepted": float(accepted.replace(",", "") or 0), "p50": p50, "p99": p99,
                      "non2xx": int(non2xx), "cpu": int(cpu)}
    health = rows["GET /healthz"]["rps"]
    for row in rows.values():
        row["ratio"] = row["accepted"] / health
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=8)
    a = parser.parse_args()
    runs = {"old": [], "new": []}
    for round_ in range(a.rounds):
        order = ("old", "new") if round_ % 2 == 0 else ("new", "old")
        for name in order:
            rows = run(getattr(a, name), a.seconds)
            runs[name].append(rows)
            print(f"round {round_ + 1} {name}: " + "; ".join(
                f"{load} {r['rps']:,.0f}/s" + (f" accepted {r['accepted']:,.0f}/s = {100 * r['ratio']:.0f} %" if r["accepted"] else "")
                + f" p50 {r['p50']} p99 {r['p99']} {r['cpu']} µs/answer" + (f" non-2xx {r['non2xx']}" if r["non2xx"] else "")
                for load, r in rows.items()), flush=True)
    print(f"\nmedians over {a.rounds} rounds (old = {a.old}, new = {a.new}):")
    for load in runs["old"][0]:
        for name in ("old", "new"):
            rs = [rows[load] for rows in runs[name]]
            med = lambda key: statistics.median(r[key] for r in rs)
            share = f" accepted {med('accepted'):,.0f}/s = {100 * med('ratio'):.1f} % of /healthz" if rs[0]["accepted"] else ""
            print(f"  {load:20} {name}: {med('rps'):,.0f} req/s{share}, {med('cpu'):.0f} µs/answer, "
                  f"p50 {' '.join(r['p50'] for r in rs)}, p99 {' '.join(r['p99'] for r in rs)}")


if __name__ == "__main__":
    main()
