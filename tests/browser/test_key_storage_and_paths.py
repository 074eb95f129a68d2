"""In real Chromium: where gate.js keeps keys (issue 16, item 5) and the page-path binding
checked against `location` (item 6). docs/security.md points here."""
import base64
import os
import shutil

import pytest
from selenium.webdriver.common.by import By

import portico_testlib as T

M = T.M
ARTICLE = os.path.join("insights", "quarterly-review", "index.html")


def open_at(drv, address):
    drv.get(address)
    return T.settle(drv)


def key_material(acct, viewer):
    """Every secret a browser handles for this viewer, in every text form it could be stored in."""
    tok = acct.token_bytes(viewer)
    secrets = [acct.content_key, M.content_aes_key(acct.content_key), M.wrap_key(tok),
               M.feedback_key(tok, acct.key_check), tok]
    forms = []
    for s in secrets:
        forms += [base64.b64encode(s).decode(), M.b64u(s), s.hex()]
    return forms


def test_no_key_in_web_storage_and_the_stored_keys_are_not_extractable(driver, fixture_server, alpha):
    base = "%s/%s/" % (fixture_server.base, alpha.path)
    # a raw session left by format v1 is deleted when a page opens
    driver.get(fixture_server.base + "/robots.txt")
    legacy = '{"k":"%s","kc":"old"}' % base64.b64encode(alpha.content_key).decode()
    driver.execute_script("localStorage.setItem(arguments[0], arguments[1]);"
                          "sessionStorage.setItem(arguments[0], arguments[1])", "portico:" + alpha.path, legacy)
    assert open_at(driver, base + "insights/quarterly-review/#k=" + alpha.token("a-active")) == "unlocked"
    driver.find_element(By.CSS_SELECTOR, "input[data-portico-remember]").click()
    T.wait_for(driver, lambda d: T.stored_session(d, alpha.path, "device"), what="the device record")

    stored = T.web_storage(driver)
    assert set(stored) == {"session:portico:tab"}, stored   # a random tab id, nothing else
    values = " ".join(stored.values())
    for form in key_material(alpha, "a-active"):
        assert form not in values
    for which in ("tab", "device"):
        rec = T.stored_session(driver, alpha.path, which)
        assert rec["aesType"] == "CryptoKey" and rec["aesAlgorithm"] == "AES-GCM" and rec["fkAlgorithm"] == "HMAC"
        assert rec["aesExtractable"] is False and rec["fkExtractable"] is False
        assert rec["aesExportError"] == "InvalidAccessError" and "aesExported" not in rec
        assert rec["fkExportError"] == "InvalidAccessError" and "fkExported" not in rec
        assert rec["kc"] == alpha.key_check and rec["v"] == "a-active"

    # the next page opens without the token, from the stored keys
    assert open_at(driver, base + "solutions/rollout-plan/") == "unlocked"
    assert "MARKERTITLEALPHA2" in driver.find_element(By.TAG_NAME, "h1").text
    assert set(T.web_storage(driver)) == {"session:portico:tab"}


def test_a_new_tab_without_the_link_is_locked_unless_remembered(driver, fixture_server, alpha):
    """The tab record stands in for sessionStorage: another tab (another tab id) has no session."""
    base = "%s/%s/" % (fixture_server.base, alpha.path)
    assert open_at(driver, base + "#k=" + alpha.token("a-active")) == "unlocked"
    first = driver.current_window_handle
    driver.switch_to.new_window("tab")
    try:
        assert open_at(driver, base) == "locked"
    finally:
        driver.close()
        driver.switch_to.window(first)
    driver.find_element(By.CSS_SELECTOR, "input[data-portico-remember]").click()
    T.wait_for(driver, lambda d: T.stored_session(d, alpha.path, "device"), what="the device record")
    driver.switch_to.new_window("tab")
    try:
        assert open_at(driver, base) == "unlocked"
    finally:
        driver.close()
        driver.switch_to.window(first)


@pytest.fixture
def moved_site(fixture_site, tmp_path):
    """A copy of the fixture site where alpha's article is also copied, whole, to other paths;
    and the untouched site again under a sub-folder."""
    www = str(tmp_path / "www")
    shutil.copytree(fixture_site.site, www)
    alpha, beta = fixture_site.accounts["alpha"], fixture_site.accounts["beta"]
    article = os.path.join(www, alpha.path, ARTICLE)
    targets = {
        "other-page": os.path.join(www, alpha.path, "solutions", "rollout-plan", "index.html"),
        "new-folder": os.path.join(www, alpha.path, "insights", "copied", "index.html"),
        "other-account": os.path.join(www, beta.path, "insights", "quarterly-review", "index.html"),
        "other-name": os.path.join(www, alpha.path, "insights", "quarterly-review", "copy.html"),
    }
    for dst in targets.values():
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(article, dst)
    shutil.copytree(fixture_site.site, os.path.join(www, "portal", "sub"))
    srv = T.Server(www)
    yield srv, targets, www
    srv.close()


def test_a_page_copied_to_another_path_shows_damaged(driver, moved_site, alpha):
    srv, targets, www = moved_site
    try:
        token = "#k=" + alpha.token("a-active")
        for name, dst in targets.items():
            rel = os.path.relpath(dst, www).replace(os.sep, "/")
            if rel.endswith("/index.html"):
                rel = rel[:-len("index.html")]
            # with the link, and again with the session the link left behind
            assert open_at(driver, "%s/%s%s" % (srv.base, rel, token)) == "damaged", name
            assert "MARKER" not in driver.page_source, name
            assert open_at(driver, "%s/%s" % (srv.base, rel)) in ("damaged", "locked"), name
            assert "MARKER" not in driver.page_source, name
        # the article at its own path opens, as a folder URL and as index.html
        assert open_at(driver, "%s/%s/insights/quarterly-review/%s" % (srv.base, alpha.path, token)) == "unlocked"
        assert open_at(driver, "%s/%s/insights/quarterly-review/index.html" % (srv.base, alpha.path)) == "unlocked"
        assert "MARKERTITLEALPHA1" in driver.find_element(By.TAG_NAME, "h1").text
        # the whole site hosted under a sub-folder still opens
        assert open_at(driver, "%s/portal/sub/%s/insights/quarterly-review/%s" % (srv.base, alpha.path, token)) == "unlocked"
        assert open_at(driver, "%s/portal/sub/%s/" % (srv.base, alpha.path)) == "unlocked"
    finally:
        T.clear_storage(driver, srv.base)


def test_a_reader_of_another_account_gets_nothing_from_a_copied_page(driver, moved_site, alpha, beta):
    """alpha's article copied into beta's folder: beta's reader sees 'invalid' (their token has no
    entry in alpha's keyring), alpha's reader 'damaged' (wrong place); nobody reads it there."""
    srv, targets, _ = moved_site
    try:
        rel = "%s/insights/quarterly-review/" % beta.path
        assert open_at(driver, "%s/%s#k=%s" % (srv.base, rel, beta.token("b-active"))) in ("invalid", "damaged")
        assert "MARKER" not in driver.page_source
        assert open_at(driver, "%s/%s#k=%s" % (srv.base, rel, alpha.token("a-active"))) == "damaged"
        assert "MARKER" not in driver.page_source
    finally:
        T.clear_storage(driver, srv.base)
