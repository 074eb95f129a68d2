"""The server key file (`.portico/server-keys`) against a thief: with only that file, no page, asset or
keyring entry of the site opens. Every key-like value in the file is tried as an AES-GCM content key
and as a viewer token, on every page and asset; the same attempts with the real keys succeed, so
the attack would notice a leak."""
import base64
import binascii
import json
import os
import re
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "browser"))
import portico_testlib as T  # noqa: E402


def key_like_values(document):
    """Every string in the file that decodes (base64url, base64 or hex) to 16 bytes or more."""
    found = set()

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            for decode in (lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)),
                           lambda t: base64.b64decode(t + "=" * (-len(t) % 4)), bytes.fromhex):
                try:
                    raw = decode(value)
                except (binascii.Error, ValueError):
                    continue
                if len(raw) >= 16:
                    found.add(raw)
    walk(document)
    return sorted(found)


def as_aes_keys(raw):
    return [k for k in {raw, raw[:16], raw[:32]} if len(k) in (16, 24, 32)]


def opens_page(html, path, key):
    """The value tried as the content key (through the format's derivation) and as the AES key itself."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    page = T.read_json_script(html, "portico-page")
    ad = ("portico-page\0" + path + "\0" + page["p"]).encode()
    for attempt in (lambda: T.decrypt_page(html, path, key),
                    lambda: AESGCM(key).decrypt(base64.b64decode(page["iv"]), base64.b64decode(page["ct"]), ad)):
        try:
            attempt()
            return True
        except Exception:
            pass
    return False


def unwraps(html, path, token):
    try:
        return T.unwrap_with_token(html, path, token) is not None
    except Exception:
        return False


def opens_asset(blob, path, name, key):
    """As opens_page: the value as the content key and as the AES key itself."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    ad = ("portico-asset\0" + path + "\0" + name).encode()
    for attempt in (lambda: T.decrypt_asset(blob, path, name, key),
                    lambda: AESGCM(key).decrypt(blob[:12], blob[12:], ad)):
        try:
            attempt()
            return True
        except Exception:
            pass
    return False


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("server-keys")
    site, keys = str(root / "site"), str(root / "server-keys")
    T.build(T.FIXTURE_CONTENT, site, T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY, extra=["--server-keys", keys])
    return site, keys


def test_key_file_is_private_and_versioned(built):
    _, keys = built
    assert oct(os.stat(keys).st_mode & 0o777) == "0o600"
    document = json.load(open(keys, encoding="utf-8"))
    assert document["format"] == "portico-server-keys" and document["version"] == 1
    assert sorted(a["slug"] for a in document["accounts"]) == ["alpha", "beta"]


def test_key_file_opens_no_page_asset_or_keyring(built):
    site, keys = built
    document = json.load(open(keys, encoding="utf-8"))
    candidates = key_like_values(document)
    proof_keys = [v["proof_key"] for a in document["accounts"] for v in a["viewers"]]
    assert len(candidates) >= len(proof_keys) >= 4, "every proof key is tried"
    attempts = 0
    for entry in document["accounts"]:
        account = T.Account(T.FIXTURE_CONTENT, entry["slug"], T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
        assert entry["path"] == account.path
        pages = []
        for folder, _, files in os.walk(os.path.join(site, account.path)):
            for name in files:
                if name.endswith(".html"):
                    html = open(os.path.join(folder, name), encoding="utf-8").read()
                    if 'id="portico-page"' in html:
                        pages.append(html)
        assert pages, entry["slug"]
        assets = {}
        for html in pages:
            # the control: the real content key opens every page, a real token its keyring entry
            plain = T.decrypt_page(html, account.path, account.content_key)
            assert unwraps(html, account.path, account.token_bytes(account.active[0]))
            for url, name in re.findall(r'data-portico-asset="([^"]+)" data-portico-name="([^"]+)"', plain):
                assets[name] = os.path.join(site, account.path, "assets", os.path.basename(url))
        for name, file in assets.items():
            assert opens_asset(open(file, "rb").read(), account.path, name, account.content_key), name
        assert entry["slug"] != "alpha" or assets, "the fixture's alpha account has images"

        for raw in candidates:
            for key in as_aes_keys(raw):
                for html in pages:
                    attempts += 1
                    assert not opens_page(html, account.path, key), "a key file value opened a page"
                for name, file in assets.items():
                    attempts += 1
                    assert not opens_asset(open(file, "rb").read(), account.path, name, key), "a key file value opened " + name
            for token in {raw, raw[:16]}:
                for html in pages:
                    attempts += 1
                    assert not unwraps(html, account.path, token), "a key file value unwrapped a keyring entry"
    assert attempts > 100
