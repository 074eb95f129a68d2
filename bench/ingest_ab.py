#!/usr/bin/env python3
"""A/B of portico binaries on SQLite ingest (issue 18): bench/ingest_bench.py --setups sqlite for each binary in turn,
--rounds times, so all see the same machine load. Prints each run's rows and, per binary and load, the median ratio to
/healthz, accepted/s, p50, p99 and portico CPU µs per answer, and each binary's CPU per answer against the first's.

The order changes every round (A B, then B A; with more binaries each round starts one further on and every other round
runs backwards): on this VM the first run of a pair is often the slower one, by up to a tenth, so a fixed order would
credit the later binary with a gain it did not make (bench/RESULTS.md, 3 Dec). To try a setting rather than a build,
pass a wrapper script that sets the environment and execs the binary.

Usage: python3 bench/ingest_ab.py OLD NEW [MORE ...] [--rounds 2] [--seconds 8] [--slices 1]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROW = re.compile(r"^\| SQLite, group commit \| `([^`]+)` \| ([\d,]+) \| ([\d,]*) \| ([\d. ]*%?) \| (\S+) \| (\S+) \| (\d+) \| [\d.]+ \| [\d.]+ \|  \| (\d+) \|$", re.M)


def run(binary, seconds, slices):
    out = subprocess.run([sys.executable, os.path.join(HERE, "ingest_bench.py"), "--seconds", str(seconds), "--slices", str(slices),
                          "--setups", "sqlite", "--no-floor"],
                         env=dict(os.environ, PORTICO_BIN=binary), capture_output=True, text=True, check=True).stdout
    rows = {}
    for load, rps, accepted, _, p50, p99, non2xx, cpu in ROW.findall(out):
        rows[load] = {"rps": float(rps.replace(",", "")), "accepted": float(accepted.replace(",", "") or 0), "p50": p50, "p99": p99,
                      "non2xx": int(non2xx), "cpu": int(cpu)}
    health = rows["GET /healthz"]["rps"]
    for row in rows.values():
        row["ratio"] = row["accepted"] / health
        # A binary that stores nothing (bench/bounds/store-nothing.patch) commits no row: its share is of answers.
        row["answered_ratio"] = row["rps"] / health
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binaries", nargs="+", metavar="BINARY", help="two or more portico binaries (or wrapper scripts); the first is the baseline")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--slices", type=int, default=1, help="passed to ingest_bench.py: each load in turns, the loads alternating")
    a = parser.parse_args()
    if len(a.binaries) < 2:
        parser.error("give at least two binaries")
    names = [chr(ord("A") + i) for i in range(len(a.binaries))]
    binaries = dict(zip(names, a.binaries))
    runs = {name: [] for name in names}
    for round_ in range(a.rounds):
        for name in round_order(names, round_):
            rows = run(binaries[name], a.seconds, a.slices)
            runs[name].append(rows)
            print(f"round {round_ + 1} {name}: " + "; ".join(
                f"{load} {r['rps']:,.0f}/s" + (f" accepted {r['accepted']:,.0f}/s = {100 * r['ratio']:.0f} %" if r["accepted"] else "")
                + f" p50 {r['p50']} p99 {r['p99']} {r['cpu']} µs/answer" + (f" non-2xx {r['non2xx']}" if r["non2xx"] else "")
                for load, r in rows.items()), flush=True)
    print(f"\nmedians over {a.rounds} rounds (" + ", ".join(f"{n} = {b}" for n, b in binaries.items()) + "):")
    for load in runs[names[0]][0]:
        base = statistics.median(rows[load]["cpu"] for rows in runs[names[0]])
        for name in names:
            rs = [rows[load] for rows in runs[name]]
            med = lambda key: statistics.median(r[key] for r in rs)
            if rs[0]["accepted"]:
                share = f" accepted {med('accepted'):,.0f}/s = {100 * med('ratio'):.1f} % of /healthz"
            elif load.startswith("POST"):
                share = f" (none stored: answers = {100 * med('answered_ratio'):.1f} % of /healthz)"
            else:
                share = ""
            change = "" if name == names[0] else f" ({100 * (med('cpu') / base - 1):+.1f} % against {names[0]})"
            print(f"  {load:20} {name}: {med('rps'):,.0f} req/s{share}, {med('cpu'):.0f} µs/answer{change}, "
                  f"p50 {' '.join(r['p50'] for r in rs)}, p99 {' '.join(r['p99'] for r in rs)}")


def round_order(names, round_):
    """The order of one round: two binaries alternate (A B, B A); more start one further on each round, and every
    other round runs backwards, so each binary takes each place and follows each other one."""
    start = (round_ // 2) % len(names) if len(names) > 2 else 0
    rotated = names[start:] + names[:start]
    return rotated if round_ % 2 == 0 else rotated[::-1]


if __name__ == "__main__":
    main()
