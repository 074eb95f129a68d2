#!/usr/bin/env python3
"""How long a new document waits for a stored session's key, by where the key is kept (issue 17, "next article by
address").

A page opened by address with a stored session reads its non-extractable AES key (a CryptoKey) from IndexedDB, which
takes 20-30 ms in a new document. The only other places a CryptoKey can be handed to a new document of the same
origin without exposing its bytes are structured-clone channels to a context that outlives the page. This probe
compares IndexedDB with the one such context a static site can run without a service worker's navigation role: a
SharedWorker created with `extendedLifetime: true`, which Chromium keeps alive after its last page unloads.

Per trial, a fresh headless Chromium: page A makes a non-extractable AES-GCM key, stores it in IndexedDB and hands it
to the SharedWorker; one second later page B is opened by address (a new document in the same tab) and asks for it,
either from IndexedDB (open + get) or from the SharedWorker (connect + message). Printed: median ms from B's first
script to the key in hand, and from navigation start. No Portico code runs: this isolates the key store.

  python3 bench/key_handoff.py --trials 8
"""
import argparse
import functools
import http.server
import os
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "browser"))
import portico_testlib as T  # noqa: E402  (Chromium flags)

WORKER = """
var key = null;
onconnect = function (e) {
  var port = e.ports[0];
  port.onmessage = function (m) {
    if (m.data.put) { key = m.data.put; port.postMessage({ stored: true }); }
    else port.postMessage({ key: key });
  };
};
"""

STORE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>a</title><script>
crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']).then(function (k) {
  var left = 2;
  function done() { if (--left === 0) document.title = 'stored'; }
  var w = new SharedWorker('worker.js', { name: 'keys', extendedLifetime: true });
  w.port.onmessage = done;
  w.port.postMessage({ put: k });
  var r = indexedDB.open('keys', 1);
  r.onupgradeneeded = function () { r.result.createObjectStore('keys'); };
  r.onsuccess = function () {
    var t = r.result.transaction('keys', 'readwrite');
    t.objectStore('keys').put(k, 'session');
    t.oncomplete = function () { r.result.close(); done(); };
  };
});
</script></head><body><p>a</p></body></html>"""

READ = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>b</title><script>
window.res = { start: performance.now() };
function got(key) { res.got = performance.now(); res.ok = !!(key && key.type === 'secret' && !key.extractable); document.title = 'done'; }
if (location.hash === '#worker') {
  var w = new SharedWorker('worker.js', { name: 'keys', extendedLifetime: true });
  w.port.onmessage = function (m) { got(m.data.key); };
  w.port.postMessage({ get: true });
} else {
  var r = indexedDB.open('keys', 1);
  r.onsuccess = function () {
    var q = r.result.transaction('keys', 'readonly').objectStore('keys').get('session');
    q.onsuccess = function () { got(q.result); };
  };
}
</script></head><body><p>b</p></body></html>"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=8, help="fresh browser starts per store (default 8)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="portico-key-handoff-")
    for name, text in (("worker.js", WORKER), ("a.html", STORE), ("b.html", READ)):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d/" % httpd.server_address[1]
    waits = {"indexeddb": [], "worker": []}
    from_nav = {"indexeddb": [], "worker": []}
    try:
        for trial in range(args.trials):
            for store in (("indexeddb", "worker") if trial % 2 == 0 else ("worker", "indexeddb")):
                driver = T.chromium()
                try:
                    driver.get(base + "a.html")
                    T.wait_for(driver, lambda d: d.title == "stored", what="page A to store the key")
                    time.sleep(1.0)
                    driver.execute_script("location.href = arguments[0]", base + "b.html#" + store)
                    T.wait_for(driver, lambda d: d.title == "done", what="page B to have the key")
                    res = driver.execute_script("return window.res")
                finally:
                    driver.quit()
                if not res.get("ok"):
                    raise SystemExit(f"{store}: the key did not arrive as a non-extractable CryptoKey: {res}")
                waits[store].append(res["got"] - res["start"])
                from_nav[store].append(res["got"])
    finally:
        httpd.shutdown()
    for store in waits:
        w, n = waits[store], from_nav[store]
        print(f"{store:9}: key in hand {statistics.median(w):5.1f} ms after the page's first script "
              f"({min(w):.1f}-{max(w):.1f}), {statistics.median(n):5.1f} ms after navigation start; {len(w)} trials")


if __name__ == "__main__":
    main()
