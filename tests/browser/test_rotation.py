"""Reproducible builds and key rotation, on the fixture portal."""
import base64
import os
import re
import shutil

import pytest
from selenium.webdriver.common.by import By

import portico_testlib as T


def copy_content(tmp_path, name):
    dst = str(tmp_path / name / "content")
    shutil.copytree(T.FIXTURE_CONTENT, dst)
    return dst


def remove_viewer(content, slug, viewer_id):
    p = os.path.join(content, "accounts", slug, "account.yml")
    text = open(p, encoding="utf-8").read()
    new = re.sub(r"\n  - id: %s\n(    .*\n)*" % re.escape(viewer_id), "\n", text)
    assert new != text and viewer_id not in new
    open(p, "w", encoding="utf-8").write(new)


def set_generation(content, slug, gen):
    p = os.path.join(content, "accounts", slug, "account.yml")
    text = open(p, encoding="utf-8").read()
    new = re.sub(r"(?m)^generation: \d+$", "generation: %d" % gen, text)
    assert new != text
    open(p, "w", encoding="utf-8").write(new)


def page(site, acct, rel="index.html"):
    return open(os.path.join(site, acct.path, rel), encoding="utf-8").read()


def subtree(digest, prefix):
    return {k: v for k, v in digest.items() if k.startswith(prefix + os.sep)}


def test_same_input_gives_byte_identical_tree(fixture_site, tmp_path):
    first = T.tree_digest(fixture_site.site)
    assert len(first) >= 25
    again = T.build(T.FIXTURE_CONTENT, str(tmp_path / "again"), T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
    assert T.tree_digest(again) == first
    # a build over an existing output folder gives the same bytes too
    T.build(T.FIXTURE_CONTENT, again, T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
    assert T.tree_digest(again) == first
    # a copy of the content in another folder gives the same bytes (no absolute paths inside)
    moved = T.build(copy_content(tmp_path, "moved"), str(tmp_path / "moved-site"),
                    T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
    assert T.tree_digest(moved) == first


def test_another_secret_changes_every_account_file(fixture_site, tmp_path):
    other = T.build(T.FIXTURE_CONTENT, str(tmp_path / "other"), "11" * 32, T.FIXTURE_TODAY)
    a, b = T.tree_digest(fixture_site.site), T.tree_digest(other)
    acct_files = [k for k in a if k.split(os.sep)[0] in {x.path for x in fixture_site.accounts.values()}]
    assert acct_files and not (set(acct_files) & set(b))   # opaque paths differ


def test_removing_a_viewer_rotates_the_key(fixture_site, tmp_path):
    old_alpha, beta = fixture_site.accounts["alpha"], fixture_site.accounts["beta"]
    content = copy_content(tmp_path, "rotated")
    remove_viewer(content, "alpha", "a-active")
    site = T.build(content, str(tmp_path / "rotated-site"), T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
    new_alpha = T.Account(content, "alpha", T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
    assert new_alpha.path == old_alpha.path and new_alpha.active == ["a-second"]
    assert new_alpha.content_key != old_alpha.content_key

    for rel in ("index.html", "insights/quarterly-review/index.html", "search/index.html"):
        html = page(site, new_alpha, rel)
        ring = T.read_json_script(html, "portico-keyring")
        assert ring["kc"] == new_alpha.key_check != old_alpha.key_check
        assert len(ring["e"]) == 8   # one viewer, seven dummies: the count does not tell who left
        # the removed viewer's token finds no entry; the other viewer's opens the new key
        assert T.unwrap_with_token(html, new_alpha.path, old_alpha.token_bytes("a-active")) is None
        o = T.unwrap_with_token(html, new_alpha.path, old_alpha.token_bytes("a-second"))
        assert base64.b64decode(o["k"]) == new_alpha.content_key
        # the search page lists its shards; the titles are in the shards, sealed like pages
        opened = T.decrypt_page(html, new_alpha.path, new_alpha.content_key)
        if rel == "search/index.html":
            opened = T.decrypt_page(page(site, new_alpha, "search/shard-1.json"), new_alpha.path, new_alpha.content_key)
        assert "MARKERTITLE" in opened
        with pytest.raises(Exception):   # the old key (kept by the removed viewer) opens nothing
            T.decrypt_page(html, new_alpha.path, old_alpha.content_key)
    # assets are re-encrypted too
    old_assets = subtree(T.tree_digest(fixture_site.site), old_alpha.path)
    new_assets = subtree(T.tree_digest(site), new_alpha.path)
    assets = [k for k in old_assets if os.sep + "assets" + os.sep in k]
    assert assets and all(old_assets[k] != new_assets[k] for k in assets)
    # the other account is untouched, byte for byte
    assert subtree(T.tree_digest(site), beta.path) == subtree(T.tree_digest(fixture_site.site), beta.path)


def test_generation_bump_reissues_every_link(fixture_site, tmp_path):
    old = fixture_site.accounts["alpha"]
    content = copy_content(tmp_path, "gen2")
    set_generation(content, "alpha", 2)
    site = T.build(content, str(tmp_path / "gen2-site"), T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
    new = T.Account(content, "alpha", T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
    assert new.generation == 2
    html = page(site, new)
    for v in new.active:
        assert T.unwrap_with_token(html, new.path, old.token_bytes(v)) is None
        o = T.unwrap_with_token(html, new.path, new.token_bytes(v))
        assert base64.b64decode(o["k"]) == new.content_key
    # `portico token issue` prints the generation-2 link
    r = T.run_portico(["token", "issue", "alpha", "a-second", "--content", content],
                      secret_hex=T.FIXTURE_SECRET_HEX, today=T.FIXTURE_TODAY)
    assert r.stdout.strip().endswith("/%s/#k=%s" % (new.path, new.token("a-second"))), r.stdout


def test_cli_tokens_match_the_reference(fixture_site):
    for slug, acct in fixture_site.accounts.items():
        for v in acct.active:
            r = T.run_portico(["token", "issue", slug, v, "--content", fixture_site.content],
                              secret_hex=T.FIXTURE_SECRET_HEX, today=T.FIXTURE_TODAY)
            assert r.stdout.strip() == "http://127.0.0.1/%s/#k=%s" % (acct.path, acct.token(v))
        for v in sorted(set(acct.viewers) - set(acct.active)):
            r = T.run_portico(["token", "issue", slug, v, "--content", fixture_site.content],
                              secret_hex=T.FIXTURE_SECRET_HEX, today=T.FIXTURE_TODAY, check=False)
            assert r.returncode != 0 and acct.token(v) not in r.stdout + r.stderr


def test_rotation_in_chromium(driver, fixture_site, tmp_path):
    """A reader with a stored session sees 'access changed' after the rebuild; the removed
    viewer's link is invalid; the remaining viewer's link opens the new site."""
    alpha = fixture_site.accounts["alpha"]
    content = copy_content(tmp_path, "rot")
    remove_viewer(content, "alpha", "a-active")
    new_site = T.build(content, str(tmp_path / "rot-site"), T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
    www = str(tmp_path / "www")
    shutil.copytree(fixture_site.site, www)
    srv = T.Server(www)
    try:
        home = "%s/%s/" % (srv.base, alpha.path)
        driver.get(home + "#k=" + alpha.token("a-active"))
        assert T.settle(driver) == "unlocked"
        driver.find_element(By.CSS_SELECTOR, "input[data-portico-remember]").click()
        T.wait_for(driver, lambda d: T.stored_session(d, alpha.path, "device"), what="the device record")

        shutil.rmtree(www)
        shutil.copytree(new_site, www)
        driver.get(home)
        assert T.settle(driver) == "changed"
        assert T.stored_session(driver, alpha.path, "tab") is None
        assert T.stored_session(driver, alpha.path, "device") is None
        assert "MARKER" not in driver.page_source
        driver.get(home + "insights/quarterly-review/#k=" + alpha.token("a-active"))
        assert T.settle(driver) == "invalid"
        assert "MARKER" not in driver.page_source
        driver.get(home + "insights/quarterly-review/#k=" + alpha.token("a-second"))
        assert T.settle(driver) == "unlocked"
        assert "markersentencealphaone" in driver.find_element(By.TAG_NAME, "body").text
        assert "MARKERVIEWERALPHA Second" in driver.find_element(
            By.CSS_SELECTOR, "[data-portico-watermark]").text
    finally:
        T.clear_storage(driver, srv.base)
        srv.close()
