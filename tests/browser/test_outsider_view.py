"""What an outsider holding every public file learns about sizes and counts: each claim of
docs/security.md ("What an outsider learns") checked on real builds of the fixture portal and
the demo. The sizes are those of docs/design/gate-format.md ("Padding"), recomputed here with
the reference implementation."""
import base64
import os
import re

import pytest

import portico_testlib as T
from test_rotation import copy_content, remove_viewer, set_generation

M = T.M


def account_files(site, acct):
    root = os.path.join(site, acct.path)
    return [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]


def pages(site, acct):
    return [p for p in account_files(site, acct) if p.endswith(".html")]


def keyring_text(html):
    m = re.search(r'<script type="application/json" id="portico-keyring">(.*?)</script>', html, re.S)
    assert m
    return m.group(1)


def ring_of(site, acct, rel="index.html"):
    return T.read_json_script(open(os.path.join(site, acct.path, rel), encoding="utf-8").read(), "portico-keyring")


def is_power_of_two(n):
    return n > 0 and n & (n - 1) == 0


@pytest.fixture(scope="module")
def rebuilt(fixture_site, tmp_path_factory):
    """The fixture portal after one viewer of alpha leaves, and after a generation bump."""
    tmp = tmp_path_factory.mktemp("outsider")
    left = copy_content(tmp, "left")
    remove_viewer(left, "alpha", "a-active")
    bumped = copy_content(tmp, "bumped")
    set_generation(bumped, "alpha", 2)
    out = {}
    for name, content in (("left", left), ("bumped", bumped)):
        site = T.build(content, str(tmp / (name + "-site")), T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
        out[name] = (site, T.Account(content, "alpha", T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY))
    return out


@pytest.fixture(params=["fixture", "demo"])
def built(request, fixture_site, demo_site):
    return fixture_site if request.param == "fixture" else demo_site


def test_every_keyring_entry_has_one_size(built):
    """Claim: every entry of a keyring has the same length: a 12-byte IV and a ciphertext of
    entry size + 16, the entry size a power of two of at least 256 (256 in both portals)."""
    for acct in built.accounts.values():
        for p in pages(built.site, acct):
            ring = T.read_json_script(open(p, encoding="utf-8").read(), "portico-keyring")
            ivs = {len(base64.b64decode(e["iv"])) for e in ring["e"]}
            cts = {len(base64.b64decode(e["ct"])) for e in ring["e"]}
            ids = {len(e["id"]) for e in ring["e"]}
            assert ivs == {12} and ids == {12} and len(cts) == 1, (p, ivs, cts, ids)
            size = cts.pop() - 16
            assert is_power_of_two(size) and size >= 256
            assert size == 256, "the portals' names fit in 256 bytes"


def test_demo_entries_no_longer_tell_viewers_apart(demo_site):
    """The review's example: the demo's entries were 106 and 121 bytes long, telling t-reid from
    m-alvarez; now all entries of every demo keyring have exactly the same text length."""
    for acct in demo_site.accounts.values():
        ring = ring_of(demo_site.site, acct)
        assert len({len(e["id"]) + len(e["iv"]) + len(e["ct"]) for e in ring["e"]}) == 1


def test_entry_count_is_a_bucket(built):
    """Claim: the number of entries is the smallest power of two at least the number of active
    viewers, and at least 8: it tells only that bucket."""
    for acct in built.accounts.values():
        ring = ring_of(built.site, acct)
        n = len(ring["e"])
        assert n == M.entry_count(len(acct.active)) and n >= 8 and is_power_of_two(n)
        ids = [e["id"] for e in ring["e"]]
        assert ids == sorted(ids, key=lambda i: i.encode()) and len(set(ids)) == n
        # exactly the active viewers have an entry; the rest belong to no token at all
        real = {M.key_id(acct.token_bytes(v), ring["kc"]) for v in acct.active}
        assert real <= set(ids) and len(real) == len(acct.active) < n


def test_every_page_of_an_account_carries_the_same_keyring(built):
    """Claim: the keyring is the same bytes on every page of an account."""
    for acct in built.accounts.values():
        rings = {keyring_text(open(p, encoding="utf-8").read()) for p in pages(built.site, acct)}
        assert len(rings) == 1


def test_page_and_asset_sizes_are_buckets(built):
    """Claim: a page's ciphertext (a search shard's too: it is sealed as a page) is 16 bytes (the tag)
    longer than a size bucket (1024, 1280, 1536, 1792, 2048, 2560, …), an asset file 28 bytes longer
    (IV and tag)."""
    seen_pages = seen_assets = 0
    for acct in built.accounts.values():
        for p in account_files(built.site, acct):
            if p.endswith(".html") or "/search/shard-" in p:
                page = T.read_json_script(open(p, encoding="utf-8").read(), "portico-page")
                n = len(base64.b64decode(page["ct"])) - 16
                seen_pages += 1
            else:
                assert p.endswith(".bin"), p
                n = os.path.getsize(p) - 28
                seen_assets += 1
            assert M.in_size_buckets(n), (p, n)
    assert seen_pages >= 8 and seen_assets >= 2


def test_page_sizes_hide_small_differences(fixture_site, tmp_path):
    """A change of a few bytes to a page leaves its file size unchanged (same bucket)."""
    content = copy_content(tmp_path, "edit")
    alpha = fixture_site.accounts["alpha"]
    rel = os.path.join("insights", "quarterly-review", "index.html")
    md = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(content, "accounts", "alpha"))
          for f in fs if f.endswith(".md") and "MARKERTITLEALPHA1" in open(os.path.join(d, f), encoding="utf-8").read()]
    assert len(md) == 1
    text = open(md[0], encoding="utf-8").read()
    assert "markersentencealphaone" in text
    open(md[0], "w", encoding="utf-8").write(text.replace("markersentencealphaone", "markersentencealphaone-x", 1))
    site = T.build(content, str(tmp_path / "edit-site"), T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
    before = open(os.path.join(fixture_site.site, alpha.path, rel), encoding="utf-8").read()
    after = open(os.path.join(site, alpha.path, rel), encoding="utf-8").read()
    assert before != after and len(before) == len(after)


def test_key_ids_are_unlinkable_across_rotations_and_generations(fixture_site, rebuilt):
    """Claim: no key id survives a change of the viewer set or a generation bump, so who stayed
    and who left cannot be read from two publishes; the remaining viewer's new id is not the old."""
    alpha = fixture_site.accounts["alpha"]
    before = ring_of(fixture_site.site, alpha)
    for name, (site, acct) in rebuilt.items():
        after = ring_of(site, acct)
        assert after["kc"] != before["kc"], name
        assert not ({e["id"] for e in before["e"]} & {e["id"] for e in after["e"]}), name
        assert len(after["e"]) == len(before["e"]) == 8, name
    site, left = rebuilt["left"]
    old_id = M.key_id(alpha.token_bytes("a-second"), before["kc"])
    new_id = M.key_id(left.token_bytes("a-second"), ring_of(site, left)["kc"])
    assert old_id in {e["id"] for e in before["e"]} and new_id in {e["id"] for e in ring_of(site, left)["e"]}
    assert old_id != new_id


def test_an_unchanged_account_keeps_its_bytes(fixture_site, rebuilt):
    """Claim (what is still visible): files that did not change keep their bytes, so an outsider
    comparing publishes sees which files changed. beta is untouched by alpha's changes."""
    site, _ = rebuilt["left"]
    beta = fixture_site.accounts["beta"]
    for p in account_files(fixture_site.site, beta):
        rel = os.path.relpath(p, fixture_site.site)
        assert open(p, "rb").read() == open(os.path.join(site, rel), "rb").read(), rel
