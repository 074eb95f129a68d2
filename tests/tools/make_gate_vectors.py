#!/usr/bin/env python3
"""Reference implementation of docs/design/gate-format.md (version 2).

Independent of the Swift code: uses only the `cryptography` package. Writes
Tests/Fixtures/gate-vectors.json deterministically (same bytes on every run), for the Swift
tests (PorticoGateTests, PorticoFeedbackTests) and tests/js/gate_vectors.test.mjs.

Usage: python3 tests/tools/make_gate_vectors.py [--check]
  --check  do not write; exit 1 if the file on disk differs from what would be written.
"""
import base64
import hashlib
import hmac as _hmac
import json
import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "gate-vectors.json")

SALT = b"portico/v1"


# --- primitives ------------------------------------------------------------------------------
def utf8(s):
    return s.encode("utf-8") if isinstance(s, str) else bytes(s)


def hkdf(ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=SALT, info=utf8(info)).derive(ikm)


def hmac(key, msg):
    # cryptography's HMAC and hashlib's agree; use cryptography as asked, cross-check below.
    from cryptography.hazmat.primitives import hmac as chmac
    h = chmac.HMAC(key, hashes.SHA256())
    h.update(utf8(msg))
    out = h.finalize()
    assert out == _hmac.new(key, utf8(msg), hashlib.sha256).digest()
    return out


def b64(b):
    return base64.b64encode(b).decode("ascii")


def b64u(b):
    return base64.urlsafe_b64encode(b).decode("ascii").rstrip("=")


def b64u_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def compact_json(obj):
    # The format's JSON: no spaces, keys in insertion order, non-ASCII as raw UTF-8,
    # "/" NOT escaped (Swift's JSONEncoder escapes it unless .withoutEscapingSlashes).
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


FORMAT_VERSION = 2


# --- padding (section "Padding") ------------------------------------------------------------------
def size_bucket(n):
    """The smallest m * 2^e >= n with m in {4, 5, 6, 7} and e >= 8: 1024, 1280, 1536, 1792, 2048, 2560, ..."""
    e = 8
    while True:
        for m in (4, 5, 6, 7):
            if m << e >= n:
                return m << e
        e += 1


def in_size_buckets(n):
    return n >= 1024 and size_bucket(n) == n


def entry_bucket(n):
    """Keyring entries: the smallest power of two >= n, at least 256."""
    b = 256
    while b < n:
        b *= 2
    return b


def entry_count(n):
    """Keyring entries, real and dummy: the smallest power of two >= n, at least 8."""
    c = 8
    while c < n:
        c *= 2
    return c


def pad(plaintext, size):
    """P || 0x80 || 0x00... to exactly `size` bytes (ISO/IEC 7816-4)."""
    p = utf8(plaintext)
    assert len(p) < size
    return p + b"\x80" + b"\0" * (size - len(p) - 1)


def unpad(m):
    body = m.rstrip(b"\0")
    assert body.endswith(b"\x80"), "bad padding"
    return body[:-1]


# --- sealing ------------------------------------------------------------------------------------
def det_iv(iv_key, ad, message):
    """iv = HMAC(ivKey, "iv\\0" + A + "\\0" + M)[0..<12], M the padded plaintext"""
    return hmac(iv_key, b"iv\0" + utf8(ad) + b"\0" + utf8(message))[:12]


def seal(aes_key, iv_key, ad, message):
    """AES-256-GCM with the deterministic IV; returns (iv, ct||tag)."""
    iv = det_iv(iv_key, ad, message)
    return iv, AESGCM(aes_key).encrypt(iv, utf8(message), utf8(ad))


# --- derivations (table "Keys") ---------------------------------------------------------------
def account_key(secret, slug):
    return hkdf(secret, "account\0" + slug, 32)


def account_path(secret, slug):
    return hkdf(secret, "path\0" + slug, 10).hex()


def viewer_token(acct_key, viewer_id, generation, serial=None):
    suffix = "" if serial is None else "\0" + serial
    return hkdf(acct_key, "token\0" + viewer_id + "\0" + str(generation) + suffix, 16)


def content_key(acct_key, generation, active_ids):
    return hkdf(acct_key, "content\0" + str(generation) + "\0" + "\n".join(sorted(active_ids)), 32)


def content_aes_key(ckey):
    return hkdf(ckey, "aes-gcm", 32)


def content_iv_key(ckey):
    return hkdf(ckey, "iv", 32)


def key_check(ckey):
    return b64u(hkdf(ckey, "check", 12))


def key_id(token, kc):
    return b64u(hkdf(token, "id\0" + kc, 9))


def wrap_key(token):
    return hkdf(token, "wrap", 32)


def wrap_iv_key(token):
    return hkdf(token, "wrap-iv", 32)


def feedback_key(token, kc):
    return hkdf(token, "feedback\0" + kc, 32)


def dummy_entry(acct_key, kc, index, size):
    label = "\0" + kc + "\0" + str(index)
    return {"id": b64u(hkdf(acct_key, "dummy-id" + label, 9)),
            "iv": b64(hkdf(acct_key, "dummy-iv" + label, 12)),
            "ct": b64(hkdf(acct_key, "dummy-ct" + label, size + 16))}


def keyring(acct_key, apath, ckey, viewers, tokens):
    """viewers: list of dicts {id, name, expires}; only the active ones."""
    kc = key_check(ckey)
    ad = "portico-keyring\0" + apath
    plains = {}
    for v in viewers:
        plains[v["id"]] = compact_json({"k": b64(ckey), "v": v["id"], "n": v["name"] or v["id"],
                                        "x": v["expires"] or ""})
    size = entry_bucket(max([len(utf8(p)) + 1 for p in plains.values()] or [0]))
    entries = []
    for v in viewers:
        tok = tokens[v["id"]]
        iv, ct = seal(wrap_key(tok), wrap_iv_key(tok), ad, pad(plains[v["id"]], size))
        entries.append({"id": key_id(tok, kc), "iv": b64(iv), "ct": b64(ct)})
    for i in range(entry_count(len(viewers)) - len(viewers)):
        entries.append(dummy_entry(acct_key, kc, i, size))
    entries.sort(key=lambda e: e["id"].encode("ascii"))  # byte order
    return compact_json({"v": FORMAT_VERSION, "a": apath, "kc": kc, "e": entries}), plains, size


def page_payload(apath, ckey, page_path, html):
    ad = "portico-page\0" + apath + "\0" + page_path
    m = pad(html, size_bucket(len(utf8(html)) + 1))
    iv, ct = seal(content_aes_key(ckey), content_iv_key(ckey), ad, m)
    return compact_json({"v": FORMAT_VERSION, "p": page_path, "iv": b64(iv), "ct": b64(ct)})


def asset_file_name(acct_key, name):
    return "assets/" + hmac(acct_key, "asset\0" + name)[:10].hex() + ".bin"


def asset_blob(apath, ckey, name, data):
    ad = "portico-asset\0" + apath + "\0" + name
    iv, ct = seal(content_aes_key(ckey), content_iv_key(ckey), ad, pad(data, size_bucket(len(data) + 1)))
    return iv + ct


# --- the vectors ------------------------------------------------------------------------------
def build():
    secret = bytes(range(32))
    slug = "acme"
    generation = 1
    viewers = [
        {"id": "alice", "name": "Alice Example", "expires": "2027-12-31"},
        # Non-ASCII name on purpose: the entry JSON carries it as raw UTF-8.
        {"id": "bob", "name": "Bob Müller", "expires": ""},
    ]
    ids = [v["id"] for v in viewers]

    akey = account_key(secret, slug)
    apath = account_path(secret, slug)
    tokens = {i: viewer_token(akey, i, generation) for i in ids}
    ckey = content_key(akey, generation, ids)
    kc = key_check(ckey)
    ring, plains, entry_size = keyring(akey, apath, ckey, viewers, tokens)

    page_path = "insights/hello/index.html"
    html = ('<!DOCTYPE html><html lang="en"><head><title>Hello</title></head>'
            '<body><p>Secret marker ZEBRAFISH</p></body></html>')
    payload = page_payload(apath, ckey, page_path, html)

    asset_name = "assets/x.bin"
    asset_bytes = bytes(range(64))
    blob = asset_blob(apath, ckey, asset_name, asset_bytes)

    # Feedback proof: the raw body exactly as sent (the server must HMAC the raw bytes, not
    # a re-serialisation). Includes a non-ASCII field value.
    fkey = feedback_key(tokens["alice"], kc)
    body = compact_json({
        "account": apath, "page": page_path, "viewer": "alice", "timestamp": 1767225600,
        "nonce": "AAECAwQFBgcICQoLDA0ODw",
        "fields": {"rating": 5, "useful": True, "comment": "Très utile — 很好"},
    })
    proof = b64u(hmac(fkey, body.encode("utf-8")))

    # Rotation: dropping bob changes the content key (and the key check).
    ckey_alice = content_key(akey, generation, ["alice"])
    # Order of the active ids must not matter (sorted before joining).
    assert content_key(akey, generation, ["bob", "alice"]) == ckey
    kc_alice = key_check(ckey_alice)
    # Generation bump changes tokens.
    token_alice_gen2 = viewer_token(akey, "alice", 2)
    # Key ids and feedback keys follow the key check: unlinkable across rotations.
    assert key_id(tokens["alice"], kc_alice) != key_id(tokens["alice"], kc)
    assert feedback_key(tokens["alice"], kc_alice) != fkey

    # Self-checks: everything decrypts with the other side's view of the data.
    r = json.loads(ring)
    assert len(r["e"]) == entry_count(len(viewers)) == 8
    assert len({len(e["ct"]) for e in r["e"]}) == 1 and len({len(e["iv"]) for e in r["e"]}) == 1
    for v in viewers:
        tok = b64u_decode(b64u(tokens[v["id"]]))
        e = next(e for e in r["e"] if e["id"] == key_id(tok, r["kc"]))
        pt = AESGCM(wrap_key(tok)).decrypt(base64.b64decode(e["iv"]), base64.b64decode(e["ct"]),
                                           utf8("portico-keyring\0" + apath))
        assert len(pt) == entry_size
        assert unpad(pt).decode("utf-8") == plains[v["id"]]
        assert key_check(base64.b64decode(json.loads(unpad(pt))["k"])) == r["kc"]
    p = json.loads(payload)
    m = AESGCM(content_aes_key(ckey)).decrypt(base64.b64decode(p["iv"]), base64.b64decode(p["ct"]),
                                              utf8("portico-page\0" + apath + "\0" + page_path))
    assert in_size_buckets(len(m)) and unpad(m).decode() == html
    m = AESGCM(content_aes_key(ckey)).decrypt(blob[:12], blob[12:],
                                              utf8("portico-asset\0" + apath + "\0" + asset_name))
    assert in_size_buckets(len(m)) and unpad(m) == asset_bytes
    assert len(apath) == 20 and all(len(b64u(t)) == 22 for t in tokens.values())
    assert all(len(key_id(t, kc)) == 12 for t in tokens.values())
    assert [size_bucket(n) for n in (0, 1024, 1025, 1281, 1792, 1793, 2049, 7169)] == \
        [1024, 1024, 1280, 1536, 1792, 2048, 2560, 8192]

    return {
        "formatVersion": FORMAT_VERSION,
        "comment": "Generated by tests/tools/make_gate_vectors.py from docs/design/gate-format.md. "
                   "Do not edit by hand.",
        "secretHex": secret.hex(),
        "accountSlug": slug,
        "generation": generation,
        "viewers": ids,
        "activeViewers": ids,
        "viewerNames": {v["id"]: v["name"] for v in viewers},
        "viewerExpires": {v["id"]: v["expires"] for v in viewers},
        "accountKeyHex": akey.hex(),
        "accountPath": apath,
        "tokens": {i: b64u(tokens[i]) for i in ids},
        "tokensHex": {i: tokens[i].hex() for i in ids},
        "contentKeyHex": ckey.hex(),
        "contentKeyB64": b64(ckey),
        "contentAesKeyHex": content_aes_key(ckey).hex(),
        "contentIvKeyHex": content_iv_key(ckey).hex(),
        "keyCheck": kc,
        "keyIds": {i: key_id(tokens[i], kc) for i in ids},
        "wrapKeysHex": {i: wrap_key(tokens[i]).hex() for i in ids},
        "wrapIvKeysHex": {i: wrap_iv_key(tokens[i]).hex() for i in ids},
        "feedbackKeysHex": {i: feedback_key(tokens[i], kc).hex() for i in ids},
        "feedbackKeysB64": {i: b64(feedback_key(tokens[i], kc)) for i in ids},
        "keyringEntryPlaintexts": plains,
        "keyringEntrySize": entry_size,
        "keyringEntryCount": len(r["e"]),
        "keyringAdditionalData": "portico-keyring\0" + apath,
        "keyring": ring,
        "page": {
            "path": page_path,
            "plaintext": html,
            "additionalData": "portico-page\0" + apath + "\0" + page_path,
            "paddedSize": size_bucket(len(utf8(html)) + 1),
            "ivHex": det_iv(content_iv_key(ckey), "portico-page\0" + apath + "\0" + page_path,
                            pad(html, size_bucket(len(utf8(html)) + 1))).hex(),
            "payload": payload,
        },
        "asset": {
            "name": asset_name,
            "bytesHex": asset_bytes.hex(),
            "fileName": asset_file_name(akey, asset_name),
            "additionalData": "portico-asset\0" + apath + "\0" + asset_name,
            "paddedSize": size_bucket(len(asset_bytes) + 1),
            "fileB64": b64(blob),
        },
        "feedback": {
            "viewer": "alice",
            "feedbackKeyHex": fkey.hex(),
            "body": body,
            "proof": proof,
        },
        "rotation": {
            "activeViewers": ["alice"],
            "contentKeyHex": ckey_alice.hex(),
            "keyCheck": kc_alice,
            "keyIdAlice": key_id(tokens["alice"], kc_alice),
            "feedbackKeyAliceHex": feedback_key(tokens["alice"], kc_alice).hex(),
        },
        "generation2": {"generation": 2, "tokenAlice": b64u(token_alice_gen2)},
    }


def main():
    text = json.dumps(build(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    if "--check" in sys.argv[1:]:
        try:
            with open(OUT, encoding="utf-8") as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        print("up to date" if same else "DIFFERS: " + OUT)
        sys.exit(0 if same else 1)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote " + os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
