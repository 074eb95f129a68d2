"""Helpers shared by the browser tests (tests/browser) and tests/tools/screenshots.py.

- `portico_bin()`, `build()`: run the real CLI with a pinned secret and build date.
- `Account`: every key of docs/design/gate-format.md for one account, computed with the
  reference implementation tests/tools/make_gate_vectors.py (so tokens of expired and revoked
  viewers, which `portico token issue` refuses, can be made too).
- `Server`: threaded http.server on 127.0.0.1:<ephemeral>, serving a built site with the
  headers of its `_headers` file, plus `/__test__/` from a second folder.
- `chromium()`: a headless Chromium webdriver that talks to nothing but loopback.
Everything is bounded in time; nothing is skipped: a missing tool raises with a clear message.
"""
import base64
import fnmatch
import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(ROOT, "tests", "tools")
FIXTURE_CONTENT = os.path.join(ROOT, "Tests", "Fixtures", "portals", "gated", "content")
DEMO_CONTENT = os.path.join(ROOT, "content")
VECTORS = os.path.join(ROOT, "Tests", "Fixtures", "gate-vectors.json")
GATE_JS_SHIPPED = os.path.join(ROOT, "Sources", "PorticoGate", "Resources", "gate.min.js")

import sys  # noqa: E402
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)
import make_gate_vectors as M  # noqa: E402  (reference implementation)

# Fixed inputs: the same bytes on every run.
FIXTURE_SECRET_HEX = bytes(range(0x40, 0x60)).hex()
FIXTURE_TODAY = "2026-06-01"
DEMO_SECRET_HEX = bytes(range(0xA0, 0xC0)).hex()
DEMO_TODAY = "2026-11-01"   # the demo's newest pages are dated 2026-10; li-na expires 2027-03-31

BUILD_TIMEOUT = 180
CHROMIUM = os.environ.get("PORTICO_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PORTICO_CHROMEDRIVER", "/usr/bin/chromedriver")


class ToolMissing(RuntimeError):
    pass


def portico_bin():
    p = os.environ.get("PORTICO_BIN") or os.path.join(ROOT, ".build", "debug", "portico")
    if not (os.path.isfile(p) and os.access(p, os.X_OK)):
        raise ToolMissing("portico binary not found at %s: run `swift build --product portico` "
                          "or set PORTICO_BIN" % p)
    return p


def run_portico(args, secret_hex=None, today=None, timeout=BUILD_TIMEOUT, check=True):
    env = dict(os.environ)
    env.pop("PORTICO_SECRET", None)
    env.pop("PORTICO_TODAY", None)
    if secret_hex:
        env["PORTICO_SECRET"] = secret_hex
    if today:
        env["PORTICO_TODAY"] = today
    # "Text file busy" while the lead relinks the binary: retry for a bounded time.
    deadline = time.monotonic() + 300
    while True:
        try:
            r = subprocess.run([portico_bin()] + list(args), env=env, capture_output=True,
                               text=True, timeout=timeout, cwd=ROOT)
            break
        except OSError as e:
            if e.errno != 26 or time.monotonic() > deadline:   # ETXTBSY
                raise
            time.sleep(5)
    if check and r.returncode != 0:
        raise AssertionError("portico %s failed (exit %d)\nstdout:\n%s\nstderr:\n%s"
                             % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r


def build(content, out, secret_hex, today, extra=()):
    """`portico build`; returns the output folder."""
    run_portico(["build", "--content", content, "--out", out] + list(extra),
                secret_hex=secret_hex, today=today)
    assert os.path.isfile(os.path.join(out, "index.html")), out
    return out


# ---- keys ---------------------------------------------------------------------------------------
def read_yaml(path):
    import yaml   # PyYAML: only to read the viewer lists of account.yml
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


class Account:
    def __init__(self, content, slug, secret_hex, today):
        self.slug = slug
        self.secret = bytes.fromhex(secret_hex)
        self.yml = read_yaml(os.path.join(content, "accounts", slug, "account.yml"))
        self.generation = int(self.yml.get("generation", 1))
        self.key = M.account_key(self.secret, slug)
        self.path = (slug if self.yml.get("path") == "slug" else M.account_path(self.secret, slug))
        self.viewers = {str(v["id"]): v for v in self.yml.get("viewers") or []}
        self.active = sorted(i for i, v in self.viewers.items()
                             if not v.get("revoked") and (not v.get("expires")
                                                          or str(v["expires"]) >= today))
        self.content_key = M.content_key(self.key, self.generation, self.active)
        self.key_check = M.key_check(self.content_key)

    def token_bytes(self, viewer_id, generation=None):
        return M.viewer_token(self.key, viewer_id, generation or self.generation)

    def token(self, viewer_id, generation=None):
        return M.b64u(self.token_bytes(viewer_id, generation))

    def name(self, viewer_id):
        return self.viewers[viewer_id].get("name") or viewer_id


# ---- reading built pages --------------------------------------------------------------------------
def read_json_script(html, element_id):
    m = re.search(r'<script type="application/json" id="%s">(.*?)</script>' % re.escape(element_id),
                  html, re.S)
    assert m, "no #%s in page" % element_id
    return json.loads(m.group(1))


def decrypt_page(html, account_path, content_key):
    """Reference decrypt of a gated page's #portico-page (raises on a wrong key)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    p = read_json_script(html, "portico-page")
    ad = "portico-page\0" + account_path + "\0" + p["p"]
    return M.unpad(AESGCM(M.content_aes_key(content_key)).decrypt(
        base64.b64decode(p["iv"]), base64.b64decode(p["ct"]), ad.encode())).decode("utf-8")


def decrypt_asset(blob, account_path, name, content_key):
    """Reference decrypt of an encrypted asset file (`iv || ct`) named `name` (raises on a wrong key)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    ad = "portico-asset\0" + account_path + "\0" + name
    return M.unpad(AESGCM(M.content_aes_key(content_key)).decrypt(blob[:12], blob[12:], ad.encode()))


def unwrap_with_token(html, account_path, token_bytes):
    """What gate.js does with a token: find the keyring entry, unwrap it. None if no entry."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    ring = read_json_script(html, "portico-keyring")
    kid = M.key_id(token_bytes, ring["kc"])
    entry = next((e for e in ring["e"] if e["id"] == kid), None)
    if entry is None:
        return None
    pt = AESGCM(M.wrap_key(token_bytes)).decrypt(base64.b64decode(entry["iv"]),
                                                  base64.b64decode(entry["ct"]),
                                                  ("portico-keyring\0" + account_path).encode())
    return json.loads(M.unpad(pt))


def tree_digest(root):
    """{relative path: sha256 hex} of every file under root."""
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = hashlib.sha256(fh.read()).hexdigest()
    return out


# ---- http server ---------------------------------------------------------------------------------
def parse_headers_file(path):
    """Netlify-style _headers: [(pattern, [(name, value)])]."""
    rules, cur = [], None
    if not os.path.isfile(path):
        return rules
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not line[0].isspace():
                cur = (line.strip(), [])
                rules.append(cur)
            elif cur is not None and ":" in line:
                k, v = line.strip().split(":", 1)
                cur[1].append((k.strip(), v.strip()))
    return rules


class _Handler(http.server.SimpleHTTPRequestHandler):
    site = None
    extra = None
    header_rules = ()

    def log_message(self, *a):
        pass

    def translate_path(self, path):
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if self.extra and clean.startswith("/__test__/"):
            rel = clean[len("/__test__/"):]
            return os.path.join(self.extra, *[p for p in rel.split("/") if p not in ("", ".", "..")])
        return super().translate_path(path)

    def end_headers(self):
        clean = self.path.split("?", 1)[0]
        if not clean.startswith("/__test__/"):
            for pat, hs in self.header_rules:
                if fnmatch.fnmatchcase(clean, pat):
                    for k, v in hs:
                        self.send_header(k, v)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class Server:
    """Serves `site` (with its _headers) and `/__test__/` from `extra`, on 127.0.0.1 only."""

    def __init__(self, site, extra=None):
        rules = parse_headers_file(os.path.join(site, "_headers"))
        # Cache-Control from _headers is replaced by no-store above: tests rewrite files.
        rules = [(p, [(k, v) for k, v in hs if k.lower() != "cache-control"]) for p, hs in rules]
        handler = type("H", (_Handler,), {"site": site, "extra": extra, "header_rules": rules})
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=site))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ---- chromium ------------------------------------------------------------------------------------
CHROME_ARGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    # loopback only: no background traffic of any kind
    "--no-proxy-server", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-default-apps", "--disable-extensions", "--no-first-run",
    "--no-default-browser-check", "--disable-domain-reliability", "--metrics-recording-only",
    "--disable-client-side-phishing-detection", "--disable-features=Translate,OptimizationHints,MediaRouter",
    "--force-color-profile=srgb", "--hide-scrollbars", "--font-render-hinting=none",
    # no smooth scrolling (portico.css) and no animations: clicks land where WebDriver aims,
    # screenshots are stable
    "--force-prefers-reduced-motion",
)


def chromium(width=1280, height=900, user_data_dir=None):
    for p in (CHROMIUM, CHROMEDRIVER):
        if not os.access(p, os.X_OK):
            raise ToolMissing("%s not found: apt-get install -y chromium chromium-driver" % p)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in CHROME_ARGS:
        opts.add_argument(a)
    opts.add_argument("--window-size=%d,%d" % (width, height))
    if user_data_dir:
        opts.add_argument("--user-data-dir=" + user_data_dir)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.set_page_load_timeout(30)
    drv.set_script_timeout(30)
    return drv


def wait_for(drv, cond, timeout=15, what="condition"):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(drv, timeout, poll_frequency=0.05).until(
        lambda d: cond(d), message="timed out after %ss waiting for %s" % (timeout, what))


GATE_STATE_JS = ("var g=document.getElementById('portico-gate');if(!g)return 'unlocked';"
                 "var e=[].filter.call(g.querySelectorAll('[data-state]'),function(e){return !e.hidden});"
                 "return e.map(function(e){return e.getAttribute('data-state')}).join(',')")


def gate_state(drv):
    """'working' | 'locked' | 'invalid' | 'changed' | 'damaged' | 'unlocked' (gate gone)."""
    return drv.execute_script(GATE_STATE_JS)


# gate.js stores the session after it swaps the page in (docs/design/gate-format.md, "Browser flow"):
# an opened page is settled once the 'portico:stored' mark is set.
STORED_MARK_JS = ("return !performance.getEntriesByName('portico:swapped').length"
                  " || performance.getEntriesByName('portico:stored').length > 0")


def settle(drv, timeout=15):
    """Wait until the gate has finished (any state other than 'working', and an opened page's session
    stored); return the state."""
    box = {}

    def done(d):
        s = gate_state(d)
        box["s"] = s
        return s != "working" and (s != "unlocked" or d.execute_script(STORED_MARK_JS))
    wait_for(drv, done, timeout, "the gate to leave the 'working' state")
    return box["s"]


def clear_storage(drv, base):
    """Forget every session of the origin: Web Storage and gate.js's IndexedDB key store."""
    drv.get(base + "/robots.txt")
    drv.execute_async_script(
        "var done=arguments[arguments.length-1]; sessionStorage.clear(); localStorage.clear();"
        "var r=indexedDB.deleteDatabase('portico'); r.onsuccess=r.onerror=r.onblocked=function(){done(true)};")


# gate.js's key store (docs/design/gate-format.md, "Browser flow"): records by 'tab\n<tab id>\n<path>'
# and 'device\n<path>'; the tab id is sessionStorage['portico:tab'].
STORED_JS = r"""
var done = arguments[arguments.length - 1], path = arguments[0], which = arguments[1];
var tab = sessionStorage.getItem('portico:tab');
var id = which === 'device' ? 'device\n' + path : 'tab\n' + tab + '\n' + path;
var r = indexedDB.open('portico', 1);
r.onupgradeneeded = function () { r.result.createObjectStore('keys'); };
r.onerror = function () { done({ error: String(r.error) }); };
r.onsuccess = function () {
  var db = r.result, q = db.transaction('keys', 'readonly').objectStore('keys').get(id);
  q.onerror = function () { db.close(); done({ error: String(q.error) }); };
  q.onsuccess = async function () {
    db.close();
    var rec = q.result;
    if (!rec) return done(null);
    var out = { kc: rec.kc, v: rec.v, n: rec.n, x: rec.x, tab: rec.tab,
                aesType: String(rec.aes && rec.aes.constructor && rec.aes.constructor.name),
                aesExtractable: rec.aes.extractable, fkExtractable: rec.fk.extractable,
                aesAlgorithm: rec.aes.algorithm.name, fkAlgorithm: rec.fk.algorithm.name };
    try { await crypto.subtle.exportKey('raw', rec.aes); out.aesExported = true; } catch (e) { out.aesExportError = e.name; }
    try { await crypto.subtle.exportKey('raw', rec.fk); out.fkExported = true; } catch (e) { out.fkExportError = e.name; }
    done(out);
  };
};
"""


def stored_session(drv, account_path, which="tab"):
    """The record gate.js keeps for this account ('tab': this tab's; 'device': remembered), described
    (its CryptoKeys cannot be read as bytes); None if there is none."""
    r = drv.execute_async_script(STORED_JS, account_path, which)
    assert not (isinstance(r, dict) and "error" in r), r
    return r


WEB_STORAGE_JS = ("var o={};[['session',sessionStorage],['local',localStorage]].forEach(function(p){"
                  "for(var i=0;i<p[1].length;i++){var k=p[1].key(i);o[p[0]+':'+k]=p[1].getItem(k);}});return o")


def web_storage(drv):
    """{'session:<key>' | 'local:<key>': value} of every Web Storage item of the origin."""
    return drv.execute_script(WEB_STORAGE_JS)


def temp_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def rmtree(p):
    shutil.rmtree(p, ignore_errors=True)


# ---- marker words of the fixture portal ---------------------------------------------------------
_MARKER_RE = re.compile(r"MARKER[A-Z0-9]+|marker[a-z0-9]+|标记[\u4e00-\u9fff]+")


def fixture_markers(sub=""):
    """Every marker word written in the fixture content (under `sub`, e.g. 'accounts/alpha')."""
    found = set()
    base = os.path.join(FIXTURE_CONTENT, sub)
    for d, _, files in os.walk(base):
        for f in files:
            if f.endswith((".md", ".yml", ".svg")):
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    for line in fh:
                        if not line.lstrip().startswith("#"):   # YAML comments are not content
                            found.update(_MARKER_RE.findall(line))
    return sorted(found)
