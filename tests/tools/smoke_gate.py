#!/usr/bin/env python3
"""Smoke test of gate.js in headless Chromium (Selenium), with hand-made gated pages.

Builds a tiny site in a temp dir with the keys of Tests/Fixtures/gate-vectors.json (same
derivations as tests/tools/make_gate_vectors.py), serves it on 127.0.0.1:<ephemeral port>
(http.server plus a POST /feedback endpoint that checks X-Portico-Proof), and checks:
  - CSP: an external script allowed only by 'sha256-…' + integrity="sha256-…" runs, with the
    policy in a <meta> and in a header; a wrong hash and a missing integrity are blocked
  - unlock with #k=<alice token>: hash removed, page replaced, <html> attributes copied, brand
    colours through CSSOM reach the stylesheet, image decrypted to blob:, watermark, session
  - remember-this-device, sign-out (gate shows "locked"), invalid token, changed key check
  - feedback: proof verified by the server, typed fields, success and problem detail
  - preview (no payload): brand colours, CJK search, feedback without proof
Usage: python3 tests/tools/smoke_gate.py     (exit 0 when all checks pass)
"""
import base64
import hashlib
import hmac as _hmac
import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import struct
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "browser"))
import make_gate_vectors as M  # noqa: E402
import portico_testlib as T  # noqa: E402  (reads gate.js's IndexedDB key store)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

GATE_JS = os.path.join(M.ROOT, "Sources", "PorticoGate", "Resources", "gate.js")
PAGE_PATH = "insights/hello/index.html"
FAILURES = []


def check(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else "  " + str(detail)))
    if not ok:
        FAILURES.append(name)


def png_1x1(rgb=(200, 30, 30)):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    raw = b"\x00" + bytes(rgb)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def csp(script_hash):
    return ("default-src 'none'; script-src 'sha256-%s'; style-src 'self'; img-src 'self' blob:; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'" % script_hash)


def shell(ring, payload, script_tag, meta_csp=None):
    meta = '<meta http-equiv="Content-Security-Policy" content="%s">' % meta_csp if meta_csp else ""
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">%s<title>Private</title>'
            '</head><body><main id="portico-gate">'
            '<p data-state="working">Opening…</p>'
            '<p data-state="locked" hidden>Open this page with your personal link.</p>'
            '<p data-state="invalid" hidden>This link is not valid.</p>'
            '<p data-state="changed" hidden>Access changed: use your latest link.</p>'
            '<p data-state="damaged" hidden>This page is damaged.</p>'
            '</main>'
            '<script type="application/json" id="portico-keyring">%s</script>'
            '<script type="application/json" id="portico-page">%s</script>'
            '%s</body></html>') % (meta, ring, payload, script_tag)


BRAND = ('data-brand-accent="#0a7c59" data-brand-accent-ink="#064d37" '
         'data-brand-accent-soft="#e6f4ef" data-brand-on-accent="#ffffff"')


def feedback_form(apath, page):
    return ('<form data-portico-feedback data-endpoint="/feedback" data-account="%s" data-page="%s" '
            'data-success="Thank you." data-error="Sorry, that did not work.">'
            '<fieldset data-portico-rating><input type="radio" name="rating" value="4">'
            '<input type="radio" name="rating" value="5" checked></fieldset>'
            '<textarea name="comment">Très bien 很好</textarea>'
            '<input type="checkbox" name="useful" checked>'
            '<select name="topic"><option value="pricing" selected>Pricing</option></select>'
            '<button type="submit" id="send">Send</button>'
            '<p data-portico-feedback-status role="status" id="fbstatus"></p></form>') % (apath, page)


# Changes one field of this tab's record in gate.js's key store; field "aes" gets another (valid) key.
MUTATE_JS = r"""
var done = arguments[arguments.length - 1], path = arguments[0], field = arguments[1], value = arguments[2];
var id = 'tab\n' + sessionStorage.getItem('portico:tab') + '\n' + path;
(async function () {
  if (field === 'aes') value = await crypto.subtle.importKey('raw', new Uint8Array(32), 'AES-GCM', false, ['decrypt']);
  var r = indexedDB.open('portico', 1);
  r.onsuccess = function () {
    var db = r.result, t = db.transaction('keys', 'readwrite'), st = t.objectStore('keys'), q = st.get(id);
    q.onsuccess = function () { var rec = q.result; rec[field] = value; st.put(rec, id); };
    t.oncomplete = function () { db.close(); done(true); };
  };
})();
"""


def build_site(d, V):
    secret = bytes.fromhex(V["secretHex"])
    akey = M.account_key(secret, V["accountSlug"])
    apath = V["accountPath"]
    ckey = bytes.fromhex(V["contentKeyHex"])
    os.makedirs(os.path.join(d, "_portico"))
    shutil.copy(GATE_JS, os.path.join(d, "_portico", "gate.js"))
    with open(GATE_JS, "rb") as f:
        h = base64.b64encode(hashlib.sha256(f.read()).digest()).decode()
    with open(os.path.join(d, "_portico", "portico.css"), "w") as f:
        f.write("#marker { color: var(--accent); }\n")

    acct = os.path.join(d, apath)
    page_dir = os.path.join(acct, "insights", "hello")
    os.makedirs(page_dir)
    os.makedirs(os.path.join(acct, "assets"))
    img_name = "assets/dot.png"
    bin_name = M.asset_file_name(akey, img_name)
    with open(os.path.join(acct, bin_name), "wb") as f:
        f.write(M.asset_blob(apath, ckey, img_name, png_1x1()))

    html = ('<!DOCTYPE html><html lang="en" %s data-kind="article"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="%s">'
            '<title>Hello</title><link rel="stylesheet" href="../../../_portico/portico.css">'
            # the layout may load gate.js in the page too: it must not run a second time
            '<script src="../../../_portico/gate.js" integrity="sha256-%s"></script></head><body>'
            '<p id="marker">Secret marker ZEBRAFISH</p>'
            '<p id="wm" data-portico-watermark data-label="Prepared for {name}"></p>'
            '<img id="img" data-portico-asset="../../%s" data-portico-name="%s" data-portico-type="image/png" alt="dot">'
            '<label><input id="remember" type="checkbox" data-portico-remember> Remember</label>'
            '<button id="signout" type="button" data-portico-signout>Sign out</button>%s'
            '</body></html>') % (BRAND, csp(h), h, bin_name, img_name, feedback_form(apath, PAGE_PATH))
    ring = V["keyring"]
    payload = M.page_payload(apath, ckey, PAGE_PATH, html)
    tag = '<script src="../../../_portico/gate.js" integrity="sha256-%s"></script>' % h
    pages = {
        "index.html": shell(ring, payload, tag, csp(h)),              # policy in <meta>
        "hdr-ok.html": shell(ring, payload, tag),                      # policy in a header
        "bad-hash.html": shell(ring, payload, tag, csp("A" * 43 + "=")),
        "no-integrity.html": shell(ring, payload, '<script src="../../../_portico/gate.js"></script>', csp(h)),
    }
    for name, text in pages.items():
        with open(os.path.join(page_dir, name), "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(d, "robots.txt"), "w") as f:   # T.clear_storage opens it
        f.write("User-agent: *\nDisallow: /\n")
    moved = os.path.join(acct, "insights", "moved")   # the page copied, whole, to another path
    os.makedirs(moved)
    shutil.copy(os.path.join(page_dir, "index.html"), os.path.join(moved, "index.html"))

    index = [
        {"t": "Quarterly outlook", "u": "a/", "s": "Markets", "k": "Insight", "x": "pricing and 数据分析"},
        {"t": "数据平台", "u": "b/", "s": "概要", "k": "方案", "x": "使用AI模型进行预测"},
        {"t": "<b>Pricing</b> strategy", "u": "c/", "s": "How to price", "k": "Insight", "x": "margins"},
    ]
    preview = ('<!DOCTYPE html><html lang="zh-CN" %s><head><meta charset="utf-8">'
               '<meta http-equiv="Content-Security-Policy" content="%s"><title>Search</title>'
               '<link rel="stylesheet" href="_portico/portico.css"></head><body>'
               '<p id="marker">preview</p><p id="wm" data-portico-watermark data-label="Prepared for {name}">preview</p>'
               '<input id="q" type="search" data-portico-search><ol id="results" data-portico-search-results></ol>'
               '<script type="application/json" id="portico-search-index">%s</script>%s'
               '<script src="_portico/gate.js" integrity="sha256-%s"></script></body></html>') % (
        BRAND, csp(h), json.dumps(index, ensure_ascii=False), feedback_form("acme", "search/index.html"), h)
    with open(os.path.join(d, "preview.html"), "w", encoding="utf-8") as f:
        f.write(preview)
    return h, "/%s/insights/hello/" % apath


class Handler(http.server.SimpleHTTPRequestHandler):
    posts = []
    csp_header = ""

    def log_message(self, *a):
        pass

    def end_headers(self):
        if self.path.split("?")[0].endswith("hdr-ok.html"):
            self.send_header("Content-Security-Policy", Handler.csp_header)
        super().end_headers()

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Handler.posts.append({"raw": raw, "proof": self.headers.get("X-Portico-Proof"),
                              "type": self.headers.get("Content-Type")})
        body = json.loads(raw)
        if body.get("fields", {}).get("comment") == "fail":
            out, code, ctype = b'{"title":"Bad","detail":"Comment rejected."}', 422, "application/problem+json"
        else:
            out, code, ctype = b'{"ok":true}', 200, "application/json"
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


def main():
    V = json.load(open(M.OUT, encoding="utf-8"))
    d = tempfile.mkdtemp(prefix="portico-smoke-")
    h, page_url = build_site(d, V)
    Handler.csp_header = csp(h)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                          lambda *a, **k: Handler(*a, directory=d, **k))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % srv.server_address[1]

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    wait = WebDriverWait(drv, 10)
    js = drv.execute_script
    alice, fk = V["tokens"]["alice"], bytes.fromhex(V["feedbackKeysHex"]["alice"])
    try:
        print("Chromium", drv.capabilities.get("browserVersion"))

        def visible_state():
            return js("var e=[].filter.call(document.querySelectorAll('#portico-gate [data-state]'),"
                      "function(e){return !e.hidden});return e.map(function(e){return e.dataset.state}).join()")

        def unlocked():
            return js("return !!document.getElementById('marker')")

        # --- CSP: hash + integrity --------------------------------------------------------
        for name, expect in (("index.html", True), ("hdr-ok.html", True),
                             ("bad-hash.html", False), ("no-integrity.html", False)):
            drv.get(base + page_url + name + "#k=" + alice)
            if expect:
                try:
                    wait.until(lambda _: unlocked())
                except Exception:
                    pass
            else:
                time.sleep(1.0)
            ran = js("return typeof window.PorticoGate === 'object'")
            check("CSP %s: gate.js %s" % (name, "runs" if expect else "blocked"), ran == expect,
                  "ran=%s state=%s" % (ran, visible_state() if not unlocked() else "unlocked"))
            T.clear_storage(drv, base)
        csp_logs = [l["message"] for l in drv.get_log("browser") if "Content Security Policy" in l["message"]]
        check("blocked loads are reported as CSP violations (console log works)", len(csp_logs) >= 2, csp_logs)

        # --- unlock -----------------------------------------------------------------------
        drv.get(base + page_url + "index.html#k=" + alice)
        wait.until(lambda _: unlocked())
        check("hash removed", drv.current_url == base + page_url + "index.html", drv.current_url)
        check("title from decrypted head", drv.title == "Hello", drv.title)
        check("gate shell gone", js("return !document.getElementById('portico-gate') && "
                                    "!document.getElementById('portico-keyring')"))
        check("<html> data-kind copied", js("return document.documentElement.dataset.kind") == "article")
        props = js("var s=document.documentElement.style;return ['--accent','--accent-ink','--accent-soft',"
                   "'--on-accent'].map(function(p){return s.getPropertyValue(p)})")
        check("brand custom properties", props == ["#0a7c59", "#064d37", "#e6f4ef", "#ffffff"], props)
        wait.until(lambda _: js("return getComputedStyle(document.getElementById('marker')).color")
                   == "rgb(10, 124, 89)")
        check("stylesheet uses --accent", True)
        wait.until(lambda _: js("var i=document.getElementById('img');return i.complete&&i.naturalWidth===1"))
        check("image decrypted to blob:", js("return document.getElementById('img').src").startswith("blob:"))
        check("watermark", js("return document.getElementById('wm').textContent") == "Prepared for Alice Example")
        sess = T.stored_session(drv, V["accountPath"]) or {}
        check("session stored, keys not extractable", sess.get("v") == "alice" and sess.get("kc") == V["keyCheck"]
              and sess.get("aesExtractable") is False and sess.get("fkExportError") == "InvalidAccessError", sess)
        check("no key in Web Storage", set(T.web_storage(drv)) == {"session:portico:tab"}, T.web_storage(drv))

        # --- feedback ---------------------------------------------------------------------
        drv.find_element(By.ID, "send").click()
        wait.until(lambda _: js("return document.getElementById('fbstatus').textContent") != "")
        time.sleep(0.3)
        check("one POST per submit (gate.js not wired twice)", len(Handler.posts) == 1, len(Handler.posts))
        check("feedback success text", js("return document.getElementById('fbstatus').textContent") == "Thank you.")
        p = Handler.posts[-1]
        want = base64.urlsafe_b64encode(_hmac.new(fk, p["raw"], hashlib.sha256).digest()).decode().rstrip("=")
        check("feedback proof verifies", p["proof"] == want, p)
        b = json.loads(p["raw"])
        check("feedback body", b["account"] == V["accountPath"] and b["page"] == PAGE_PATH
              and b["viewer"] == "alice" and abs(b["timestamp"] - time.time()) < 60
              and len(b["nonce"]) == 22
              and b["fields"] == {"rating": 5, "comment": "Très bien 很好", "useful": True, "topic": "pricing"}
              and p["type"] == "application/json", b)
        ta = drv.find_element(By.NAME, "comment")
        ta.clear()
        ta.send_keys("fail")
        drv.find_element(By.ID, "send").click()
        wait.until(lambda _: js("return document.getElementById('fbstatus').textContent") not in ("", "Thank you."))
        st = js("return document.getElementById('fbstatus').textContent")
        check("feedback error with problem detail", st == "Sorry, that did not work. Comment rejected.", st)

        # --- remember, reload, sign-out ------------------------------------------------------
        drv.find_element(By.ID, "remember").click()
        wait.until(lambda _: T.stored_session(drv, V["accountPath"], "device"))
        check("remember -> device record", T.stored_session(drv, V["accountPath"], "device").get("x") == "2027-12-31")
        drv.refresh()
        wait.until(lambda _: unlocked())
        check("reload reopens from session, remember box checked",
              js("return document.getElementById('remember').checked"))
        js("sessionStorage.clear()")
        drv.refresh()
        wait.until(lambda _: unlocked())
        check("reopens from the device record alone", True)
        drv.find_element(By.ID, "signout").click()
        wait.until(lambda _: js("return !!document.getElementById('portico-gate')"))
        wait.until(lambda _: visible_state() == "locked")
        check("sign-out shows locked, records deleted",
              T.stored_session(drv, V["accountPath"]) is None and T.stored_session(drv, V["accountPath"], "device") is None)

        # --- invalid, changed, damaged -------------------------------------------------------
        drv.get(base + page_url + "index.html#k=AAAAAAAAAAAAAAAAAAAAAA")
        wait.until(lambda _: visible_state() == "invalid")
        check("unknown token -> invalid", drv.current_url.endswith("index.html"))
        drv.get(base + page_url + "index.html#k=abc")
        wait.until(lambda _: visible_state() == "invalid")
        check("malformed token -> invalid", True)
        drv.get(base + page_url + "index.html#k=" + alice)
        wait.until(lambda _: unlocked())
        drv.execute_async_script(MUTATE_JS, V["accountPath"], "kc", V["rotation"]["keyCheck"])
        drv.refresh()
        wait.until(lambda _: visible_state() == "changed")
        check("stale key check -> changed, removed", T.stored_session(drv, V["accountPath"]) is None)
        drv.get(base + page_url + "index.html#k=" + alice)
        wait.until(lambda _: unlocked())
        drv.execute_async_script(MUTATE_JS, V["accountPath"], "aes", None)
        drv.refresh()
        wait.until(lambda _: visible_state() == "damaged")
        check("wrong key with right check -> damaged", True)
        drv.get(base + page_url.replace("/hello/", "/moved/") + "index.html#k=" + alice)
        wait.until(lambda _: visible_state() == "damaged")
        check("page copied to another path -> damaged", True)
        T.clear_storage(drv, base)

        logs = [l for l in drv.get_log("browser") if l["level"] in ("SEVERE", "WARNING")]
        logs = [l for l in logs if "/feedback" not in l["message"]]  # the deliberate 422
        check("no console errors / CSP violations in gated flow", not logs, logs)

        # --- preview: enhance without a payload ------------------------------------------------
        Handler.posts.clear()
        drv.get(base + "/preview.html")
        wait.until(lambda _: js("return document.documentElement.style.getPropertyValue('--accent')") == "#0a7c59")
        check("preview brand colours", True)
        check("preview watermark untouched", js("return document.getElementById('wm').textContent") == "preview")
        q = drv.find_element(By.ID, "q")
        q.send_keys("数据")
        res = js("return [].map.call(document.querySelectorAll('#results li'),function(l){"
                 "return [l.querySelector('a').getAttribute('href'),l.querySelector('a').textContent,"
                 "l.querySelector('p').textContent]})")
        check("CJK search (two characters), title first", [r[0] for r in res] == ["b/", "a/"], res)
        q.clear()
        q.send_keys("pric")
        res = js("return [].map.call(document.querySelectorAll('#results li'),function(l){"
                 "return [l.querySelector('a').getAttribute('href'),l.querySelector('a').textContent,l.innerHTML]})")
        check("Latin prefix search, text not HTML", [r[0] for r in res] == ["c/", "a/"]
              and res[0][1] == "<b>Pricing</b> strategy" and "<b>" not in res[0][2], res)
        drv.find_element(By.ID, "send").click()
        wait.until(lambda _: Handler.posts)
        p = Handler.posts[-1]
        check("preview feedback has no proof", p["proof"] is None and json.loads(p["raw"])["viewer"] == "", p)
        logs = [l for l in drv.get_log("browser") if l["level"] in ("SEVERE", "WARNING")]
        check("no console errors in preview", not logs, logs)
    finally:
        drv.quit()
        srv.shutdown()
        shutil.rmtree(d, ignore_errors=True)
    print("%d failure(s)" % len(FAILURES))
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
