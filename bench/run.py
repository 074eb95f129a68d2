#!/usr/bin/env python3
"""Portico build benchmark: portico vs Hugo vs the cmark-gfm floor, rebuilds, scaling, preview latency,
the feedback load run and a callgrind profile, in one run. Standard library only.

  python3 bench/run.py                      # the full bench (3 rounds, 14,000-page corpus), writes bench/RESULTS.md
  python3 bench/run.py --rounds 5           # more rounds
  python3 bench/run.py --quick              # smoke test: 1 round on a 1/10 corpus, results printed, not written
  python3 bench/run.py --portico PATH       # the binary to measure (default $PORTICO_BIN, else .build-release/release/portico)

Every timed command runs under `/usr/bin/time -v` (user+sys CPU, max RSS); wall time is taken around it with a
monotonic clock. The tools alternate within each round (portico chain, Hugo, cmark-gfm, rotated every round) so that
drift on the machine hits them all alike; the table shows medians. See bench/README.md for what each row means.
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import list_search

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.environ.get("PORTICO_BENCH_GENERATOR", os.path.join(os.path.dirname(ROOT), "shared", "bench", "gen_corpus.py"))
SECRET = "ab" * 32
TODAY = "2026-11-20"
CMARK_ARGS = ["-e", "table", "-e", "strikethrough", "-e", "autolink", "-e", "tagfilter", "-e", "tasklist", "-e", "footnotes"]
FULL_ACCOUNTS = 100
LIBRARY = 600
CORES = os.cpu_count() or 1
NOTES_BEGIN, NOTES_END = "<!-- notes:begin -->", "<!-- notes:end -->"

# Targets from issue #17 (one build plan).
HUGO_RATIO = 0.25
FLOOR_RATIO = 1.0
RSS_LIMIT_MIB = 150
REBUILD_SHARE = {"portico no-op": 0.03, "portico one-edit": 0.05}
CORE_SHARE = 0.75          # "uses every core": CPU/wall >= 0.75 x cores
LINEAR_SLACK = 1.25        # per-page time at full size <= 1.25 x per-page time at 1/4


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------- measuring

def measure(cmd, env=None, cwd=None, timeout=900):
    """Runs cmd under /usr/bin/time -v; returns wall, user, sys, cpu (s), rss (MiB), rc and the output tail."""
    fd, stats = tempfile.mkstemp(prefix="time-", suffix=".txt")
    os.close(fd)
    full = ["/usr/bin/time", "-v", "-o", stats, *cmd]
    started = time.perf_counter()
    process = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
        rc = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        rc = "timeout"
    wall = time.perf_counter() - started
    text = open(stats, encoding="utf-8", errors="replace").read()
    os.unlink(stats)

    def field(name, default=0.0):
        match = re.search(rf"^\s*{re.escape(name)}:\s*([\d.]+)\s*$", text, re.M)
        return float(match.group(1)) if match else default

    user, system = field("User time (seconds)"), field("System time (seconds)")
    exit_status = int(field("Exit status", -1))
    if rc == 0 and exit_status not in (0, -1):
        rc = exit_status
    tail = (out.decode(errors="replace") + err.decode(errors="replace")).strip().splitlines()[-3:]
    return {"wall": wall, "user": user, "sys": system, "cpu": user + system,
            "rss": field("Maximum resident set size (kbytes)") / 1024, "rc": rc, "tail": tail}


def median(samples, key):
    values = [s[key] for s in samples if s.get("rc") == 0]
    return statistics.median(values) if values else None


# ---------------------------------------------------------------------------------------------- corpus

class Corpus:
    """One generated corpus: the portal content, optionally the Hugo twin, and per-account Markdown lists."""

    def __init__(self, folder, accounts, hugo=False):
        self.folder, self.accounts = folder, accounts
        self.content = os.path.join(folder, "content")
        self.hugo = os.path.join(folder, "hugo") if hugo else None
        cmd = [sys.executable, GENERATOR, "--out", folder, "--accounts", str(accounts), "--library", str(LIBRARY)]
        if hugo:
            cmd += ["--hugo", self.hugo]
        started = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900).stdout
        self.pages = int(re.search(r"pages_rendered=(\d+)", out).group(1))
        self.lists = self.account_lists()
        self.markdown_bytes = sum(os.path.getsize(p) for files in self.lists.values() for p in files)
        listed = sum(len(files) for files in self.lists.values())
        if listed != self.pages:
            log(f"warning: per-account lists hold {listed} pages, the generator reports {self.pages}")
        log(f"corpus {folder}: {accounts} accounts, {self.pages} pages, {self.markdown_bytes / 1e6:.0f} MB Markdown "
            f"as rendered{' (+ Hugo twin)' if hugo else ''}, generated in {time.perf_counter() - started:.1f} s")
        self.list_dir = os.path.join(folder, "cmark-lists")
        os.makedirs(self.list_dir, exist_ok=True)
        for slug, files in self.lists.items():
            with open(os.path.join(self.list_dir, slug + ".txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(files) + "\n")

    def account_lists(self):
        """slug -> the Markdown files that account publishes: its own pages + the library pages of its industry
        (gen_corpus.py's include rule `industries: [ind]`), i.e. exactly the files of the Hugo twin's content/<slug>/."""
        def md_files(base):
            found = []
            for folder, _, names in os.walk(base):
                found += [os.path.join(folder, n) for n in names if n.endswith(".md")]
            return sorted(found)

        library = {}
        for path in md_files(os.path.join(self.content, "library")):
            head = open(path, encoding="utf-8").read(2000)
            match = re.search(r"^industries:\s*\[(.*)\]", head, re.M)
            library[path] = {x.strip() for x in match.group(1).split(",")} if match else set()
        lists = {}
        accounts = os.path.join(self.content, "accounts")
        for slug in sorted(os.listdir(accounts)):
            config = open(os.path.join(accounts, slug, "account.yml"), encoding="utf-8").read()
            industry = re.search(r"^industry:\s*(\S+)", config, re.M).group(1)
            lists[slug] = md_files(os.path.join(accounts, slug)) + [p for p, inds in library.items() if industry in inds]
        return lists

    def preview_url(self, path):
        """Where `portico preview` serves an account page: /<account>/<kind>/<file name without .md>/."""
        parts = os.path.relpath(path, self.content).split(os.sep)
        return f"/{parts[1]}/{parts[2]}/{parts[-1][:-3]}/"

    def edit_target(self, index=0):
        slug = sorted(self.lists)[index % len(self.lists)]
        return sorted(p for p in self.lists[slug] if os.sep + "accounts" + os.sep in p)[0]


def rmtree(path):
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)


def reuse_penalty(path):
    """Whether writing many files right after deleting many is slow on the file system holding `path`.

    On ext4 without a journal (this VM's root), allocating an inode checks each free candidate with
    recently_deleted() (fs/ext4/ialloc.c): a free inode whose inode-table block is in the buffer cache and dirty,
    or freed less than vm.dirty_expire_centisecs ago, is skipped. After a delete those blocks stay cached, and the
    build itself keeps dirtying them, so each new file scans further: writing 15,000 files after deleting 15,000
    cost 3-7 s of extra system time here, for every tool alike, minutes after the delete. A clean CI checkout
    deleted nothing, so the bench gives each cold run a freshly made file system (see Bench.clear)."""
    try:
        path = os.path.realpath(path)
        best = None
        for line in open("/proc/self/mountinfo"):
            fields = line.split()
            mount, rest = fields[4], fields[fields.index("-") + 1:]
            if (path == mount or path.startswith(mount.rstrip("/") + "/")) and (best is None or len(mount) > len(best[0])):
                best = (mount, rest[0], rest[1])
        if not best or best[1] != "ext4":
            return False
        return open(f"/sys/fs/ext4/{os.path.basename(best[2])}/journal_task").read().strip() == "<none>"
    except (OSError, ValueError, IndexError):
        return False


# ---------------------------------------------------------------------------------------------- the tools

class Bench:
    def __init__(self, args, work):
        self.args, self.work = args, work
        self.binary = os.path.abspath(args.portico)
        self.env = {**os.environ, "PORTICO_SECRET": SECRET, "PORTICO_TODAY": TODAY}
        self.edits = 0
        # Where the tools write. On a file system where deleting slows later writes (see reuse_penalty), each cold
        # run gets a freshly made ext4 (with a journal, as CI runners have) on a loop device instead.
        self.fresh = args.fresh_fs and reuse_penalty(work) and os.geteuid() == 0 and all(
            shutil.which(t) for t in ("mkfs.ext4", "mount", "umount", "losetup"))
        self.outroot = os.path.join(work, "out-fs") if self.fresh else work
        self.image = os.path.join(work, "out-fs.img")
        self.mounted = False
        self.remakes = 0

    def clear(self, paths):
        """Deletes earlier output before a cold run; with a fresh file system per cold run, makes a new one instead."""
        if not self.fresh:
            for p in paths:
                rmtree(p)
            return
        for p in paths:
            if not p.startswith(self.outroot + os.sep):
                rmtree(p)
        self.unmount()
        with open(self.image, "wb") as f:
            f.truncate(8 << 30)  # sparse
        subprocess.run(["mkfs.ext4", "-q", "-F", self.image], check=True)
        os.makedirs(self.outroot, exist_ok=True)
        subprocess.run(["mount", "-o", "loop", self.image, self.outroot], check=True)
        self.mounted = True
        self.remakes += 1

    def unmount(self):
        if self.mounted:
            subprocess.run(["umount", self.outroot], check=False)
            self.mounted = False
        if os.path.exists(self.image):
            os.remove(self.image)

    def portico_out(self, corpus):
        return os.path.join(self.outroot, f"out-portico-{corpus.accounts}")

    def portico_build(self, corpus):
        return measure([self.binary, "build", "--content", corpus.content, "--out", self.portico_out(corpus)],
                       env=self.env, cwd=self.work)

    def portico_full(self, corpus):
        """A cold build: no previous output, no incremental cache (.portico/ next to content/)."""
        self.clear([self.portico_out(corpus), os.path.join(corpus.folder, ".portico")])
        return self.portico_build(corpus)

    def portico_edit(self, corpus):
        """Appends a sentence to one account page, rebuilds over the previous output, then restores the page."""
        target = corpus.edit_target()
        original = open(target, "rb").read()
        self.edits += 1
        with open(target, "ab") as f:
            f.write(f"\nBench edit {self.edits}: one more sentence about the **pilot** rollout.\n".encode())
        try:
            return self.portico_build(corpus)
        finally:
            with open(target, "wb") as f:
                f.write(original)

    def portico_chain(self, corpus, results):
        """full → no-op → one-edit, each over the previous output (the order a writer sees them)."""
        full = self.portico_full(corpus)
        results["portico full"].append(full)
        self.report("portico full", full)
        if full["rc"] != 0:
            return
        if not getattr(self, "checked", False):
            self.checked = True
            self.check_encrypted(corpus)
        for name, run in (("portico no-op", self.portico_build), ("portico one-edit", self.portico_edit)):
            sample = run(corpus)
            results[name].append(sample)
            self.report(name, sample)

    def check_encrypted(self, corpus):
        """Sanity: the output holds one HTML file per page at least, and no page body in the clear."""
        out, html, clear = self.portico_out(corpus), 0, []
        for folder, _, names in os.walk(out):
            for name in names:
                if name.endswith(".html"):
                    html += 1
                    path = os.path.join(folder, name)
                    data = open(path, "rb").read()
                    if b"<h2>Section 1:" in data or b"Section 1: " in data:
                        clear.append(path)
        self.encryption_note = (f"{html} HTML files in the output; "
                                + (f"{len(clear)} hold page text in the clear (e.g. {clear[0]})" if clear
                                   else "none holds page text in the clear"))
        log("check: " + self.encryption_note)

    def hugo(self, corpus):
        out = os.path.join(self.outroot, "out-hugo")
        self.clear([out])
        return measure(["hugo", "--source", corpus.hugo, "--destination", out, "--quiet"], cwd=self.work)

    def cmark(self, corpus):
        """The floor: cmark-gfm, one process per account over the pages it publishes, xargs -P<cores>."""
        out = os.path.join(self.work, "out-cmark")
        rmtree(out)
        os.makedirs(out)
        inner = ('xargs -d "\\n" -a "$1" cmark-gfm ' + " ".join(CMARK_ARGS)
                 + ' > "$2/$(basename "$1" .txt).html"')
        script = (f'find "{corpus.list_dir}" -name "*.txt" | sort | '
                  f"xargs -P{CORES} -I{{}} sh -c '{inner}' _ {{}} \"{out}\"")
        return measure(["sh", "-c", script], cwd=self.work)

    @staticmethod
    def report(name, s):
        status = "" if s["rc"] == 0 else f"  FAILED rc={s['rc']}: {' | '.join(s['tail'])}"
        log(f"  {name:<18} wall {s['wall']:7.2f} s  cpu {s['cpu']:7.2f} s  rss {s['rss']:7.0f} MiB{status}")

    # ------------------------------------------------------------------------------------------ phases

    def main_rounds(self, corpus):
        results = {k: [] for k in ("portico full", "portico no-op", "portico one-edit", "hugo", "cmark-gfm floor")}
        units = [("portico", lambda: self.portico_chain(corpus, results)),
                 ("hugo", lambda: self.single("hugo", self.hugo, corpus, results)),
                 ("cmark", lambda: self.single("cmark-gfm floor", self.cmark, corpus, results))]
        self.loads = []
        for r in range(self.args.rounds):
            self.loads.append(os.getloadavg()[0])
            order = units[r % len(units):] + units[:r % len(units)]
            log(f"round {r + 1}/{self.args.rounds}: {' → '.join(n for n, _ in order)}")
            for _, unit in order:
                unit()
        return results

    def single(self, name, fn, corpus, results):
        sample = fn(corpus)
        results[name].append(sample)
        self.report(name, sample)

    def scaling(self, corpora, main_corpus, main_results):
        """portico full build and the cmark floor at 1/4 and 1/2 (alternating); 1/1 comes from the main rounds."""
        rows = {c.accounts: {"corpus": c, "portico": [], "cmark": []} for c in corpora}
        rounds = self.args.scaling_rounds
        if rounds is None:  # keep the bench bounded while full builds are slow
            full = median(main_results["portico full"], "wall")
            rounds = self.args.rounds if full is not None and full < 30 else 1
        self.scaling_rounds = rounds
        for r in range(rounds):
            log(f"scaling round {r + 1}/{rounds}")
            for c in (corpora if r % 2 == 0 else corpora[::-1]):
                for name, fn in (("portico", self.portico_full), ("cmark", self.cmark)):
                    sample = fn(c)
                    rows[c.accounts][name].append(sample)
                    self.report(f"{name} @{c.accounts}", sample)
            for c in corpora:
                rmtree(self.portico_out(c))
        rows[main_corpus.accounts] = {"corpus": main_corpus, "portico": main_results["portico full"],
                                      "cmark": main_results["cmark-gfm floor"]}
        return rows

    def lists(self, corpus):
        """The list and search-index step (bench/list_search.py) on the corpus's largest account; report lines."""
        slug = max(corpus.lists, key=lambda a: (len(corpus.lists[a]), a))
        log(f"lists and search on account {slug} ({len(corpus.lists[slug])} pages)")
        out = os.path.join(self.work, "out-lists")
        try:
            result = list_search.run(self.binary, corpus.content, out, self.env, slug)
        except Exception as error:  # noqa: BLE001 - report, keep the rest
            return ["## Lists and search on the largest account\n", f"Failed: `{error}`\n"]
        finally:
            rmtree(out)
        log(f"  first search result after {result['first_result_ms']} ms")
        return list_search.report_lines(result, len(corpus.lists[slug]))

    def preview(self, corpus, trials):
        """Time from saving one account page to the `data: reload` server-sent event of `portico preview`, and to
        the edited page served with the saved text (asked for as soon as the event arrives, as a tab does)."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        tmp = os.path.join(self.work, "preview-tmp")
        os.makedirs(tmp, exist_ok=True)
        env = {**self.env, "TMPDIR": tmp}
        started = time.perf_counter()
        process = subprocess.Popen([self.binary, "preview", "--content", corpus.content, "--port", str(port)],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=self.work,
                                   start_new_session=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in iter(process.stdout.readline, b"")], daemon=True).start()
        result = {"port": port, "latencies": [], "served": [], "stale": 0, "error": None}
        events = queue.Queue()
        target = corpus.edit_target(1)
        url = corpus.preview_url(target)
        original = open(target, "rb").read()
        try:
            deadline = time.time() + 900
            while True:
                try:
                    line = lines.get(timeout=max(0.1, deadline - time.time()))
                except queue.Empty:
                    raise RuntimeError("portico preview did not start within 900 s")
                if b"Preview on" in line:
                    break
                if process.poll() is not None:
                    raise RuntimeError(f"portico preview exited {process.returncode}: {line.decode(errors='replace')}")
            result["startup"] = time.perf_counter() - started
            log(f"  preview up on port {port} after {result['startup']:.1f} s (initial build of {corpus.pages} pages)")
            sock = socket.create_connection(("127.0.0.1", port), timeout=600)
            sock.sendall(f"GET /_portico/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
            reader = sock.makefile("rb")

            def read_events():
                try:
                    for raw in iter(reader.readline, b""):
                        events.put((time.perf_counter(), raw.strip()))
                except OSError:
                    pass
            threading.Thread(target=read_events, daemon=True).start()
            self.wait_for(events, lambda l: l.startswith(b": connected"), 30, "the events stream's first comment")
            time.sleep(2.0)  # let the watcher take its first snapshot
            status, _ = self.http_get(port, url)
            if status != 200:
                raise RuntimeError(f"GET {url} answered {status} before any edit")
            for trial in range(trials):
                time.sleep(random.uniform(0.5, 1.0))  # a random phase against the 250 ms poll
                while not events.empty():
                    events.get_nowait()
                with open(target, "ab") as f:
                    f.write(f"\nPreview edit {trial + 1}: a new sentence.\n".encode())
                cpu_before = self.process_cpu(process.pid)
                saved = time.perf_counter()
                arrived = self.wait_for(events, lambda l: l == b"data: reload", 300, "the reload event")
                cpu = self.process_cpu(process.pid) - cpu_before
                # The page a tab reloads: it must show this save (a later answer counts only once it does).
                marker = f"Preview edit {trial + 1}:".encode()
                while True:
                    status, body = self.http_get(port, url)
                    served = time.perf_counter()
                    if status == 200 and marker in body:
                        break
                    result["stale"] += 1
                    if served - saved > 300:
                        raise RuntimeError(f"GET {url} never showed save {trial + 1} (last answer {status})")
                    time.sleep(0.005)
                result["latencies"].append(arrived - saved)
                result["served"].append(served - saved)
                result.setdefault("cpu", []).append(cpu)
                log(f"  preview trial {trial + 1}: reload after {1000 * (arrived - saved):.0f} ms, "
                    f"page served after {1000 * (served - saved):.0f} ms, preview CPU {1000 * cpu:.0f} ms (load {os.getloadavg()[0]:.2f})")
            result["load"] = os.getloadavg()
            result["rss"] = self.peak_rss(process.pid)
            sock.close()
        except Exception as error:  # keep the rest of the bench going
            result["error"] = str(error)
            log(f"  preview failed: {error}")
        finally:
            with open(target, "wb") as f:
                f.write(original)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            rmtree(tmp)
        return result

    @staticmethod
    def process_cpu(pid):
        """User + system CPU seconds a process has used so far (/proc/PID/stat): the work a save costs, which a
        busy machine stretches in wall time but not in CPU time."""
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def http_get(port, path):
        """(status, body) of one GET on a fresh connection."""
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        try:
            connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    @staticmethod
    def wait_for(events, predicate, timeout, what):
        deadline = time.time() + timeout
        while True:
            remaining = deadline - time.time()
            if remaining <= 0:
                raise RuntimeError(f"timed out waiting for {what}")
            try:
                stamp, line = events.get(timeout=remaining)
            except queue.Empty:
                continue
            if predicate(line):
                return stamp

    @staticmethod
    def peak_rss(pid):
        try:
            status = open(f"/proc/{pid}/status").read()
            return int(re.search(r"VmHWM:\s*(\d+)", status).group(1)) / 1024
        except (OSError, AttributeError):
            return None

    SIGSUSPEND_SHIM = r"""
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>
#include <sys/syscall.h>
/* valgrind 3.19 (Debian bookworm) writes into the mask given to rt_sigsuspend; libdispatch passes a read-only
   one (dispatchMain on Linux), which kills valgrind with SIGSEGV. Hand the kernel a writable copy instead. */
int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
"""

    def valgrind_ready(self):
        """(binary, env) that valgrind 3.19 can run: a copy of portico without DWARF (its DWARF 5 makes valgrind's
        reader give up; the symbol table stays) and, when a C compiler is there, the sigsuspend shim preloaded."""
        env = dict(self.env)
        binary = os.path.join(self.work, "portico-nodebug")
        if shutil.which("objcopy") and subprocess.run(["objcopy", "--strip-debug", self.binary, binary]).returncode == 0:
            os.chmod(binary, 0o755)
        else:
            binary = self.binary
        compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        if compiler:
            source, shim = os.path.join(self.work, "sigsuspend-shim.c"), os.path.join(self.work, "sigsuspend-shim.so")
            with open(source, "w") as f:
                f.write(self.SIGSUSPEND_SHIM)
            if subprocess.run([compiler, "-O2", "-shared", "-fPIC", source, "-o", shim]).returncode == 0:
                env["LD_PRELOAD"] = shim
        return binary, env

    def feedback(self):
        script = os.path.join(ROOT, "tests", "feedback", "bench_load.py")
        cmd = [sys.executable, script, "--requests", str(self.args.feedback_requests)]
        try:
            run = subprocess.run(cmd, env={**os.environ, "PORTICO_BIN": self.binary}, capture_output=True, text=True,
                                 timeout=900, cwd=ROOT)
        except subprocess.TimeoutExpired:
            return "bench_load.py timed out after 900 s"
        if run.returncode != 0:
            return f"bench_load.py exited {run.returncode}:\n" + "\n".join((run.stdout + run.stderr).splitlines()[-8:])
        return run.stdout.strip()

    def profile(self, corpus):
        """callgrind over one cold build of `corpus`; returns (top inclusive rows, stage rows, total Ir, seconds)."""
        out = os.path.join(self.work, "out-profile")
        data = os.path.join(self.work, "callgrind.out")
        rmtree(out)
        rmtree(os.path.join(corpus.folder, ".portico"))
        binary, env = self.valgrind_ready()
        started = time.perf_counter()
        run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={data}",
                              binary, "build", "--content", corpus.content, "--out", out],
                             env=env, cwd=self.work, capture_output=True, text=True, timeout=3600)
        seconds = time.perf_counter() - started
        if run.returncode != 0 or not os.path.exists(data):
            raise RuntimeError(f"valgrind exited {run.returncode}: {run.stderr.strip().splitlines()[-3:]}")
        annotate = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", data],
                                  capture_output=True, text=True, timeout=600).stdout
        demangler = shutil.which("swift-demangle")
        if demangler:
            annotate = subprocess.run([demangler, "--simplified", "--compact"], input=annotate,
                                      capture_output=True, text=True, timeout=600).stdout or annotate
        if self.args.keep:
            with open(os.path.join(self.work, "callgrind.annotate.txt"), "w") as f:
                f.write(annotate)
        return parse_annotate(annotate) + (seconds,)


# ---------------------------------------------------------------------------------------------- the profile

# Stage → patterns over demangled "file:function" names; a stage's cost is the largest inclusive cost among the
# functions that match it (its outermost entry point), so stages may nest (e.g. file I/O inside sealing) and do not
# need to add up to 100 %.
STAGES = [
    ("Load: read + front matter / YAML (Yams, libyaml)", [r"ContentLoader\.load\(", r"ContentLoader\.loadPages", r"FrontMatterParser", r"Yams\.", r"yaml_parser_"]),
    ("  of which YAML (Yams + libyaml)", [r"\bYams\.load", r"\bYams\.compose", r"Parser\.singleRoot", r"yaml_parser_parse\b", r"YAMLReader"]),
    ("Resolve accounts", [r"AccountResolver\.resolve"]),
    ("Markdown (libcmark-gfm)", [r"MarkdownRenderer\.render", r"cmark_parse_document", r"cmark_render_html"]),
    ("  of which cmark parse + render (C)", [r"\bcmark_parser_feed\b", r"\bcmark_parser_finish\b", r"\bcmark_render_html\b"]),
    ("Mustache templates", [r"Theme\.render", r"Template\.renderBytes", r"TemplateRenderer\.render"]),
    ("Encryption: AES-GCM (swift-crypto / BoringSSL)", [r"AES\.GCM\.seal", r"Sealer\.seal", r"EVP_AEAD_CTX_seal", r"aes_gcm_"]),
    ("Key derivation (HKDF/HMAC)", [r"HKDF", r"KeyDerivation", r"HMAC"]),
    ("Write files (SiteWriter)", [r"SiteWriter\.write", r"SiteWriter\.commit", r"SiteWriter\.link"]),
    ("Fingerprints / cache (SHA-256)", [r"AccountFingerprint", r"BuildCache\."]),
    ("Render + seal one account (everything per account)", [r"SiteBuilder\.renderAccounts", r"AccountRenderer\.renderAll"]),
    ("libc malloc/free", [r"^.*:(malloc|free|_int_malloc|_int_free|realloc|calloc)$"]),
    ("Swift retain/release", [r"swift_retain$", r"swift_release$", r"swift_bridgeObjectRetain$", r"swift_bridgeObjectRelease$"]),
]
LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*?)\s*$")


def parse_annotate(text):
    """(top rows [(Ir, pct, name)], stage rows [(stage, Ir, pct, entry)], total Ir) from callgrind_annotate output."""
    total = 0
    match = re.search(r"^\s*([\d,]+)\s+\(100\.0%\)\s+PROGRAM TOTALS", text, re.M)
    if match:
        total = int(match.group(1).replace(",", ""))
    rows = []
    for line in text.splitlines():
        m = LINE.match(line)
        if m and "PROGRAM TOTALS" not in line:
            name = re.sub(r"\s*\[[^\]]*\]$", "", m.group(3))  # drop the [object file] suffix
            rows.append((int(m.group(1).replace(",", "")), float(m.group(2)), name))
    if not total and rows:
        total = max(r[0] for r in rows)
    stages = []
    for stage, patterns in STAGES:
        best = None
        for ir, pct, name in rows:
            if any(re.search(p, name) for p in patterns) and (best is None or ir > best[0]):
                best = (ir, name)
        if best:
            stages.append((stage, best[0], 100.0 * best[0] / total if total else 0.0, best[1]))
        else:
            stages.append((stage, 0, 0.0, "(not seen)"))
    return rows, stages, total


def short(name, width=110):
    name = re.sub(r"^\?\?\?:", "", name)
    return name if len(name) <= width else name[:width - 1] + "…"


# ---------------------------------------------------------------------------------------------- the report

def fmt(value, spec=".2f", missing="—"):
    return missing if value is None else format(value, spec)


def filesystem_of(path):
    try:
        line = subprocess.run(["df", "-T", path], capture_output=True, text=True).stdout.strip().splitlines()[-1].split()
        return f"`{path}` on {line[1]} ({line[0]})"
    except Exception:  # noqa: BLE001 - a missing df only loses this line
        return f"`{path}`"


def verdict(ok):
    return "—" if ok is None else ("**PASS**" if ok else "**FAIL**")


def report(args, bench, corpus, results, scaling, preview, feedback, profile, started, finished, lists=None):
    m = lambda name, key: median(results.get(name, []), key)  # noqa: E731
    full_wall = m("portico full", "wall")
    hugo_wall, floor_wall = m("hugo", "wall"), m("cmark-gfm floor", "wall")
    out = []
    out.append("# Portico build benchmark\n")
    out.append(f"Generated by `make bench` (`python3 bench/run.py{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}`) "
               f"on {finished:%Y-%m-%d %H:%M} UTC; took {(finished - started).total_seconds() / 60:.1f} min.\n")
    out.append(f"- Machine: **{CORES} cores** ({cpu_model()}), {memory_gib():.0f} GiB RAM, {platform.platform()}")
    out.append(f"- portico: `{os.path.relpath(bench.binary, ROOT)}` (git {git_rev()}), "
               f"{tool_version(['hugo', 'version'])}, {tool_version(['cmark-gfm', '--version'])}")
    out.append(f"- Corpus: `gen_corpus.py --accounts {corpus.accounts} --library {LIBRARY}`: {corpus.pages:,} rendered pages, "
               f"{corpus.markdown_bytes / 1e6:.0f} MB of Markdown as Hugo sees it; every portico page encrypted "
               f"(PORTICO_TODAY={TODAY}). {getattr(bench, 'encryption_note', '')}")
    out.append(f"- Work folder (corpora, and outputs unless said below): {filesystem_of(bench.work)}. Each cold run (portico full, "
               f"Hugo) first deletes the previous output, as a clean CI checkout would not have it"
               + (f". Deleting 15,000 files on this journal-less ext4 makes creating files afterwards slow for every tool "
                  f"(the kernel skips freed inodes whose table blocks are cached and dirty, recently_deleted() in "
                  f"fs/ext4/ialloc.c: 3-7 s of extra system time per run, minutes after the delete, and dropping caches "
                  f"does not cure it), so each cold run of either tool writes into a freshly made ext4 with a journal, "
                  f"loop-mounted from an image in the work folder ({bench.remakes} made; `--no-fresh-fs` writes into the "
                  f"work folder instead)." if bench.fresh else "."))
    out.append(f"- {args.rounds} rounds, tools alternating (order rotated every round); medians below, all samples at the end.")
    if getattr(bench, "binary_changed", False):
        out.append("- **Warning: the portico binary was rebuilt during this run; the samples mix two builds.**")
    loads = getattr(bench, "loads", [])
    if loads:
        busiest = max(loads)
        out.append(f"- Machine load (1-min load average, sampled before each round): "
                   f"{', '.join(f'{l:.1f}' for l in loads)}"
                   + (f" — **the machine was busy** (load {busiest:.1f} on {CORES} cores): other processes competed "
                      f"for the cores, so wall times are inflated; compare CPU s, and re-run on an idle machine."
                      if busiest > 0.5 * CORES else " (idle)."))
    out.append("")

    out.append("## Medians\n")
    out.append("| run | wall s | CPU s (user+sys) | CPU/wall | max RSS MiB | wall ms/page | runs ok |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for name in ("portico full", "portico no-op", "portico one-edit", "hugo", "cmark-gfm floor"):
        samples = results.get(name, [])
        wall, cpu, rss = median(samples, "wall"), median(samples, "cpu"), median(samples, "rss")
        ok = sum(1 for s in samples if s["rc"] == 0)
        out.append(f"| {name} | {fmt(wall)} | {fmt(cpu)} | {fmt(cpu / wall if wall and cpu is not None else None)} | "
                   f"{fmt(rss, '.0f')} | {fmt(1000 * wall / corpus.pages if wall else None, '.3f')} | {ok}/{len(samples)} |")
    out.append("")

    out.append("## Targets\n")
    out.append("| target | measured | limit | result |")
    out.append("|---|---:|---:|---|")
    if full_wall and hugo_wall:
        r = full_wall / hugo_wall
        out.append(f"| full build vs Hugo (wall) | {r:.2f} × ({full_wall:.2f} s vs {hugo_wall:.2f} s) | ≤ {HUGO_RATIO} × | {verdict(r <= HUGO_RATIO)} |")
    if full_wall and floor_wall:
        r = full_wall / floor_wall
        out.append(f"| full build vs cmark-gfm floor (wall) | {r:.2f} × ({full_wall:.2f} s vs {floor_wall:.2f} s) | ≤ {FLOOR_RATIO} × | {verdict(r <= FLOOR_RATIO)} |")
    rss = [v for v in (m("portico full", "rss"), m("portico no-op", "rss"), m("portico one-edit", "rss")) if v is not None]
    if rss:
        out.append(f"| peak memory, largest of full / no-op / one-edit (max RSS) | {max(rss):.0f} MiB | ≤ {RSS_LIMIT_MIB} MiB | {verdict(max(rss) <= RSS_LIMIT_MIB)} |")
    for name in ("portico no-op", "portico one-edit"):
        wall = m(name, "wall")
        if wall is not None and full_wall:
            share = wall / full_wall
            limit = REBUILD_SHARE[name]
            out.append(f"| {name.split()[1]} rebuild vs full build | {100 * share:.1f} % ({wall:.2f} s) | ≤ {100 * limit:.0f} % | {verdict(share <= limit)} |")
    cpu = m("portico full", "cpu")
    if cpu is not None and full_wall:
        used = cpu / full_wall
        out.append(f"| uses every core (full build CPU/wall) | {used:.2f} of {CORES} cores | ≥ {CORE_SHARE * CORES:.2f} ({CORE_SHARE:.0%} of {CORES}) | {verdict(used >= CORE_SHARE * CORES)} |")
    per_page = scaling_per_page(scaling)
    if per_page:
        smallest, largest = per_page[0], per_page[-1]
        if smallest[1] and largest[1] and smallest[0] != largest[0]:
            r = largest[1] / smallest[1]
            out.append(f"| linear cost: wall per page at {largest[0]} pages vs {smallest[0]} pages | {r:.2f} × | ≤ {LINEAR_SLACK} × | {verdict(r <= LINEAR_SLACK)} |")
    out.append("")
    # The verdicts above compare medians. This VM's speed drifts between rounds (the floor's own CPU time moves by a
    # quarter), so the ratio within each round, where both tools ran seconds apart, shows how steady it is.
    paired = [(f["wall"], c["wall"]) for f, c in zip(results.get("portico full", []), results.get("cmark-gfm floor", []))
              if f["rc"] == 0 and c["rc"] == 0 and c["wall"]]
    if paired:
        ratios = [f / c for f, c in paired]
        out.append(f"Full build ÷ cmark-gfm floor within each round: {', '.join(f'{r:.2f}' for r in ratios)} "
                   f"(median {statistics.median(ratios):.2f}, worst {max(ratios):.2f}).\n")

    if scaling:
        out.append(f"## Scaling (cold full builds; {getattr(bench, 'scaling_rounds', args.rounds)} round(s) at 1/4 and 1/2)\n")
        out.append("| share | accounts | pages | portico wall s | portico ms/page | portico CPU ms/page | portico max RSS MiB | cmark-gfm floor wall s | floor ms/page |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for accounts in sorted(scaling):
            row = scaling[accounts]
            c = row["corpus"]
            pw, pc, pr = median(row["portico"], "wall"), median(row["portico"], "cpu"), median(row["portico"], "rss")
            cw = median(row["cmark"], "wall")
            out.append(f"| {accounts}/{corpus.accounts} | {accounts} | {c.pages:,} | {fmt(pw)} | {fmt(1000 * pw / c.pages if pw else None, '.3f')} | "
                       f"{fmt(1000 * pc / c.pages if pc else None, '.3f')} | {fmt(pr, '.0f')} | {fmt(cw)} | {fmt(1000 * cw / c.pages if cw else None, '.3f')} |")
        out.append("")

    if preview is not None:
        out += preview_lines(corpus, preview)

    if lists is not None:
        out += lists

    if feedback is not None:
        out.append("## Feedback server load (`tests/feedback/bench_load.py`, release binary)\n")
        out.append("```\n" + feedback + "\n```\n")

    out.append("## Where the time goes\n")
    if profile:
        rows, stages, total, seconds, pcorpus = profile
        out.append(f"`valgrind --tool=callgrind` over one cold `portico build` of a {pcorpus.accounts}-account corpus "
                   f"({pcorpus.pages:,} pages; {seconds:.0f} s under valgrind), `callgrind_annotate --inclusive=yes`, names demangled. "
                   f"Total: {total:,} instructions (Ir). Instruction counts are repeatable; they weigh I/O system calls "
                   f"and lock waits at ~0, so compare with the CPU/wall columns above.\n")
        out.append("### By stage (inclusive Ir of the stage's outermost function; stages nest, so they do not add up)\n")
        out.append("| stage | Ir | share | entry function |")
        out.append("|---|---:|---:|---|")
        for stage, ir, pct, name in stages:
            out.append(f"| {stage} | {ir:,} | {pct:.1f} % | `{short(name, 90)}` |")
        out.append("\n### Top 30 functions, inclusive\n")
        out.append("| Ir | share | function |")
        out.append("|---:|---:|---|")
        for ir, pct, name in rows[:30]:
            cell = short(name).replace("|", "\\|")
            out.append(f"| {ir:,} | {pct:.1f} % | `{cell}` |")
        out.append("")
    else:
        out.append("(profile not run in this invocation)\n")
    out.append(NOTES_BEGIN)
    out.append(previous_notes(args.results) or "### Notes\n\n(hand-written analysis goes here; `bench/run.py` keeps this section across runs)")
    out.append(NOTES_END + "\n")

    out.append("<details><summary>All samples</summary>\n")
    out.append("| run | round | wall s | CPU s | max RSS MiB | rc |")
    out.append("|---|---:|---:|---:|---:|---|")
    for name, samples in results.items():
        for i, s in enumerate(samples):
            out.append(f"| {name} | {i + 1} | {s['wall']:.3f} | {s['cpu']:.2f} | {s['rss']:.0f} | {s['rc']} |")
    for accounts in sorted(scaling or {}):
        if accounts == corpus.accounts:
            continue
        for name in ("portico", "cmark"):
            for i, s in enumerate(scaling[accounts][name]):
                out.append(f"| {name} @{accounts} accounts | {i + 1} | {s['wall']:.3f} | {s['cpu']:.2f} | {s['rss']:.0f} | {s['rc']} |")
    out.append("\n</details>\n")
    return "\n".join(out)


def preview_lines(corpus, preview):
    """The report's preview section."""
    out = []
    out.append("## Preview latency (save one account page → `data: reload` and → the edited page served)\n")
    lat = preview.get("latencies", [])
    if lat:
        out.append(f"`portico preview --content <corpus>/content` on the {corpus.pages:,}-page corpus, {len(lat)} saves "
                   f"(append a sentence to one account page, at a random moment; the preview wakes on inotify):\n")
        served = preview.get("served", [])
        out.append("| | p50 ms | p95 ms | min ms | max ms |")
        out.append("|---|---:|---:|---:|---:|")
        for name, values in (("save → `data: reload`", lat), ("save → edited page served", served)):
            out.append(f"| {name} | {1000 * statistics.median(values):.0f} | {1000 * percentile(values, 95):.0f} | "
                       f"{1000 * min(values):.0f} | {1000 * max(values):.0f} |")
        cpu = preview.get("cpu", [])
        if cpu:
            out.append(f"| the preview's CPU time per save (user + system) | {1000 * statistics.median(cpu):.0f} | "
                       f"{1000 * percentile(cpu, 95):.0f} | {1000 * min(cpu):.0f} | {1000 * max(cpu):.0f} |")
        out.append(f"\nInitial build until serving {fmt(preview.get('startup'), '.1f')} s; preview peak RSS "
                   f"{fmt(preview.get('rss'), '.0f')} MiB; answers that still showed the page before the save: "
                   f"{preview.get('stale', 0)}; load average at the end {' '.join(f'{x:.2f}' for x in preview.get('load', ()))}.")
        if served:
            p50, p95 = statistics.median(served), percentile(served, 95)
            out.append(f"- save → served page p50 {1000 * p50:.0f} ms (target ≤ 200): {verdict(p50 <= 0.2)}; "
                       f"p95 {1000 * p95:.0f} ms (target ≤ 400): {verdict(p95 <= 0.4)}")
    if preview.get("error"):
        out.append(f"\nPreview run failed: `{preview['error']}`")
    out.append("")
    return out


def percentile(values, share):
    """The nearest-rank percentile (`share` in 0…100)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-share * len(ordered) // 100) - 1))] if ordered else None


def scaling_per_page(scaling):
    rows = []
    for accounts in sorted(scaling or {}):
        row = scaling[accounts]
        wall = median(row["portico"], "wall")
        rows.append((row["corpus"].pages, wall / row["corpus"].pages if wall else None))
    return rows


def previous_notes(path):
    if not path:
        return None
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return None
    if NOTES_BEGIN in text and NOTES_END in text:
        return text.split(NOTES_BEGIN, 1)[1].split(NOTES_END, 1)[0].strip()
    return None


def binary_stamp(path):
    try:
        st = os.stat(path)
        return (st.st_size, st.st_mtime_ns)
    except OSError:
        return None


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def memory_gib():
    try:
        kb = int(re.search(r"MemTotal:\s*(\d+)", open("/proc/meminfo").read()).group(1))
        return kb / 1024 / 1024
    except (OSError, AttributeError):
        return 0


def git_rev():
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
        return rev + (" + uncommitted changes" if dirty else "")
    except OSError:
        return "unknown"


def tool_version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return f"{cmd[0]} (not found)"


# ---------------------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds per tool (default 5; --quick: 1)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 1 round on a 1/10 corpus; prints, does not write RESULTS.md")
    parser.add_argument("--portico", default=os.environ.get("PORTICO_BIN", os.path.join(ROOT, ".build-release", "release", "portico")))
    parser.add_argument("--workdir", help="where corpora and outputs go (default: a new temporary folder, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (corpora, outputs, callgrind data)")
    parser.add_argument("--results", default=None, help="the Markdown report (default bench/RESULTS.md; --quick: none)")
    parser.add_argument("--no-fresh-fs", dest="fresh_fs", action="store_false",
                        help="on journal-less ext4, write into the work folder instead of a fresh loop-mounted ext4 per cold run")
    parser.add_argument("--no-scaling", action="store_true")
    parser.add_argument("--no-preview", action="store_true")
    parser.add_argument("--no-feedback", action="store_true")
    parser.add_argument("--no-lists", action="store_true", help="skip the list and search-index step")
    parser.add_argument("--only-lists", action="store_true", help="run only the list and search-index step (prints it)")
    parser.add_argument("--only-preview", action="store_true",
                        help="run only the preview latency step on the full corpus (--preview-trials saves; prints it)")
    parser.add_argument("--only-console", action="store_true",
                        help="run only bench/console_bench.py (console pages and engagement ingest, issue 15); prints it, appends to --results if given")
    parser.add_argument("--profile", dest="profile", action="store_true", default=None, help="run the callgrind profile (default: on, off with --quick)")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--profile-accounts", type=int, default=None, help="accounts in the profiled corpus (default 10, i.e. 1/10)")
    parser.add_argument("--scaling-rounds", type=int, default=None,
                        help="rounds at 1/4 and 1/2 (default: --rounds, or 1 while a full build takes over 30 s)")
    parser.add_argument("--preview-trials", type=int, default=5)
    parser.add_argument("--feedback-requests", type=int, default=None, help="requests per endpoint (default 5000; --quick: 500)")
    args = parser.parse_args()
    if args.only_console:
        command = [sys.executable, os.path.join(ROOT, "bench", "console_bench.py"), "--portico", args.portico]
        sys.exit(subprocess.run(command + (["--results", args.results] if args.results else [])).returncode)
    args.rounds = args.rounds or (1 if args.quick else 5)
    args.profile = (not args.quick) if args.profile is None else args.profile
    args.feedback_requests = args.feedback_requests or (500 if args.quick else 5000)
    base = FULL_ACCOUNTS // 10 if args.quick else FULL_ACCOUNTS
    if args.results is None and not args.quick:
        args.results = os.path.join(ROOT, "bench", "RESULTS.md")

    missing = [t for t in ("/usr/bin/time", "hugo", "cmark-gfm") if not shutil.which(t)]
    if args.profile:
        missing += [t for t in ("valgrind", "callgrind_annotate") if not shutil.which(t)]
    if missing:
        sys.exit(f"missing: {', '.join(missing)} (run scripts/install-deps.sh bench)")
    if not os.access(args.portico, os.X_OK):
        sys.exit(f"no portico binary at {args.portico} (build it: swift build -c release --product portico --build-path .build-release)")
    if not os.path.exists(GENERATOR):
        sys.exit(f"no corpus generator at {GENERATOR} (set PORTICO_BENCH_GENERATOR)")

    work = os.path.abspath(args.workdir) if args.workdir else tempfile.mkdtemp(prefix="portico-bench-")
    os.makedirs(work, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    log(f"work folder {work}; {CORES} cores; portico {args.portico}; {args.rounds} rounds")
    bench = Bench(args, work)
    stamp = binary_stamp(args.portico)
    if args.only_preview:
        try:
            corpus = Corpus(os.path.join(work, f"corpus-{base}"), base)
            log(f"preview latency ({args.preview_trials} saves)")
            preview = bench.preview(corpus, args.preview_trials)
            print("\n".join(preview_lines(corpus, preview)))
        finally:
            if not (args.keep or args.workdir):
                shutil.rmtree(work, ignore_errors=True)
        return
    if args.only_lists:
        try:
            corpus = Corpus(os.path.join(work, f"corpus-{base}"), base)
            print("\n".join(bench.lists(corpus)))
        finally:
            if not (args.keep or args.workdir):
                shutil.rmtree(work, ignore_errors=True)
        return
    try:
        corpus = Corpus(os.path.join(work, f"corpus-{base}"), base, hugo=True)
        results = bench.main_rounds(corpus)
        rmtree(os.path.join(bench.outroot, "out-hugo"))
        rmtree(os.path.join(work, "out-cmark"))
        scaling = None
        if not args.no_scaling:
            smaller = [Corpus(os.path.join(work, f"corpus-{a}"), a) for a in sorted({max(1, base // 4), max(1, base // 2)} - {base})]
            scaling = bench.scaling(smaller, corpus, results)
        rmtree(bench.portico_out(corpus))
        preview = None
        if not args.no_preview:
            log(f"preview latency ({args.preview_trials} saves)")
            preview = bench.preview(corpus, args.preview_trials)
        lists = None if args.no_lists else bench.lists(corpus)
        feedback = None
        if not args.no_feedback:
            log(f"feedback load run ({args.feedback_requests} requests per endpoint)")
            feedback = bench.feedback()
            print(feedback, flush=True)
        profile = None
        if args.profile:
            if not args.profile_accounts:
                # 1/10 of the corpus, fewer while builds are slow: callgrind runs ~110x the native CPU time and
                # should stay within ~4 minutes.
                cpu = median(results["portico full"], "cpu")
                per_account = (cpu / corpus.accounts) if cpu else 0
                args.profile_accounts = max(1, min(FULL_ACCOUNTS // 10, int(240 / (110 * per_account)) if per_account else 10))
            pcorpus = corpus if corpus.accounts == args.profile_accounts else \
                (scaling or {}).get(args.profile_accounts, {}).get("corpus") or \
                Corpus(os.path.join(work, f"corpus-{args.profile_accounts}"), args.profile_accounts)
            log(f"callgrind profile of a cold build, {pcorpus.pages} pages (slow under valgrind)")
            try:
                profile = bench.profile(pcorpus) + (pcorpus,)
            except Exception as error:  # noqa: BLE001 - report, keep the rest
                log(f"profile failed: {error}")
        finished = datetime.datetime.now(datetime.timezone.utc)
        if binary_stamp(args.portico) != stamp:
            bench.binary_changed = True
            log("warning: the portico binary changed during the run")
        text = report(args, bench, corpus, results, scaling, preview, feedback, profile, started, finished, lists)
        print("\n" + text)
        if args.results:
            with open(args.results, "w", encoding="utf-8") as f:
                f.write(text)
            log(f"wrote {args.results}")
    finally:
        bench.unmount()
        if args.keep or args.workdir:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
