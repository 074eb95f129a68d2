#!/usr/bin/env python3
"""Side-by-side one-edit rebuilds: old and new portico alternating, each with its own corpus copy, cache and output.
usage: python3 bench/oneedit_ab.py OLD NEW ROUNDS   (corpus: gen_corpus.py --out /tmp/oneedit/corpus --accounts 100 --library 600;
copies go to /tmp/oneedit/ab/{old,new}; the edit is bench/run.py's edit_target(), then a diff -r against a clean build)"""
import os, shutil, statistics, subprocess, sys, time
OLD, NEW, ROUNDS = sys.argv[1], sys.argv[2], int(sys.argv[3])
SRC = "/tmp/oneedit/corpus/content"
ENV = {**os.environ, "PORTICO_SECRET": "ab" * 32, "PORTICO_TODAY": "2026-11-20"}
TARGET = "accounts/account-0000/case-studies/case-studie-0002.md"
work = {}
for name, binary in (("old", OLD), ("new", NEW)):
    folder = f"/tmp/oneedit/ab/{name}"
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    shutil.copytree(SRC, folder + "/content")
    work[name] = (binary, folder)

def build(name, out="out", timings=False):
    binary, folder = work[name]
    cmd = [binary, "build", "--content", folder + "/content", "--out", folder + "/" + out] + (["--timings"] if timings else [])
    t = time.perf_counter()
    r = subprocess.run(cmd, env=ENV, cwd=folder, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        print(name, "failed", r.stdout[-2000:], r.stderr[-2000:]); sys.exit(1)
    return wall, r.stdout + r.stderr

def edit(name, n):
    path = work[name][1] + "/content/" + TARGET
    original = open(path, "rb").read()
    with open(path, "ab") as f:
        f.write(f"\nBench edit {n}: one more sentence about the **pilot** rollout.\n".encode())
    return path, original

full = {"old": [], "new": []}
for name in ("old", "new"):
    w, _ = build(name); full[name].append(w)
    build(name)  # no-op
print("full", {k: round(v[0], 2) for k, v in full.items()}, flush=True)
edits = {"old": [], "new": []}
for r in range(ROUNDS):
    order = ("old", "new") if r % 2 == 0 else ("new", "old")
    for name in order:
        path, original = edit(name, r + 1)
        w, out = build(name, timings=(r == ROUNDS - 1))
        edits[name].append(w)
        if r == ROUNDS - 1: print(name, out.strip().splitlines()[-12:])
        open(path, "wb").write(original)
        build(name)  # back to the original content
    print(r, {k: round(v[-1] * 1000) for k, v in edits.items()}, flush=True)
for name in ("old", "new"):
    print(name, "one-edit median %.0f ms" % (statistics.median(edits[name]) * 1000), "samples", [round(x * 1000) for x in edits[name]])
print("new/old %.3f" % (statistics.median(edits["new"]) / statistics.median(edits["old"])))
print("load", open("/proc/loadavg").read().strip())
# equality with a clean build: the edit applied, incremental build, then a clean build into another folder
for name in ("old", "new"):
    path, original = edit(name, 999)
    build(name)
    build(name, out="clean-" + str(os.getpid()))
    folder = work[name][1]
    d = subprocess.run(["diff", "-r", "-q", folder + "/out", folder + "/clean-" + str(os.getpid())], capture_output=True, text=True)
    print(name, "equal to clean build:", d.returncode == 0, d.stdout[:500])
    shutil.rmtree(folder + "/clean-" + str(os.getpid()))
    open(path, "wb").write(original)
