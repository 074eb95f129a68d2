#!/usr/bin/env python3
"""First open of a gated article in headless Chromium, against the same article built `--unencrypted`.

  python3 bench/first_open.py                          # 15 fresh browser starts per variant, prints the table
  python3 bench/first_open.py --trials 25 --results bench/RESULTS.md   # also writes its section into RESULTS.md
  python3 bench/first_open.py --portico PATH           # the binary (default $PORTICO_BIN, else .build/debug/portico)
  python3 bench/first_open.py --old-gate OLD.js        # A/B: also a gated build whose pages carry OLD.js ("gated-old")

The demo content (content/) is built twice with a fixed secret and date: gated, and `--unencrypted`. A local
server serves each build with the gated build's `_headers` as Netlify reads it (a later matching rule's header
replaces an earlier one's: pages `no-cache`, `/_portico/*` cached for 300 s), the unencrypted build with the same
Cache-Control, so both variants get the same caching. Each trial starts a fresh Chromium (new profile: nothing cached, no session)
per variant, the variants in turn (each variant in each place in turn from trial to trial), and:
  1. first open: the magic link straight onto an article (gated: `<article URL>#k=<token>`; unencrypted: the URL);
     time from navigation start (the document's time origin) to the article's text in the DOM;
  2. next article, clicked: the page settled, a click on the link in the article's text to the next article (a
     script's `a.click()`, so no hover or pointerdown before it: no prefetch). What a reader sees: time from the click
     to the next article's text in the DOM, whatever happens in between (the gate opens it in place; the unencrypted
     site and the old gate load a new document). Clock: performance.timeOrigin + performance.now() on both sides;
  3. next article, by address: a navigation (as typed, or a bookmark) to a third article, opened by the stored
     session; time from navigation start to the text, as before in-page navigation existed.
"The text in the DOM": a MutationObserver added before any page script sees the last paragraph of the article
inside <main>. Also kept per trial: the
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
NEXT = "insights/real-time-payments/"   # FIRST's text links to it
THIRD = "solutions/ledger-migration-plan/"
BEGIN, END = "<!-- first-open:begin -->", "<!-- first-open:end -->"
TARGET_FIRST_MS, TARGET_NEXT_MS = 50, 20

# Runs before any script of every document: records when each article's last paragraph is in the DOM, by address (a
# page opened in place changes the address, not the document): __porticoText in ms from this document's time origin
# (the first article seen), __porticoAt[article] in ms since the epoch (comparable with a click in the last document).
PROBE = """
window.__porticoText = null; window.__porticoAt = {};
(function () {
  var want = %s;
  function check() {
    var key = location.pathname.split('/').slice(-3, -1).join('/');
    if (!want[key] || window.__porticoAt[key]) return;
    var m = document.getElementById('main');
    if (m && m.textContent.indexOf(want[key]) >= 0) {
      var now = performance.now();
      window.__porticoAt[key] = performance.timeOrigin + now;
      if (window.__porticoText === null) window.__porticoText = now;
      performance.mark('probe:text');   // in the trace too (--trace)
    }
  }
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
})();
"""

# Clicks the link to the next article; returns the click's time in ms since the epoch.
CLICK_JS = """
var a = document.querySelector('main a[href$="/' + arguments[0] + '"]'), t = performance.timeOrigin + performance.now();
a.click();
return t;
"""

# After the click: the next article's text, the new document's navigation start (if any) and the gate's marks, in ms
# from the click.
CLICKED_JS = """
var key = arguments[0], click = arguments[1], at = window.__porticoAt[key];
if (!at) return null;
var out = { text: at - click }, o = performance.timeOrigin;
if (o > click) out.navigationStart = o - click;
performance.getEntriesByType('mark').forEach(function (m) {
  if (m.name.indexOf('portico:') === 0 && o + m.startTime >= click) out[m.name] = o + m.startTime - click;
});
return out;
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


def wait_clicked(driver, click, what, timeout=30):
    """Polls across the new document's arrival (a script may meet the old one unloading)."""
    from selenium.common.exceptions import WebDriverException
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            got = driver.execute_script(CLICKED_JS, NEXT.strip("/"), click)
            if got:
                return got
        except WebDriverException:
            pass
        time.sleep(0.05)
    raise TimeoutError("timed out after %ss waiting for %s" % (timeout, what))


def settled(driver, what):
    # as a reader would before clicking on: the page loaded, the gate's bookkeeping done
    T.wait_for(driver, lambda d: d.execute_script(SETTLED_JS), 30, what + " page to settle")


def trial(urls, fragment, probe, order):
    """One fresh Chromium per variant; returns {variant: {'first': timings, 'next': timings, 'address': timings}}."""
    out = {}
    for variant in order:
        driver = T.chromium()
        gated = variant != "plain"
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": probe})
            base = urls[variant]
            driver.get(base + FIRST + ("#" + fragment if gated else ""))
            wait(driver, variant + " first open")
            first = driver.execute_script(TIMINGS_JS)
            settled(driver, variant)
            click = driver.execute_script(CLICK_JS, NEXT)
            clicked = wait_clicked(driver, click, variant + " next article")
            settled(driver, variant)
            driver.get(base + THIRD)
            wait(driver, variant + " third article")
            out[variant] = {"first": first, "next": clicked, "address": driver.execute_script(TIMINGS_JS)}
        finally:
            driver.quit()
    return out


def traced_trial(urls, fragment, probe, folder):
    """One trial of the gated and the unencrypted variant under Chrome's trace; prints where the main thread's time goes."""
    import first_open_trace as FT
    for variant in ("gated", "plain"):
        driver = T.chromium()
        tracer = FT.Tracer(driver)
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": probe})
            base = urls[variant]
            # a renderer started during a trace joins it late (its first ~100 ms are missing): start the site's renderer
            # first, on a file of no account (no key store, no session, nothing of the page cached)
            driver.get(base.split("/", 3)[0] + "//" + base.split("/", 3)[2] + "/robots.txt")
            tracer.start()
            driver.get(base + FIRST + ("#" + fragment if variant == "gated" else ""))
            wait(driver, variant + " first")
            events = tracer.stop()
            FT.save(folder, variant + "-first", events)
            print("\n".join(FT.summary(events, variant + " first")), flush=True)
            settled(driver, variant)
            tracer.start()
            click = driver.execute_script(CLICK_JS, NEXT)
            got = wait_clicked(driver, click, variant + " next article")
            events = tracer.stop()
            FT.save(folder, variant + "-next", events)
            print("### %s next (click): text %.0f ms after the click; %s" % (variant, got["text"], json.dumps(got)), flush=True)
            print("\n".join(FT.summary(events, variant + " next (clicked; times from the new document's start)")), flush=True)
        finally:
            tracer.close()
            driver.quit()


STEPS = (("first", "first open (magic link), navigation start → text"),
         ("next", "next article, click → text"),
         ("address", "next article by address (stored session), navigation start → text"))


def med(rows, variant, step, key):
    values = [r[variant][step][key] for r in rows if r[variant][step].get(key) is not None]
    return statistics.median(values) if values else None


def fmt(value):
    return "—" if value is None else f"{value:.0f}"


def report(rows, trials, binary, note, variants):
    def spread(variant, step):
        values = [r[variant][step]["text"] for r in rows]
        return f"{min(values):.0f}–{max(values):.0f}"

    gated = [v for v in variants if v != "plain"]
    lines = [
        "## First open and next article of a gated article (issue 17)\n",
        f"`python3 bench/first_open.py --trials {trials}{' --old-gate OLD.js' if 'gated-old' in variants else ''}"
        f"{' --external-gate' if 'gated-file' in variants else ''}` on "
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; binary `{binary}`; {note}. Demo content, "
        f"account `{ACCOUNT}`: first `{FIRST}` via the magic link, then a click on its link to `{NEXT}`, then `{THIRD}` "
        f"by address, in the same tab; {trials} fresh headless Chromium starts per variant, the variants in turn "
        "(each in each place in turn); median ms (min–max) to the article's last paragraph in the DOM. "
        + "`plain`: the same content built `--unencrypted`. "
        + ("`gated-old`: the same gated build with the previous gate.js in its pages. " if "gated-old" in variants else "")
        + ("`gated-file`: the same gated build, its pages loading `_portico/gate.js` by `src` instead of inline. "
           if "gated-file" in variants else "")
        + "Targets (issue 17): first open ≤ +50, next article ≤ +20 over unencrypted.\n",
        "| step | " + " | ".join(variants) + " | " + " | ".join(f"{v} − unencrypted" for v in gated) + " | target | gated |",
        "|---|" + "---:|" * (len(variants) + len(gated) + 1) + "---|",
    ]
    targets = {"first": TARGET_FIRST_MS, "next": TARGET_NEXT_MS}
    for step, title in STEPS:
        plain = med(rows, "plain", step, "text")
        cells = [f"{med(rows, v, step, 'text'):.0f} ({spread(v, step)})" for v in variants]
        cells += [f"{med(rows, v, step, 'text') - plain:+.0f}" for v in gated]
        if step in targets:
            delta = med(rows, "gated", step, "text") - plain
            cells += [f"≤ +{targets[step]}", "PASS" if delta <= targets[step] else "FAIL"]
        else:
            cells += ["—", ""]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    lines += ["", "Where the time goes (medians, ms from navigation start, or from the click for the next article; "
              "`portico:*` are gate.js's performance marks):\n"]
    keys = []
    for r in rows:
        for variant in variants:
            for step, _ in STEPS:
                keys += [k for k in r[variant][step] if k not in keys]
    order = ["navigationStart", "responseEnd", "portico.css start", "portico.css end", "gate.js start", "gate.js end",
             "domInteractive", "portico.css again start", "portico.css again end"]
    marks = sorted((k for k in keys if k.startswith("portico:")), key=lambda k: med(rows, "gated", "first", k) or 1e9)
    keys = [k for k in order if k in keys] + marks + ["dcl", "text", "first-contentful-paint"]
    cols = [(v, step) for step, _ in STEPS for v in variants]
    lines.append("| event | " + " | ".join(f"{v} {step}" for v, step in cols) + " |")
    lines.append("|---|" + "---:|" * len(cols))
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(fmt(med(rows, v, step, k)) for v, step in cols) + " |")
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
    parser.add_argument("--old-gate", metavar="JS", help="A/B: also a gated build whose pages carry this gate.js (gated-old)")
    parser.add_argument("--external-gate", action="store_true",
                        help="A/B: also the gated build with gate.js loaded from _portico/gate.js instead of inline (gated-file)")
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
        folders = {"gated": (gated, rules), "plain": (plain, plain_rules)}
        if args.old_gate:
            old = os.path.join(work, "gated-old")
            folders["gated-old"] = (old, with_gate(gated, old, args.old_gate))
        if args.external_gate:
            ext = os.path.join(work, "gated-file")
            folders["gated-file"] = (ext, with_external_gate(gated, ext))
        variants = [v for v in ("gated", "gated-old", "gated-file", "plain") if v in folders]
        servers = {v: Site(f, r) for v, (f, r) in folders.items()}
        sites = list(servers.values())
        want = {}
        for page in (FIRST, NEXT, THIRD):
            with open(os.path.join(plain, ACCOUNT, page, "index.html"), encoding="utf-8") as f:
                want[page.strip("/")] = last_paragraph(f.read())
        probe = PROBE % json.dumps(want)
        urls = {v: servers[v].base + (ACCOUNT if v == "plain" else path) + "/" for v in variants}
        if args.trace:
            os.makedirs(args.trace, exist_ok=True)
            traced_trial(urls, fragment, probe, args.trace)
            return
        rows = []
        for i in range(args.trials):
            # each variant in each place in turn (a browser started just after another quit waits more)
            order = variants[i % len(variants):] + variants[:i % len(variants)]
            order = order if (i // len(variants)) % 2 == 0 else order[::-1]
            rows.append(trial(urls, fragment, probe, order))
            r = rows[-1]
            log(f"trial {i + 1}/{args.trials}: " + ", ".join(
                f"{v} {r[v]['first']['text']:.0f} / {r[v]['next']['text']:.0f} / {r[v]['address']['text']:.0f}"
                for v in variants) + " ms (first / next clicked / next by address)")
        load = os.getloadavg()
        note = args.note or f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end"
        lines = report(rows, args.trials, args.portico, note, variants)
        print("\n".join(lines))
        if args.results:
            write_results(args.results, lines)
            log(f"wrote {args.results}")
    finally:
        for s in sites:
            s.close()
        shutil.rmtree(work, ignore_errors=True)


def script_hash(text):
    """A script's hash as the CSP and `integrity` name it."""
    import base64
    import hashlib
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def rewritten_copy(gated, out, rewrite):
    """A copy of the gated build with each page, _headers and _portico/gate.js passed through rewrite(name, text);
    the copy's _headers rules."""
    shutil.copytree(gated, out)
    for d, _, files in os.walk(out):
        for name in files:
            if not (name.endswith(".html") or name in ("_headers", "gate.js")):
                continue
            f = os.path.join(d, name)
            text = open(f, encoding="utf-8").read()
            new = rewrite(name, text)
            if new != text:
                with open(f, "w", encoding="utf-8") as fh:
                    fh.write(new)
    return T.parse_headers_file(os.path.join(out, "_headers"))


def current_gate(gated):
    return open(os.path.join(gated, "_portico", "gate.js"), encoding="utf-8").read()


def with_gate(gated, out, script_path):
    """A copy of the gated build whose pages carry another gate.js: inline in each page's head and as
    _portico/gate.js, with the CSP's hash of it (in the pages' meta and in _headers) replaced to match."""
    new = open(script_path, encoding="utf-8").read()
    cur = current_gate(gated)
    return rewritten_copy(gated, out, lambda name, text: new if name == "gate.js"
                          else text.replace(cur, new).replace(script_hash(cur), script_hash(new)))


def with_external_gate(gated, out):
    """A copy of the gated build whose pages load _portico/gate.js (`<script src integrity>`, the same CSP hash
    allows it) instead of carrying it inline, as a theme's gate.mustache may."""
    script = current_gate(gated)
    inline = "<script>" + script + "</script>"
    tag = '<script src="/_portico/gate.js" integrity="%s"></script>' % script_hash(script)
    return rewritten_copy(gated, out, lambda name, text: text.replace(inline, tag) if name.endswith(".html") else text)


if __name__ == "__main__":
    main()
