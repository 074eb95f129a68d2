#!/usr/bin/env python3
"""First open of a gated article in headless Chromium, against the same article built `--unencrypted`.

  python3 bench/first_open.py                          # 15 fresh browser starts per variant, prints the table
  python3 bench/first_open.py --trials 25 --results bench/RESULTS.md   # also writes its section into RESULTS.md
  python3 bench/first_open.py --portico PATH           # the binary (default $PORTICO_BIN, else .build/debug/portico)

The demo content (content/) is built twice with a fixed secret and date: gated, and `--unencrypted`. A local
server serves each build with the gated build's `_headers` as Netlify reads it (a later matching rule's header
replaces an earlier one's: pages `no-cache`, `/_portico/*` cached for 300 s), the unencrypted build with the same
Cache-Control, so both variants get the same caching. Each trial starts a fresh Chromium (new profile: nothing cached, no session)
and, alternating gated and unencrypted:
  1. first open: the magic link straight onto an article (gated: `<article URL>#k=<token>`; unencrypted: the URL);
  2. next article: a navigation in the same tab to another article (gated: opened by the stored session).
Time: navigation start (the document's time origin) → the article's text in the DOM (a MutationObserver added
before any page script sees the last paragraph of the article inside <main>). Also kept per trial: the
navigation's response end, when the stylesheet and gate.js arrived, and the gate's own performance marks
(`portico:*`), whose medians explain where the time goes. No timed assertion anywhere: figures only.
"""
import argparse
import datetime
import fnmatch
import functools
import html
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "browser"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import portico_testlib as T  # noqa: E402  (Chromium flags, _headers parsing)

CONTENT = os.path.join(ROOT, "content")
SECRET = bytes(range(0xA0, 0xC0)).hex()
TODAY = "2026-11-01"
ACCOUNT, VIEWER = "bank", "m-alvarez"
FIRST = "insights/instant-payments-review/"
NEXT = "insights/real-time-payments/"
BEGIN, END = "<!-- first-open:begin -->", "<!-- first-open:end -->"
TARGET_FIRST_MS, TARGET_NEXT_MS = 50, 20

# Runs before any script of every document: records when the article's last paragraph is in the DOM.
PROBE = """
window.__porticoText = null;
(function () {
  var want = %s;
  function check() {
    if (window.__porticoText !== null) return;
    var m = document.getElementById('main');
    if (m && m.textContent.indexOf(want[location.pathname.split('/').slice(-3, -1).join('/')] || '\\u0000') >= 0) {
      window.__porticoText = performance.now();
      performance.mark('probe:text');   // in the trace too (--trace)
      obs.disconnect();
    }
  }
  var obs = new MutationObserver(check);
  obs.observe(document, { childList: true, subtree: true, characterData: true });
})();
"""

TIMINGS_JS = """
var nav = performance.getEntriesByType('navigation')[0] || {}, out = { text: window.__porticoText,
  responseEnd: nav.responseEnd, domInteractive: nav.domInteractive, dcl: nav.domContentLoadedEventStart };
performance.getEntriesByType('resource').forEach(function (r) {
  var n = r.name.split('/').pop();
  if (n !== 'portico.css' && n !== 'gate.js') return;
  if (out[n + ' start'] !== undefined) n += ' again';   // fetched a second time after the swap
  out[n + ' start'] = r.startTime; out[n + ' end'] = r.responseEnd;
});
performance.getEntriesByType('paint').forEach(function (p) { out[p.name] = p.startTime; });
performance.getEntriesByType('mark').forEach(function (m) { if (m.name.indexOf('portico:') === 0) out[m.name] = m.startTime; });
return out;
"""

SETTLED_JS = ("return document.readyState === 'complete' && (!performance.getEntriesByName('portico:swapped').length"
              " || performance.getEntriesByName('portico:stored').length > 0)")


def log(message):
    print(f"[first-open {time.strftime('%H:%M:%S')}] {message}", flush=True)


def last_paragraph(page_html):
    """The first 60 characters of the article's last paragraph: the text the probe waits for."""
    article = re.search(r'<article class="pt-article.*?</article>', page_html, re.S).group(0)
    paragraphs = [html.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in re.findall(r"<p[^>]*>(.*?)</p>", article, re.S)]
    return [p for p in paragraphs if len(p) > 40][-1][:60]


class Site:
    """One build served on 127.0.0.1 with the gated build's headers."""

    def __init__(self, folder, rules):
        handler = type("H", (_Handler,), {"rules": rules})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=folder))
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = "http://127.0.0.1:%d/" % self.httpd.server_address[1]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as any real host
    rules = ()

    def log_message(self, *args):
        pass

    def end_headers(self):
        path, chosen = self.path.split("?", 1)[0], {}
        for pattern, headers in self.rules:   # as Netlify: a later matching rule's header replaces an earlier one's
            if fnmatch.fnmatchcase(path, pattern):
                chosen.update({name.lower(): (name, value) for name, value in headers})
        for name, value in chosen.values():
            self.send_header(name, value)
        super().end_headers()


def build(binary, out, extra):
    env = dict(os.environ, PORTICO_SECRET=SECRET, PORTICO_TODAY=TODAY)
    subprocess.run([binary, "build", "--content", CONTENT, "--out", out, *extra], env=env, check=True,
                   capture_output=True, timeout=600)
    return env


def magic_fragment(binary, env):
    out = subprocess.run([binary, "token", "issue", "--content", CONTENT, ACCOUNT, VIEWER], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    match = re.search(r"https?://[^\s]*/([^/\s]+)/#(k=[A-Za-z0-9_-]+)", out)
    return match.group(1), match.group(2)


def wait(driver, what, timeout=30):
    return T.wait_for(driver, lambda d: d.execute_script("return window.__porticoText"), timeout, what)


def trial(gated_url, plain_url, fragment, probe, order):
    """One fresh Chromium per variant; returns {variant: {'first': timings, 'next': timings}}."""
    out = {}
    for variant in order:
        driver = T.chromium()
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": probe})
            base = gated_url if variant == "gated" else plain_url
            driver.get(base + FIRST + ("#" + fragment if variant == "gated" else ""))
            wait(driver, variant + " first open")
            first = driver.execute_script(TIMINGS_JS)
            # as a reader would before clicking on: the page loaded, the gate's bookkeeping done
            T.wait_for(driver, lambda d: d.execute_script(SETTLED_JS), 30, variant + " page to settle")
            driver.get(base + NEXT)
            wait(driver, variant + " next article")
            out[variant] = {"first": first, "next": driver.execute_script(TIMINGS_JS)}
        finally:
            driver.quit()
    return out


def traced_trial(gated_url, plain_url, fragment, probe, folder):
    """One trial of each variant under Chrome's trace; prints where the main thread's time goes."""
    import first_open_trace as FT
    for variant in ("gated", "plain"):
        driver = T.chromium()
        tracer = FT.Tracer(driver)
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": probe})
            base = gated_url if variant == "gated" else plain_url
            # a renderer started during a trace joins it late (its first ~100 ms are missing): start the site's renderer
            # first, on a file of no account (no key store, no session, nothing of the page cached)
            driver.get(base.split("/", 3)[0] + "//" + base.split("/", 3)[2] + "/robots.txt")
            for step, page in (("first", FIRST), ("next", NEXT)):
                tracer.start()
                driver.get(base + page + ("#" + fragment if variant == "gated" and step == "first" else ""))
                wait(driver, variant + " " + step)
                events = tracer.stop()
                FT.save(folder, variant + "-" + step, events)
                print("\n".join(FT.summary(events, variant + " " + step)), flush=True)
                if step == "first":
                    T.wait_for(driver, lambda d: d.execute_script(SETTLED_JS), 30, variant + " page to settle")
        finally:
            tracer.close()
            driver.quit()


def med(rows, variant, step, key):
    values = [r[variant][step][key] for r in rows if r[variant][step].get(key) is not None]
    return statistics.median(values) if values else None


def fmt(value):
    return "—" if value is None else f"{value:.0f}"


def report(rows, trials, binary, note):
    first_g, first_p = med(rows, "gated", "first", "text"), med(rows, "plain", "first", "text")
    next_g, next_p = med(rows, "gated", "next", "text"), med(rows, "plain", "next", "text")

    def spread(variant, step):
        values = [r[variant][step]["text"] for r in rows]
        return f"{min(values):.0f}–{max(values):.0f}"

    def verdict(delta, target):
        return "PASS" if delta <= target else "FAIL"

    lines = [
        "## First open of a gated article (issue 17)\n",
        f"`python3 bench/first_open.py --trials {trials}` on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"binary `{binary}`; {note}. Demo content, account `{ACCOUNT}`, first `{FIRST}` via the magic link, then "
        f"`{NEXT}` in the same tab; {trials} fresh headless Chromium starts per variant, alternating; navigation start → "
        "the article's last paragraph in the DOM (median ms, min–max).\n",
        "| step | gated | unencrypted | gated − unencrypted | target | |",
        "|---|---:|---:|---:|---:|---|",
        f"| first open (magic link) | {first_g:.0f} ({spread('gated', 'first')}) | {first_p:.0f} ({spread('plain', 'first')}) | "
        f"{first_g - first_p:+.0f} | ≤ +{TARGET_FIRST_MS} | {verdict(first_g - first_p, TARGET_FIRST_MS)} |",
        f"| next article (stored session) | {next_g:.0f} ({spread('gated', 'next')}) | {next_p:.0f} ({spread('plain', 'next')}) | "
        f"{next_g - next_p:+.0f} | ≤ +{TARGET_NEXT_MS} | {verdict(next_g - next_p, TARGET_NEXT_MS)} |",
        "",
        "Where the time goes (medians, ms from navigation start; `portico:*` are gate.js's performance marks):\n",
    ]
    keys = []
    for r in rows:
        for variant in ("gated", "plain"):
            for step in ("first", "next"):
                keys += [k for k in r[variant][step] if k not in keys]
    order = ["responseEnd", "portico.css start", "portico.css end", "gate.js start", "gate.js end", "domInteractive",
             "portico.css again start", "portico.css again end"]
    marks = sorted((k for k in keys if k.startswith("portico:")), key=lambda k: med(rows, "gated", "first", k) or 1e9)
    keys = [k for k in order if k in keys] + marks + ["dcl", "text", "first-contentful-paint"]
    lines.append("| event | gated first | unencrypted first | gated next | unencrypted next |")
    lines.append("|---|---:|---:|---:|---:|")
    for k in keys:
        lines.append(f"| {k} | {fmt(med(rows, 'gated', 'first', k))} | {fmt(med(rows, 'plain', 'first', k))} | "
                     f"{fmt(med(rows, 'gated', 'next', k))} | {fmt(med(rows, 'plain', 'next', k))} |")
    lines.append("")
    return lines


def write_results(path, lines):
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    block = BEGIN + "\n" + "\n".join(lines) + "\n" + END
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--portico", default=os.environ.get("PORTICO_BIN", os.path.join(ROOT, ".build", "debug", "portico")))
    parser.add_argument("--trials", type=int, default=15, help="fresh browser starts per variant (default 15)")
    parser.add_argument("--results", help="write the section into this Markdown file (between first-open markers)")
    parser.add_argument("--trace", metavar="DIR", help="one traced trial per variant instead: Chrome traces into DIR, summaries printed")
    parser.add_argument("--note", default="", help="a remark for the report line (e.g. the commit measured)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="portico-first-open-")
    sites = []
    try:
        gated, plain = os.path.join(work, "gated"), os.path.join(work, "plain")
        env = build(args.portico, gated, [])
        build(args.portico, plain, ["--unencrypted"])
        path, fragment = magic_fragment(args.portico, env)
        rules = T.parse_headers_file(os.path.join(gated, "_headers"))
        plain_rules = [(p, [(k, v) for k, v in hs if k.lower() == "cache-control"]) for p, hs in rules]
        sites = [Site(gated, rules), Site(plain, plain_rules)]
        want = {}
        for page in (FIRST, NEXT):
            with open(os.path.join(plain, ACCOUNT, page, "index.html"), encoding="utf-8") as f:
                want[page.strip("/")] = last_paragraph(f.read())
        probe = PROBE % json.dumps(want)
        gated_url, plain_url = sites[0].base + path + "/", sites[1].base + ACCOUNT + "/"
        if args.trace:
            os.makedirs(args.trace, exist_ok=True)
            traced_trial(gated_url, plain_url, fragment, probe, args.trace)
            return
        rows = []
        for i in range(args.trials):
            order = ("gated", "plain") if i % 2 == 0 else ("plain", "gated")
            rows.append(trial(gated_url, plain_url, fragment, probe, order))
            r = rows[-1]
            log(f"trial {i + 1}/{args.trials}: gated {r['gated']['first']['text']:.0f} / {r['gated']['next']['text']:.0f} ms, "
                f"unencrypted {r['plain']['first']['text']:.0f} / {r['plain']['next']['text']:.0f} ms (first / next)")
        load = os.getloadavg()
        note = args.note or f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end"
        lines = report(rows, args.trials, args.portico, note)
        print("\n".join(lines))
        if args.results:
            write_results(args.results, lines)
            log(f"wrote {args.results}")
    finally:
        for s in sites:
            s.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
