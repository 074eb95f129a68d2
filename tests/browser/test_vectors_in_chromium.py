"""Tests/Fixtures/gate-vectors.json checked by the gate script itself, in Chromium.

gate.js exports its helpers as `PorticoGateInternals` when it is loaded without a DOM. A Web
Worker has no `document`, so the very gate.js the build ships (/_portico/gate.js of the built
fixture portal) is loaded into a dedicated worker with importScripts and driven from here, one
call at a time: no test hook in gate.js is needed. The page side (`window.PorticoGate`) is
checked on a real gated page too. The vectors come from tests/tools/make_gate_vectors.py, the
Swift tests check the same file: both sides provably agree.
"""
import base64
import hashlib
import json
import os

import pytest

import portico_testlib as T

V = json.load(open(T.VECTORS, encoding="utf-8"))

WORKER_JS = r"""
importScripts('/_portico/gate.js');
var I = self.PorticoGateInternals;
function arg(a) {
  if (typeof a === 'string' && a.indexOf('hex:') === 0) {
    var h = a.slice(4), u = new Uint8Array(h.length / 2);
    for (var i = 0; i < u.length; i++) u[i] = parseInt(h.substr(i * 2, 2), 16);
    return u;
  }
  return a;
}
function out(r) {
  if (r instanceof ArrayBuffer) r = new Uint8Array(r);
  if (r instanceof Uint8Array) {
    for (var s = '', i = 0; i < r.length; i++) s += (r[i] < 16 ? '0' : '') + r[i].toString(16);
    return { hex: s };
  }
  return { value: r };
}
onmessage = async function (e) {
  var m = e.data;
  try {
    if (m.fn === '__names') return postMessage({ id: m.id, ok: out(Object.keys(I).sort()) });
    if (m.fn === '__hasDocument') return postMessage({ id: m.id, ok: out(typeof document !== 'undefined') });
    var r = await I[m.fn].apply(null, m.args.map(arg));
    postMessage({ id: m.id, ok: out(r) });
  } catch (err) {
    postMessage({ id: m.id, error: String(err && err.name || err) + ': ' + String(err && err.message || '') });
  }
};
"""

CALL_JS = r"""
var done = arguments[arguments.length - 1], fn = arguments[0], args = arguments[1];
if (!window.__pw) {
  window.__pw = new Worker('/__test__/gate-worker.js');
  window.__pid = 0; window.__pcb = {};
  window.__pw.onmessage = function (e) { var c = window.__pcb[e.data.id]; delete window.__pcb[e.data.id]; c(e.data); };
  window.__pw.onerror = function (e) { for (var k in window.__pcb) window.__pcb[k]({ error: 'worker: ' + e.message }); };
}
var id = ++window.__pid;
window.__pcb[id] = done;
window.__pw.postMessage({ id: id, fn: fn, args: args });
"""


class Gate:
    def __init__(self, drv):
        self.drv = drv

    def call(self, fn, *args):
        r = self.drv.execute_async_script(CALL_JS, fn, list(args))
        if "error" in r:
            raise GateError(r["error"])
        ok = r["ok"]
        return ok["hex"] if "hex" in ok else ok["value"]


class GateError(Exception):
    pass


def hx(h):
    return "hex:" + h


def b64hex(b64):
    return base64.b64decode(b64).hex()


@pytest.fixture(scope="module")
def gate(browser, fixture_server, test_assets):
    with open(os.path.join(test_assets, "gate-worker.js"), "w") as f:
        f.write(WORKER_JS)
    with open(os.path.join(test_assets, "blank.html"), "w") as f:
        f.write('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>vectors</title>'
                '</head><body></body></html>')
    browser.get(fixture_server.base + "/__test__/blank.html")
    assert browser.execute_script("return window.isSecureContext") is True
    g = Gate(browser)
    yield g
    browser.get("about:blank")


def test_worker_loads_the_shipped_gate_js(gate, fixture_site):
    shipped = open(os.path.join(fixture_site.site, "_portico", "gate.js"), "rb").read()
    # gate.min.js, which scripts/minify-gate.sh makes from the source (make test-js checks the two agree)
    assert shipped == open(T.GATE_JS_SHIPPED, "rb").read()
    assert gate.call("__hasDocument") is False
    names = gate.call("__names")
    for n in ("unb64", "b64", "b64u", "hkdf", "hmac", "open", "unpad", "deriveFromToken", "keyCheck",
              "unwrap", "sessionKeys", "decryptPage", "decryptAsset", "proof", "servedAt"):
        assert n in names, n


def test_base64(gate):
    for v in V["viewers"]:
        assert gate.call("unb64", V["tokens"][v]) == V["tokensHex"][v]
        assert gate.call("b64u", hx(V["tokensHex"][v])) == V["tokens"][v]
    assert gate.call("b64", hx(V["contentKeyHex"])) == V["contentKeyB64"]
    assert gate.call("unb64", V["contentKeyB64"]) == V["contentKeyHex"]


def test_account_key_and_path(gate):
    sec, slug = V["secretHex"], V["accountSlug"]
    assert gate.call("hkdf", hx(sec), "account\0" + slug, 32) == V["accountKeyHex"]
    assert gate.call("hkdf", hx(sec), "path\0" + slug, 10) == V["accountPath"]


def test_viewer_tokens(gate):
    ak, g = V["accountKeyHex"], V["generation"]
    for v in V["viewers"]:
        assert gate.call("hkdf", hx(ak), "token\0%s\0%d" % (v, g), 16) == V["tokensHex"][v]
    t2 = gate.call("hkdf", hx(ak), "token\0alice\0%d" % V["generation2"]["generation"], 16)
    assert gate.call("b64u", hx(t2)) == V["generation2"]["tokenAlice"]


def test_content_key_and_key_check(gate):
    ak, g = V["accountKeyHex"], V["generation"]
    ck = gate.call("hkdf", hx(ak), "content\0%d\0%s" % (g, "\n".join(sorted(V["activeViewers"]))), 32)
    assert ck == V["contentKeyHex"]
    rot = V["rotation"]
    ck2 = gate.call("hkdf", hx(ak), "content\0%d\0%s" % (g, "\n".join(sorted(rot["activeViewers"]))), 32)
    assert ck2 == rot["contentKeyHex"]
    assert gate.call("keyCheck", V["contentKeyB64"]) == V["keyCheck"]
    assert gate.call("keyCheck", base64.b64encode(bytes.fromhex(rot["contentKeyHex"])).decode()) == rot["keyCheck"]
    # separate keys (format v2): the check, the AES key and the IV key each have their own HKDF label
    assert gate.call("hkdf", hx(V["contentKeyHex"]), "check", 12) == T.M.b64u_decode(V["keyCheck"]).hex()
    assert gate.call("hkdf", hx(V["contentKeyHex"]), "aes-gcm", 32) == V["contentAesKeyHex"]
    assert gate.call("hkdf", hx(V["contentKeyHex"]), "iv", 32) == V["contentIvKeyHex"]
    assert len({V["contentKeyHex"], V["contentAesKeyHex"], V["contentIvKeyHex"]}) == 3


def test_derive_from_token(gate):
    for v in V["viewers"]:
        d = gate.call("deriveFromToken", V["tokens"][v], V["keyCheck"])
        assert d["keyId"] == V["keyIds"][v]
        assert b64hex(d["wrapKeyB64"]) == V["wrapKeysHex"][v]
        assert b64hex(d["feedbackKeyB64"]) == V["feedbackKeysHex"][v]
        assert d["feedbackKeyB64"] == V["feedbackKeysB64"][v]
    for bad in (V["tokens"]["alice"][:20], V["tokens"]["alice"] + "AAAA"):
        with pytest.raises(GateError):
            gate.call("deriveFromToken", bad, V["keyCheck"])
    r = gate.call("deriveFromToken", V["tokens"]["alice"], V["rotation"]["keyCheck"])
    assert r["keyId"] == V["rotation"]["keyIdAlice"] != V["keyIds"]["alice"]
    assert b64hex(r["feedbackKeyB64"]) == V["rotation"]["feedbackKeyAliceHex"]


def test_keyring_entries(gate):
    ring = json.loads(V["keyring"])
    assert ring["kc"] == V["keyCheck"] and ring["a"] == V["accountPath"]
    assert len(ring["e"]) == V["keyringEntryCount"] == 8
    assert {len(base64.b64decode(e["ct"])) for e in ring["e"]} == {V["keyringEntrySize"] + 16}
    for v in V["viewers"]:
        d = gate.call("deriveFromToken", V["tokens"][v], ring["kc"])
        e = next(e for e in ring["e"] if e["id"] == d["keyId"])
        assert gate.call("unwrap", e, d["wrapKeyB64"], ring["a"]) == json.loads(V["keyringEntryPlaintexts"][v])
        raw = gate.call("open", hx(b64hex(d["wrapKeyB64"])), hx(b64hex(e["iv"])), hx(b64hex(e["ct"])),
                        V["keyringAdditionalData"])
        padded = T.M.pad(V["keyringEntryPlaintexts"][v], V["keyringEntrySize"])
        assert bytes.fromhex(raw) == padded   # exact bytes, padding included
        # deterministic IV of the entry, from the wrap IV key (not the wrap key)
        iv = gate.call("hmac", hx(V["wrapIvKeysHex"][v]),
                       hx(("iv\0" + V["keyringAdditionalData"] + "\0").encode().hex() + padded.hex()))
        assert iv[:24] == b64hex(e["iv"])
    a = gate.call("deriveFromToken", V["tokens"]["alice"], ring["kc"])
    eb = next(e for e in ring["e"] if e["id"] == V["keyIds"]["bob"])
    with pytest.raises(GateError):   # another viewer's wrap key
        gate.call("unwrap", eb, a["wrapKeyB64"], ring["a"])
    ea = next(e for e in ring["e"] if e["id"] == V["keyIds"]["alice"])
    with pytest.raises(GateError):   # another account path (additional data)
        gate.call("unwrap", ea, a["wrapKeyB64"], "0" * 20)


def test_page_payload(gate):
    p = json.loads(V["page"]["payload"])
    assert p["p"] == V["page"]["path"]
    assert gate.call("decryptPage", p, V["contentKeyB64"], V["accountPath"]) == V["page"]["plaintext"]
    padded = T.M.pad(V["page"]["plaintext"], V["page"]["paddedSize"])
    iv = gate.call("hmac", hx(V["contentIvKeyHex"]),
                   hx(("iv\0" + V["page"]["additionalData"] + "\0").encode().hex() + padded.hex()))
    assert iv[:24] == V["page"]["ivHex"] == b64hex(p["iv"])
    assert len(base64.b64decode(p["ct"])) == V["page"]["paddedSize"] + 16
    with pytest.raises(GateError):   # the content key is not the AES key
        gate.call("open", hx(V["contentKeyHex"]), hx(b64hex(p["iv"])), hx(b64hex(p["ct"])), V["page"]["additionalData"])
    rot = base64.b64encode(bytes.fromhex(V["rotation"]["contentKeyHex"])).decode()
    with pytest.raises(GateError):   # the rotated key
        gate.call("decryptPage", p, rot, V["accountPath"])
    with pytest.raises(GateError):   # the page moved to another path
        gate.call("decryptPage", dict(p, p="insights/other/index.html"), V["contentKeyB64"], V["accountPath"])


def test_asset(gate):
    a = V["asset"]
    assert gate.call("decryptAsset", hx(b64hex(a["fileB64"])), V["contentKeyB64"], V["accountPath"],
                     a["name"]) == a["bytesHex"]
    name_mac = gate.call("hmac", hx(V["accountKeyHex"]), "asset\0" + a["name"])
    assert a["fileName"] == "assets/%s.bin" % name_mac[:20]
    with pytest.raises(GateError):   # served under another name
        gate.call("decryptAsset", hx(b64hex(a["fileB64"])), V["contentKeyB64"], V["accountPath"], "assets/y.bin")


def test_feedback_proof(gate):
    f = V["feedback"]
    assert gate.call("proof", V["feedbackKeysB64"][f["viewer"]], f["body"]) == f["proof"]
    assert gate.call("hmac", hx(f["feedbackKeyHex"]), f["body"]) == T.M.b64u_decode(f["proof"]).hex()


def test_page_side_export_matches_vectors(browser, fixture_server, fixture_site):
    """In a page (with a DOM, under the real CSP), gate.js exposes window.PorticoGate."""
    alpha = fixture_site.accounts["alpha"]
    browser.get("%s/%s/" % (fixture_server.base, alpha.path))
    assert T.settle(browser) == "locked"
    got = browser.execute_async_script(
        "var done=arguments[arguments.length-1], kc=arguments[1];"
        "Promise.all(arguments[0].map(function(t){return window.PorticoGate.deriveFromToken(t, kc)}))"
        ".then(done, function(e){done(String(e))})", [V["tokens"][v] for v in V["viewers"]], V["keyCheck"])
    for v, d in zip(V["viewers"], got):
        assert d["keyId"] == V["keyIds"][v]
        assert b64hex(d["wrapKeyB64"]) == V["wrapKeysHex"][v]
        assert b64hex(d["feedbackKeyB64"]) == V["feedbackKeysHex"][v]
    # the internals are not exported to pages
    assert browser.execute_script("return typeof window.PorticoGateInternals") == "undefined"
    # the script the page runs (inline) is the shipped file, whose hash the CSP names
    inline = browser.execute_script("return document.querySelector('head script:not([type])').textContent")
    shipped = open(os.path.join(fixture_site.site, "_portico", "gate.js"), "rb").read()
    assert inline.encode() == shipped
    csp = browser.execute_script("return document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "script-src 'sha256-" + base64.b64encode(hashlib.sha256(shipped).digest()).decode() + "'" in csp
