"""The gate in real headless Chromium, on the fixture portal built by `portico build`
(served with the CSP and other headers of its own _headers file)."""
import base64
import json
import os
import re
import shutil

import pytest
from selenium.webdriver.common.by import By

import portico_testlib as T

ALL_MARKERS = T.fixture_markers()
WRONG_TOKEN = T.M.b64u(bytes(range(100, 116)))   # well-formed, belongs to nobody


def url(server, acct, rel="", token=None):
    return "%s/%s/%s%s" % (server.base, acct.path, rel, ("#k=" + token) if token else "")


def open_with(drv, server, acct, rel="", token=None):
    drv.get(url(server, acct, rel, token))
    return T.settle(drv)


def body_text(drv):
    return drv.execute_script("return document.body ? document.body.innerText : ''")


def leaked(drv, markers=ALL_MARKERS):
    src = drv.page_source + drv.execute_script("return document.documentElement.outerHTML")
    return [m for m in markers if m in src]


def severe_logs(drv):
    return [l for l in drv.get_log("browser") if l["level"] == "SEVERE"]


def session_entry(drv, acct, which="tab"):
    """gate.js's record for the account: this tab's ('tab') or the remembered device's ('device')."""
    return T.stored_session(drv, acct.path, which)


def test_fixture_viewer_sets(alpha, beta):
    # the build date is pinned: expired and revoked viewers get no key
    assert alpha.active == ["a-active", "a-second"]
    assert beta.active == ["b-active", "b-second"]


def test_magic_link_opens_article(driver, fixture_server, alpha):
    tok = alpha.token("a-active")
    assert open_with(driver, fixture_server, alpha, "insights/quarterly-review/", tok) == "unlocked"
    T.wait_for(driver, lambda d: "MARKERTITLEALPHA1" in d.find_element(By.TAG_NAME, "h1").text,
               what="the article title")
    text = body_text(driver)
    for m in ("markersentencealphaone", "markersentencealphatwo", "MARKERSMEALPHA Expert",
              "MARKERCLIENTALPHA Holdings"):
        assert m in text, m
    # the token is gone from the address bar and the document
    href = driver.execute_script("return location.href")
    assert "#" not in href and tok not in href, href
    assert href == url(fixture_server, alpha, "insights/quarterly-review/")
    assert tok not in driver.page_source
    assert driver.title.startswith("MARKERTITLEALPHA1")
    # watermark names the viewer
    wm = driver.find_element(By.CSS_SELECTOR, "[data-portico-watermark]").text
    assert "MARKERVIEWERALPHA Active" in wm, wm
    # session stored for this account only, with the keyring's key check
    s = session_entry(driver, alpha)
    assert s["v"] == "a-active" and s["kc"] == alpha.key_check and s["x"] == "2030-12-31"
    assert s["aesExtractable"] is False and s["aesExportError"] == "InvalidAccessError"
    # brand colours applied through CSSOM (allowed by the CSP)
    assert driver.execute_script(
        "return document.documentElement.style.getPropertyValue('--accent')").strip()
    assert not severe_logs(driver)


def test_chinese_account_opens(driver, fixture_server, beta):
    assert open_with(driver, fixture_server, beta, "insights/annual-plan/",
                     beta.token("b-active")) == "unlocked"
    T.wait_for(driver, lambda d: "标记标题乙一" in d.find_element(By.TAG_NAME, "h1").text,
               what="the Chinese title")
    assert driver.execute_script("return document.documentElement.lang") == "zh-CN"
    text = body_text(driver)
    assert "标记文字甲" in text and "标记文字乙" in text and "标记客户乙集团" in text
    wm = driver.find_element(By.CSS_SELECTOR, "[data-portico-watermark]").text
    assert "标记读者乙甲" in wm, wm
    assert not severe_logs(driver)


def test_navigation_keeps_access_without_token(driver, fixture_server, alpha):
    open_with(driver, fixture_server, alpha, "insights/quarterly-review/", alpha.token("a-active"))
    driver.find_element(By.CSS_SELECTOR, ".pt-prose a[href*='rollout-plan']").click()
    T.wait_for(driver, lambda d: d.current_url.endswith("/solutions/rollout-plan/"),
               what="navigation to the rollout plan")
    assert T.settle(driver) == "unlocked"
    T.wait_for(driver, lambda d: "MARKERTITLEALPHA2" in d.find_element(By.TAG_NAME, "h1").text,
               what="the second page's title")
    assert "markersentencealphathree" in body_text(driver)
    # a library page included in the account, through the navigation, then home
    driver.find_element(By.CSS_SELECTOR, ".pt-prose a[href*='quarterly-review']").click()
    T.wait_for(driver, lambda d: d.current_url.endswith("/insights/quarterly-review/"))
    assert T.settle(driver) == "unlocked"
    driver.find_element(By.CSS_SELECTOR, ".pt-prose a[href*='market-outlook']").click()
    T.wait_for(driver, lambda d: d.current_url.endswith("/insights/market-outlook/"))
    assert T.settle(driver) == "unlocked"
    T.wait_for(driver, lambda d: "MARKERTITLELIB1" in d.find_element(By.TAG_NAME, "h1").text)
    driver.find_element(By.CSS_SELECTOR, "a.pt-brand").click()
    T.wait_for(driver, lambda d: d.current_url == url(fixture_server, alpha))
    assert T.settle(driver) == "unlocked"
    assert "MARKERTITLEALPHA1" in body_text(driver)
    assert "#" not in driver.current_url
    assert not severe_logs(driver)


@pytest.mark.parametrize("who", ["wrong", "malformed", "expired", "revoked"])
def test_rejected_tokens_show_invalid_and_nothing_else(driver, fixture_server, alpha, who):
    tok = {"wrong": WRONG_TOKEN, "malformed": "abc",
           "expired": alpha.token("a-expired"), "revoked": alpha.token("a-revoked")}[who]
    for rel in ("", "insights/quarterly-review/"):
        assert open_with(driver, fixture_server, alpha, rel, tok) == "invalid", rel
        assert "#" not in driver.execute_script("return location.href")
        assert leaked(driver) == []
        assert session_entry(driver, alpha) is None
        assert session_entry(driver, alpha, "device") is None


def test_expired_and_revoked_have_no_keyring_entry(fixture_site, alpha):
    # the same fact checked with the reference implementation, on every page of the account
    root = os.path.join(fixture_site.site, alpha.path)
    pages = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".html")]
    assert len(pages) >= 8
    for p in pages:
        html = open(p, encoding="utf-8").read()
        ring = T.read_json_script(html, "portico-keyring")
        assert ring["a"] == alpha.path and ring["kc"] == alpha.key_check
        assert len(ring["e"]) == 8   # two viewers and six dummy entries (docs/security.md)
        for v in ("a-expired", "a-revoked"):
            assert T.unwrap_with_token(html, alpha.path, alpha.token_bytes(v)) is None
        o = T.unwrap_with_token(html, alpha.path, alpha.token_bytes("a-second"))
        assert o == {"k": base64.b64encode(alpha.content_key).decode(), "v": "a-second",
                     "n": "MARKERVIEWERALPHA Second", "x": ""}
        opened = T.decrypt_page(html, alpha.path, alpha.content_key)
        if p.endswith(os.path.join("search", "index.html")):
            # the search page lists its shards; the titles are in the shards, sealed like pages
            with open(os.path.join(os.path.dirname(p), "shard-1.json"), encoding="utf-8") as shard:
                opened = T.decrypt_page(shard.read(), alpha.path, alpha.content_key)
        assert "MARKERTITLE" in opened


def test_token_of_one_account_opens_nothing_of_another(driver, fixture_server, alpha, beta):
    for rel in ("", "insights/annual-plan/", "insights/market-outlook/"):
        assert open_with(driver, fixture_server, beta, rel, alpha.token("a-active")) == "invalid"
        assert leaked(driver) == []
    for rel in ("", "insights/quarterly-review/", "insights/market-outlook/"):
        assert open_with(driver, fixture_server, alpha, rel, beta.token("b-active")) == "invalid"
        assert leaked(driver) == []
    # an open session of one account gives nothing in the other (same origin, other path)
    assert open_with(driver, fixture_server, alpha, "", alpha.token("a-active")) == "unlocked"
    assert open_with(driver, fixture_server, beta, "insights/market-outlook/") == "locked"
    assert leaked(driver) == []
    # and a viewer id of one account used as if it belonged to the other: its token differs
    assert beta.token("a-active") != alpha.token("a-active")
    assert open_with(driver, fixture_server, beta, "", beta.token("a-active")) == "invalid"


def _flip_b64(s, index):
    raw = bytearray(base64.b64decode(s))
    raw[index % len(raw)] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


class _Tampered:
    """The article replaced in place by a mutated copy (a copy elsewhere would fail the path check
    before the bytes are even read); `restore()` puts the original back."""

    def __init__(self, fixture_site, alpha, mutate):
        self.path = os.path.join(fixture_site.site, alpha.path, "insights", "quarterly-review", "index.html")
        self.original = open(self.path, encoding="utf-8").read()
        self.mutated = mutate(self.original)
        assert self.mutated != self.original
        self.apply()

    def apply(self):
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(self.mutated)

    def restore(self):
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(self.original)


@pytest.mark.parametrize("where", ["first", "middle", "tag"])
def test_flipped_page_byte_shows_damaged(driver, fixture_server, fixture_site, alpha, where):
    def mutate(html):
        m = re.search(r'(<script type="application/json" id="portico-page">)(.*?)(</script>)', html, re.S)
        p = json.loads(m.group(2))
        n = len(base64.b64decode(p["ct"]))
        p["ct"] = _flip_b64(p["ct"], {"first": 0, "middle": n // 2, "tag": n - 1}[where])
        out = html[:m.start(2)] + json.dumps(p, separators=(",", ":")) + html[m.end(2):]
        assert out != html
        return out
    t = _Tampered(fixture_site, alpha, mutate)
    try:
        assert open_with(driver, fixture_server, alpha, "insights/quarterly-review/",
                         alpha.token("a-active")) == "damaged"
        assert leaked(driver) == []
        # the untouched page opens with the session the token left behind
        t.restore()
        assert open_with(driver, fixture_server, alpha, "insights/quarterly-review/") == "unlocked"
        # and the damaged one stays damaged when opened from the session
        t.apply()
        assert open_with(driver, fixture_server, alpha, "insights/quarterly-review/") == "damaged"
        assert leaked(driver) == []
    finally:
        t.restore()


def test_flipped_keyring_entry_shows_damaged(driver, fixture_server, fixture_site, alpha):
    kid = T.M.key_id(alpha.token_bytes("a-active"), alpha.key_check)

    def mutate(html):
        m = re.search(r'(<script type="application/json" id="portico-keyring">)(.*?)(</script>)', html, re.S)
        ring = json.loads(m.group(2))
        e = next(e for e in ring["e"] if e["id"] == kid)
        e["ct"] = _flip_b64(e["ct"], 5)
        return html[:m.start(2)] + json.dumps(ring, separators=(",", ":")) + html[m.end(2):]
    t = _Tampered(fixture_site, alpha, mutate)
    try:
        assert open_with(driver, fixture_server, alpha, "insights/quarterly-review/",
                         alpha.token("a-active")) == "damaged"
        assert leaked(driver) == [] and session_entry(driver, alpha) is None
    finally:
        t.restore()


def test_sign_out_locks_again(driver, fixture_server, alpha):
    assert open_with(driver, fixture_server, alpha, "insights/quarterly-review/",
                     alpha.token("a-active")) == "unlocked"
    driver.find_element(By.CSS_SELECTOR, "input[data-portico-remember]").click()
    T.wait_for(driver, lambda d: session_entry(d, alpha, "device") is not None, what="the device record")
    driver.find_element(By.CSS_SELECTOR, "[data-portico-signout]").click()
    T.wait_for(driver, lambda d: T.gate_state(d) == "locked", what="the locked gate after sign-out")
    assert leaked(driver) == []
    assert session_entry(driver, alpha) is None
    assert session_entry(driver, alpha, "device") is None
    for rel in ("", "insights/quarterly-review/", "solutions/rollout-plan/"):
        assert open_with(driver, fixture_server, alpha, rel) == "locked", rel
        assert leaked(driver) == []


def test_images_become_blob_urls(driver, fixture_server, alpha, beta):
    cases = [(alpha, "a-active", "insights/quarterly-review/",
              {"assets/diagram.png": (8, 6), "assets/logo.svg": (40, 40)}),
             (alpha, "a-active", "insights/market-outlook/", {"assets/library/chart.svg": (120, 60)}),
             (beta, "b-active", "insights/annual-plan/", {"assets/photo.png": (5, 7)})]
    for acct, viewer, rel, want in cases:
        assert open_with(driver, fixture_server, acct, rel, acct.token(viewer)) == "unlocked"
        js = ("return [].map.call(document.querySelectorAll('img[data-portico-asset]'),function(i){"
              "return [i.getAttribute('data-portico-name'),i.currentSrc||i.src,i.complete,"
              "i.naturalWidth,i.naturalHeight]})")
        T.wait_for(driver, lambda d: all(r[1].startswith("blob:") and r[2] and r[3] > 0
                                         for r in d.execute_script(js)),
                   what="all images decrypted to blob: URLs on " + rel)
        got = {r[0]: (r[3], r[4]) for r in driver.execute_script(js)}
        assert set(want) <= set(got), got
        for name, size in want.items():
            assert got[name] == size, (name, got[name])
        assert all(r[1].startswith("blob:") for r in driver.execute_script(js))
        assert not severe_logs(driver)


def test_remember_device_survives_a_new_browser(fixture_server, alpha, tmp_path):
    profile = str(tmp_path / "profile")
    home = url(fixture_server, alpha)
    # 1. without "remember": a new browser session is locked
    drv = T.chromium(user_data_dir=profile)
    try:
        drv.get(home + "#k=" + alpha.token("a-second"))
        assert T.settle(drv) == "unlocked"
    finally:
        drv.quit()
    drv = T.chromium(user_data_dir=profile)
    try:
        drv.get(home)
        assert T.settle(drv) == "locked"
        # 2. with "remember"
        drv.get(home + "#k=" + alpha.token("a-active"))
        assert T.settle(drv) == "unlocked"
        box = drv.find_element(By.CSS_SELECTOR, "input[data-portico-remember]")
        assert not box.is_selected()
        box.click()
        T.wait_for(drv, lambda d: T.stored_session(d, alpha.path, "device") is not None, what="the device record")
        stored = T.stored_session(drv, alpha.path, "device")
        assert stored["v"] == "a-active" and stored["x"] == "2030-12-31" and stored["aesExtractable"] is False
    finally:
        drv.quit()
    drv = T.chromium(user_data_dir=profile)
    try:
        drv.get(home)
        assert T.settle(drv) == "unlocked"
        assert "MARKERVIEWERALPHA Active" in drv.find_element(By.CSS_SELECTOR, "[data-portico-watermark]").text
        assert drv.find_element(By.CSS_SELECTOR, "input[data-portico-remember]").is_selected()
        # unticking forgets the device
        drv.find_element(By.CSS_SELECTOR, "input[data-portico-remember]").click()
        T.wait_for(drv, lambda d: T.stored_session(d, alpha.path, "device") is None, what="the device record to go")
    finally:
        drv.quit()
    drv = T.chromium(user_data_dir=profile)
    try:
        drv.get(home)
        assert T.settle(drv) == "locked"
    finally:
        drv.quit()


def test_search_finds_pages_after_unlock(driver, fixture_server, beta):
    assert open_with(driver, fixture_server, beta, "search/", beta.token("b-active")) == "unlocked"
    box = driver.find_element(By.CSS_SELECTOR, "input[data-portico-search]")
    box.send_keys("标记文字丙")
    T.wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-portico-search-results] a"),
               what="search results")
    links = [a.get_attribute("href") for a in
             driver.find_elements(By.CSS_SELECTOR, "[data-portico-search-results] a")]
    assert len(links) == 1 and links[0].endswith("/case-studies/pilot-results/"), links
