#!/usr/bin/env python3
"""Console page times and engagement ingest at scale (issue 15): 100 accounts × 200 viewers × 100,000 reading
events, target p95 ≤ 100 ms per console page; then accepted reading batches per second at 64 connections beside
/healthz, against the same server and database (wrk, as bench/ingest_bench.py does).

  python3 bench/console_bench.py [--portico BIN] [--requests 50] [--ingest-seconds 15] [--results bench/RESULTS.md]

Steps: gen_corpus.py (100 accounts; each account's viewers replaced by v001…v200; portal.yml gets reading on, an
admin and one account's SME as staff, and feedback.endpoint on the port the server will use) → one gated build
(PORTICO_SECRET = the test secret, so the signing helpers of tests/feedback apply) → `portico serve` once to create
the schema → sqlite3 inserts of the reading events (spread over the last 60 days, real page paths of the built
site), feedback and workshop requests → `portico serve` again (without the secret), sign in with the links
`portico token issue --staff` prints, and time each page sequentially over one keep-alive connection.
Standard library plus what tests/feedback/portico_client.py needs (cryptography, PyYAML); wrk for the ingest part.
"""
import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import ingest_bench  # noqa: E402  (its body writer, wrk runner and summary; puts tests/feedback on sys.path)
from portico_client import SECRET_HEX, account_path, hkdf, key_check, nonce  # noqa: E402

GENERATOR = os.environ.get("PORTICO_BENCH_GENERATOR", os.path.join(os.path.dirname(ROOT), "shared", "bench", "gen_corpus.py"))
TARGET_P95_MS = 100.0
ADMIN, SME = "bench-admin", "sme-0000"
WORKSHOP_STATES = ["requested", "scheduled", "held", "poc-proposed", "won", "lost", "closed"]


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sql_time(moment):
    """How GRDB stores a Date: UTC text with milliseconds."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def make_content(work, accounts, viewers, port):
    subprocess.run([sys.executable, GENERATOR, "--out", work, "--accounts", str(accounts)], check=True, capture_output=True)
    content = os.path.join(work, "content")
    for slug in sorted(os.listdir(os.path.join(content, "accounts"))):
        path = os.path.join(content, "accounts", slug, "account.yml")
        text = open(path, encoding="utf-8").read()
        listed = "viewers:\n" + "".join(f"  - id: v{i:03d}\n    email: v{i:03d}@{slug}.example.com\n" for i in range(1, viewers + 1))
        text, replaced = re.subn(r"viewers:\n(?:  .*\n)+", lambda _: listed, text)
        if replaced != 1:
            sys.exit(f"{path}: no viewers list to replace (did gen_corpus.py change?)")
        open(path, "w", encoding="utf-8").write(text)
    with open(os.path.join(content, "portal.yml"), "w", encoding="utf-8") as f:
        f.write(f"""title: Benchmark Portals
base_url: https://portals.example.com
feedback:
  endpoint: http://127.0.0.1:{port}/v1/feedback
engagement:
  reading: true
  retention_days: 365
staff:
  - id: {ADMIN}
    name: Bench Admin
    email: admin@vendor.example.com
    role: admin
    accounts: all
  - id: {SME}
    name: SME 0
    email: sme0@vendor.example.com
    role: sme
    accounts: [account-0000]
""")
    return content


def article_pages(site, slugs):
    """Per account slug: the article pages of its built site, relative to the account root."""
    pages = {}
    for slug in slugs:
        root = os.path.join(site, account_path(slug))
        found = []
        for kind in ("insights", "solutions", "case-studies"):
            for name in sorted(os.listdir(os.path.join(root, kind))):
                if name != "tags" and os.path.isfile(os.path.join(root, kind, name, "index.html")):
                    found.append(f"{kind}/{name}/index.html")
        if not found:
            sys.exit(f"no article pages under {root}")
        pages[slug] = found
    return pages


def seed(db, slugs, viewers, pages, events, submissions, workshops, now):
    """Reading events over the last 60 days (the last tenth of the accounts quiet for the last 30), feedback and
    workshop requests over the same 60 days, each with its `created` history row; a tenth assigned to the admin."""
    rng = random.Random(15)
    day = 86_400
    quiet = set(slugs[-max(1, len(slugs) // 10):])

    def viewer():
        return f"v{rng.randint(1, viewers):03d}"

    def moment(oldest_days, newest_days=0):
        return now - datetime.timedelta(seconds=rng.uniform(newest_days * day, oldest_days * day))

    rows = []
    for _ in range(events):
        slug = rng.choice(slugs)
        started = moment(60, 31 if slug in quiet else 0)
        active = rng.randint(5, 600)
        rows.append((sql_time(started + datetime.timedelta(seconds=active + rng.randint(1, 30))), slug, viewer(),
                     rng.choice(pages[slug]), sql_time(started), active, rng.randint(0, 100)))
    con = sqlite3.connect(db)
    with con:
        con.executemany("""INSERT INTO reading_event (received_at, account_slug, viewer, page, kind, started_at, active_seconds,
                           scroll_percent, file) VALUES (?, ?, ?, ?, 'view', ?, ?, ?, NULL)""", rows)
        for i in range(submissions):
            slug = slugs[i % len(slugs)]
            received = moment(60, 31 if slug in quiet else 0)
            number = int(slug.rsplit("-", 1)[1])
            fields = json.dumps({"rating": rng.randint(1, 5), "message": f"Bench feedback {i}", "workshop": False}, separators=(",", ":"))
            roll = rng.random()
            status = "open" if roll < 0.7 else "resolved" if roll < 0.95 else "spam"
            cur = con.execute("""INSERT INTO submission (received_at, account_slug, account_path, page, viewer, nonce, sent_at, fields, body,
                                 sme_name, sme_email, status, assignee, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                              (sql_time(received), slug, account_path(slug), rng.choice(pages[slug]), viewer(), nonce(),
                               int(received.timestamp()), fields, fields.encode(), f"SME {number}", f"sme{number}@vendor.example.com",
                               status, ADMIN if rng.random() < 0.1 else None, sql_time(received)))
            con.execute("INSERT INTO follow_up_event (item_kind, item_id, at, actor, action, to_value) VALUES ('feedback', ?, ?, 'reader', 'created', ?)",
                        (cur.lastrowid, sql_time(received), status))
        for i in range(workshops):
            slug = slugs[i % len(slugs)]
            received = moment(60, 31 if slug in quiet else 0)
            number = int(slug.rsplit("-", 1)[1])
            state = WORKSHOP_STATES[i % len(WORKSHOP_STATES)]
            scheduled = (received + datetime.timedelta(days=14)).strftime("%Y-%m-%d") if state != "requested" else None
            cur = con.execute("""INSERT INTO workshop_request (received_at, account_slug, account_path, viewer, page, nonce, topic,
                                 preferred_weeks, participants, notes, sme_name, sme_email, assignee, state, scheduled_for, updated_at)
                                 VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                              (sql_time(received), slug, account_path(slug), viewer(), rng.choice(pages[slug]), nonce(),
                               f"Bench workshop {i}", "2027-W02", rng.randint(2, 12), "", f"SME {number}", f"sme{number}@vendor.example.com",
                               ADMIN if rng.random() < 0.1 else None, state, scheduled, sql_time(received)))
            con.execute("INSERT INTO follow_up_event (item_kind, item_id, at, actor, action, to_value) VALUES ('workshop', ?, ?, 'reader', 'created', 'requested')",
                        (cur.lastrowid, sql_time(received)))
    first = {kind: con.execute(f"SELECT MIN(id) FROM {table} WHERE account_slug = 'account-0000'").fetchone()[0]
             for kind, table in (("feedback", "submission"), ("workshop", "workshop_request"))}
    con.close()
    return first


class Serve:
    def __init__(self, portico, content, keys, db, port, log_path):
        env = {k: v for k, v in os.environ.items() if k not in ("PORTICO_SECRET", "PORTICO_TODAY")}
        with open(log_path, "a") as err:
            self.process = subprocess.Popen([portico, "serve", "--content", content, "--server-keys", keys, "--db", db,
                                             "--host", "127.0.0.1", "--port", str(port), "--viewer-limit", "1000000000",
                                             "--ip-limit", "1000000000", "--reading-limit", "1000000000"],
                                            env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        line = self.process.stdout.readline()
        if f":{port}" not in line:
            self.stop()
            sys.exit(f"portico serve did not start: {line!r} (see {log_path})")
        self.port = port

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def sign_in(portico, content, env, staff, port):
    link = subprocess.run([portico, "token", "issue", "--staff", staff, "--content", content], env=env,
                          capture_output=True, text=True, check=True).stdout
    found = re.search(r"(http://127\.0\.0\.1:(\d+))/console/sign-in\?t=(\S+)", link)
    if not found or int(found.group(2)) != port:
        sys.exit(f"unexpected sign-in link for {staff}: {link!r}")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/console/sign-in", body=urllib.parse.urlencode({"t": found.group(3)}),
                 headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": found.group(1)})
    response = conn.getresponse()
    response.read()
    cookie = response.getheader("Set-Cookie") or ""
    conn.close()
    if response.status != 303 or "portico_console=" not in cookie:
        sys.exit(f"sign-in as {staff} answered {response.status} with cookie {cookie!r}")
    return cookie.split(";", 1)[0]


def percentile(sorted_values, fraction):
    """Nearest rank."""
    return sorted_values[max(0, min(len(sorted_values) - 1, int(-(-fraction * len(sorted_values) // 1)) - 1))]


def time_page(port, cookie, path, warmup, requests, check):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    samples, body = [], b""
    for i in range(warmup + requests):
        start = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            sys.exit(f"GET {path} answered {response.status}: {body[:300]!r}")
        if i >= warmup:
            samples.append(elapsed)
    conn.close()
    problem = check(body.decode("utf-8", "replace"))
    if problem:
        sys.exit(f"GET {path}: {problem}")
    samples.sort()
    return {"p50": percentile(samples, 0.5), "p95": percentile(samples, 0.95), "max": samples[-1], "bytes": len(body)}


def ingest(port, content, slugs, viewers, pages, seconds, count, work):
    """ingest_bench's wrk runs, with bodies signed for this corpus's accounts and viewers."""
    keys, now = {}, int(time.time())
    lines = os.path.join(work, "bodies.txt")
    checks = {slug: key_check(slug, content=content, today=datetime.date.today().isoformat()) for slug in slugs}
    with open(lines, "w") as f:
        for i in range(count):
            slug, viewer = slugs[i % len(slugs)], f"v{(i // len(slugs)) % viewers + 1:03d}"
            if (slug, viewer) not in keys:
                token = hkdf(hkdf(bytes.fromhex(SECRET_HEX), "account\0" + slug, 32), f"token\0{viewer}\0{1}", 16)
                keys[slug, viewer] = hkdf(token, "feedback\0" + checks[slug], 32)
            f.write(ingest_bench.engagement_line(keys[slug, viewer], account_path(slug), viewer, pages[slug][i % len(pages[slug])], now, i) + "\n")
    base = f"http://127.0.0.1:{port}"
    load = ingest_bench.start_wrk(base + "/v1/engagement", seconds, bodies=lines, content_type="text/plain;charset=UTF-8")
    health = subprocess.Popen(["wrk", "--latency", "-t", "1", "-c", "4", "-d", f"{seconds}s", base + "/healthz"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return ingest_bench.summary(load.communicate()[0]), ingest_bench.summary(health.communicate()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--portico", default=os.environ.get("PORTICO_BIN", os.path.join(ROOT, ".build", "debug", "portico")))
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--viewers", type=int, default=200, help="viewers per account")
    parser.add_argument("--events", type=int, default=100_000, help="reading events in the database")
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--workshops", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--ingest-seconds", type=int, default=15, help="0 skips the ingest part")
    parser.add_argument("--results", help="append the table to this Markdown file (e.g. bench/RESULTS.md)")
    parser.add_argument("--workdir", help="work here and keep it (default: a temporary folder, removed afterwards)")
    a = parser.parse_args()
    if a.ingest_seconds and not shutil.which("wrk"):
        sys.exit("wrk is missing (apt-get install -y wrk), or pass --ingest-seconds 0")
    if not os.access(a.portico, os.X_OK):
        sys.exit(f"no portico binary at {a.portico} (set PORTICO_BIN or --portico)")
    if not os.path.exists(GENERATOR):
        sys.exit(f"no corpus generator at {GENERATOR} (set PORTICO_BENCH_GENERATOR)")

    started = datetime.datetime.now(datetime.timezone.utc)
    work = os.path.abspath(a.workdir) if a.workdir else tempfile.mkdtemp(prefix="portico-console-bench-")
    os.makedirs(work, exist_ok=True)
    server = None
    try:
        port = free_port()
        log(f"corpus: {a.accounts} accounts × {a.viewers} viewers in {work}")
        content = make_content(work, a.accounts, a.viewers, port)
        slugs = sorted(os.listdir(os.path.join(content, "accounts")))
        site, keys, db = os.path.join(work, "site"), os.path.join(work, "server-keys"), os.path.join(work, "console.sqlite")
        env = {**{k: v for k, v in os.environ.items() if k != "PORTICO_TODAY"}, "PORTICO_SECRET": SECRET_HEX}
        log("gated build (one, not timed for the report)")
        t0 = time.monotonic()
        built = subprocess.run([a.portico, "build", "--content", content, "--out", site, "--server-keys", keys], env=env,
                               capture_output=True, text=True)
        if built.returncode != 0:
            sys.exit(f"portico build exited {built.returncode}:\n{built.stderr[-3000:]}")
        build_seconds = time.monotonic() - t0
        pages = article_pages(site, slugs)
        serve_log = os.path.join(work, "serve.log")
        Serve(a.portico, content, keys, db, port, serve_log).stop()  # creates the schema
        log(f"build {build_seconds:.0f} s; seeding {a.events:,} reading events, {a.submissions:,} feedback, {a.workshops:,} workshop requests")
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        first = seed(db, slugs, a.viewers, pages, a.events, a.submissions, a.workshops, now)
        server = Serve(a.portico, content, keys, db, port, serve_log)
        admin, sme = sign_in(a.portico, content, env, ADMIN, port), sign_in(a.portico, content, env, SME, port)

        def rows(expected):
            return lambda html: None if html.count('href="/console/accounts/') >= expected else f"fewer than {expected} account links"

        def readers(html):
            return None if all(f"v{i:03d}" in html for i in (1, a.viewers)) else "viewers missing"

        def anything(_):
            return None

        targets = [
            (f"accounts overview (admin, {a.accounts} accounts)", admin, "/console", rows(a.accounts)),
            ("accounts overview sorted by minutes", admin, "/console?sort=minutes", rows(a.accounts)),
            ("accounts overview (SME, 1 account)", sme, "/console", rows(1)),
            ("account page account-0000", admin, "/console/accounts/account-0000", readers),
            ("inbox (admin)", admin, "/console/inbox", anything),
            ("inbox (SME)", sme, "/console/inbox", anything),
            (f"feedback item #{first['feedback']}", admin, f"/console/items/feedback/{first['feedback']}", anything),
            (f"workshop item #{first['workshop']}", admin, f"/console/items/workshop/{first['workshop']}", anything),
        ]
        results = []
        for label, cookie, path, check in targets:
            log(f"timing {path} ({a.warmup} warm-ups, {a.requests} timed)")
            results.append((label, path, time_page(port, cookie, path, a.warmup, a.requests, check)))
        ingest_result = None
        if a.ingest_seconds:
            before = sqlite3.connect(db).execute("SELECT COUNT(*) FROM reading_event").fetchone()[0]
            log(f"ingest: wrk -c64 on /v1/engagement with -c4 on /healthz for {a.ingest_seconds} s")
            load, health = ingest(port, content, slugs, a.viewers, pages, a.ingest_seconds, max(20_000, 2_000 * a.ingest_seconds), work)
            accepted = sqlite3.connect(db).execute("SELECT COUNT(*) FROM reading_event").fetchone()[0] - before
            ingest_result = (load, health, accepted)
        server.stop()
        server = None
        finished = datetime.datetime.now(datetime.timezone.utc)
        text = report(a, results, ingest_result, build_seconds, started, finished, " ".join([os.path.basename(sys.argv[0])] + sys.argv[1:]))
        print(text)
        if a.results:
            with open(a.results, "a", encoding="utf-8") as f:
                f.write("\n" + text)
            log(f"appended to {a.results}")
        if any(r["p95"] > TARGET_P95_MS for _, _, r in results):
            sys.exit(1)
    finally:
        if server:
            server.stop()
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)


def report(a, results, ingest_result, build_seconds, started, finished, command):
    load = os.popen("cat /proc/loadavg").read().split()[:3]
    out = ["## Console and ingest (issue 15)", "",
           f"`python3 bench/{command}` on {started:%Y-%m-%d %H:%M} UTC ({(finished - started).total_seconds() / 60:.1f} min); binary "
           f"`{a.portico}` ({'debug' if '/debug/' in a.portico else 'release' if '/release/' in a.portico else 'unknown'} build); "
           f"{os.cpu_count()} CPUs, load average {' '.join(load)} at the end (other work was running on this machine).",
           "",
           f"Data: {a.accounts} accounts × {a.viewers} viewers, {a.events:,} reading events over the last 60 days (the last tenth "
           f"of the accounts quiet for 30 days), {a.submissions:,} feedback and {a.workshops:,} workshop requests; the gated build "
           f"of the corpus took {build_seconds:.0f} s. Each page: {a.warmup} warm-ups, then {a.requests} sequential GETs over one "
           f"keep-alive connection, timed from request to last byte in Python. Target: p95 ≤ {TARGET_P95_MS:.0f} ms.",
           "",
           "| page | path | p50 ms | p95 ms | max ms | bytes | p95 ≤ 100 ms |",
           "|---|---|---:|---:|---:|---:|---|"]
    for label, path, r in results:
        out.append(f"| {label} | `{path}` | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {r['bytes']:,} | "
                   f"{'PASS' if r['p95'] <= TARGET_P95_MS else 'FAIL'} |")
    if ingest_result:
        load, health, accepted = ingest_result
        out += ["", f"Ingest beside `/healthz`, same server and database, {a.ingest_seconds} s: wrk -t{ingest_bench.THREADS} -c64 "
                    "posting pre-signed one-view batches (each once; bodies for all accounts and viewers) while wrk -t1 -c4 "
                    "loads `/healthz` (`bench/ingest.lua`, the runner of `bench/ingest_bench.py`).", "",
                "| load | requests/s | p50 | p99 | non-2xx |", "|---|---:|---:|---:|---:|",
                f"| `POST /v1/engagement` | {load['rps']:,.0f} | {load['p50']} | {load['p99']} | {load['non2xx']} |",
                f"| `GET /healthz` beside it | {health['rps']:,.0f} | {health['p50']} | {health['p99']} | {health['non2xx']} |",
                "", f"Accepted: {accepted:,} batches committed = {accepted / a.ingest_seconds:.0f} events/s."]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
