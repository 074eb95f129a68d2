"""In-page navigation (docs/design/gate-format.md, "Browser flow", step 8) in real headless Chromium, on the fixture
portal: a click on a link to another page of the same account opens it in the same document with the keys already in
memory; back and forward re-open the right page; whatever is not a page of this account, or does not open, is left to
the browser, where the gate refuses it as on any first open."""
import json
import os
import re
import shutil

import pytest
from selenium.webdriver.common.by import By

import portico_testlib as T
from test_gate import _flip_b64, body_text, leaked, open_with, severe_logs, url

A1, A2 = "insights/quarterly-review/", "solutions/rollout-plan/"


def tag_document(drv):
    """Marks this document: a page opened in place keeps the mark, a new document has none."""
    drv.execute_script("window.__sameDocument = 'yes'")


def same_document(drv):
    return drv.execute_script("return window.__sameDocument === 'yes'")


def h1(drv):   # by script: a page swapped in meanwhile leaves no stale element behind
    return drv.execute_script("var h = document.querySelector('h1'); return h ? h.textContent : ''")


def open_first(drv, server, acct):
    assert open_with(drv, server, acct, A1, acct.token("a-active")) == "unlocked"
    T.wait_for(drv, lambda d: "MARKERTITLEALPHA1" in h1(d), what="the first article")
    tag_document(drv)


def click_prose_link(drv, part):
    drv.find_element(By.CSS_SELECTOR, ".pt-prose a[href*='%s']" % part).click()


def test_a_click_opens_the_next_page_in_place_with_the_session(driver, fixture_server, alpha):
    open_first(driver, fixture_server, alpha)
    click_prose_link(driver, "rollout-plan")
    T.wait_for(driver, lambda d: "MARKERTITLEALPHA2" in h1(d), what="the rollout plan in place")
    assert same_document(driver)
    assert driver.current_url == url(fixture_server, alpha, A2)
    assert "markersentencealphathree" in body_text(driver)
    assert "markersentencealphaone" not in body_text(driver)
    assert driver.title.startswith("MARKERTITLEALPHA2")
    # as on a fresh open: the watermark, the page's heading focused for a screen reader, the gate's notice gone
    wm = driver.find_element(By.CSS_SELECTOR, "[data-portico-watermark]").text
    assert "MARKERVIEWERALPHA Active" in wm, wm
    assert driver.execute_script("return document.activeElement.tagName") == "H1"
    assert T.gate_state(driver) == "unlocked"
    # the images of the new page are decrypted too, and its sign-out works
    driver.find_element(By.CSS_SELECTOR, "[data-portico-signout]").click()
    T.wait_for(driver, lambda d: T.gate_state(d) == "locked", what="the locked screen after sign-out")
    assert leaked(driver) == []
    assert not severe_logs(driver)


def test_back_and_forward_reopen_the_right_page_and_scroll(driver, fixture_server, alpha):
    driver.set_window_size(800, 300)   # short: the first page scrolls
    try:
        open_first(driver, fixture_server, alpha)
        link = driver.find_element(By.CSS_SELECTOR, ".pt-prose a[href*='rollout-plan']")
        driver.execute_script("arguments[0].scrollIntoView({block:'center'})", link)
        y = driver.execute_script("return scrollY")
        assert y > 0
        T.wait_for(driver, lambda d: (d.execute_script("return history.state") or {}).get("porticoScroll"),
                   what="the scroll position kept in the history entry")
        driver.execute_script("addEventListener('click', function () { window.__clickY = scrollY; }, true)")
        link.click()   # WebDriver may scroll a little to reach the link: where the page was at the click counts
        T.wait_for(driver, lambda d: "MARKERTITLEALPHA2" in h1(d), what="the rollout plan")
        y = driver.execute_script("return window.__clickY")
        assert y > 0
        assert driver.execute_script("return scrollY") == 0
        driver.back()
        T.wait_for(driver, lambda d: "MARKERTITLEALPHA1" in h1(d), what="the first page again")
        assert driver.current_url == url(fixture_server, alpha, A1)
        assert same_document(driver)
        assert "markersentencealphaone" in body_text(driver) and "markersentencealphathree" not in body_text(driver)
        assert driver.title.startswith("MARKERTITLEALPHA1")
        # where it was, not at the top (give or take what scroll anchoring moves when the decrypted image above it
        # comes in: some 20 px)
        assert abs(driver.execute_script("return scrollY") - y) <= 100
        driver.forward()
        T.wait_for(driver, lambda d: "MARKERTITLEALPHA2" in h1(d), what="the rollout plan again")
        assert same_document(driver) and driver.current_url == url(fixture_server, alpha, A2)
        # a reload of the address pushed opens that page from the stored session
        driver.refresh()
        assert T.settle(driver) == "unlocked" and "MARKERTITLEALPHA2" in h1(driver)
    finally:
        driver.set_window_size(1280, 900)
    assert not severe_logs(driver)


def test_clicks_the_browser_handles_are_left_to_it(driver, fixture_server, alpha):
    open_first(driver, fixture_server, alpha)
    # which clicks the gate takes over: a listener after it (on window) records it and stops the browser's own action
    outcome = driver.execute_script("""
        var a = document.querySelector(".pt-prose a[href*='rollout-plan']"), seen = [];
        addEventListener('click', function (e) { seen.push(e.defaultPrevented); e.preventDefault(); });
        function click(init, attrs) {
          var b = a.cloneNode(true);
          Object.keys(attrs || {}).forEach(function (k) { b.setAttribute(k, attrs[k]); });
          a.parentNode.appendChild(b);
          b.dispatchEvent(new MouseEvent('click', Object.assign({ bubbles: true, cancelable: true }, init)));
          b.remove();
          return seen.pop();
        }
        return {
          ctrl: click({ ctrlKey: true }), meta: click({ metaKey: true }), shift: click({ shiftKey: true }),
          alt: click({ altKey: true }), middle: click({ button: 1 }), blank: click({}, { target: '_blank' }),
          download: click({}, { download: '' }), pdf: click({}, { href: '../../assets/brief.pdf' }),
          other: click({}, { href: 'https://example.org/' }), fragment: click({}, { href: '#next' }),
          plain: click({})
        };""")
    assert outcome.pop("plain") is True, outcome      # the one the gate opens in place
    assert outcome == {k: False for k in outcome}, outcome
    T.wait_for(driver, lambda d: "MARKERTITLEALPHA2" in h1(d), what="the rollout plan opened by the plain click")
    assert same_document(driver)


def test_a_link_to_another_accounts_site_is_not_opened_in_place(driver, fixture_server, alpha, beta):
    open_first(driver, fixture_server, alpha)
    driver.execute_script(
        "var a = document.createElement('a'); a.id = 'to-beta'; a.textContent = 'beta';"
        "a.href = '/' + arguments[0] + '/insights/annual-plan/'; document.querySelector('.pt-prose').appendChild(a);",
        beta.path)
    driver.find_element(By.ID, "to-beta").click()
    T.wait_for(driver, lambda d: d.current_url == url(fixture_server, beta, "insights/annual-plan/"), what="beta's page")
    assert T.settle(driver) == "locked"   # a new document: beta's gate, with no session of its own
    assert not same_document(driver)
    assert leaked(driver) == []
    # and alpha's own pages still open in place
    driver.back()
    assert T.settle(driver) == "unlocked"
    tag_document(driver)
    click_prose_link(driver, "rollout-plan")
    T.wait_for(driver, lambda d: "MARKERTITLEALPHA2" in h1(d), what="the rollout plan")
    assert same_document(driver)


class _Replaced:
    """Alpha's rollout plan replaced in the served site (restored afterwards)."""

    def __init__(self, fixture_site, alpha, text):
        self.path = os.path.join(fixture_site.site, alpha.path, "solutions", "rollout-plan", "index.html")
        self.original = open(self.path, encoding="utf-8").read()
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(text(self.original))

    def restore(self):
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(self.original)


def _flipped(html):
    m = re.search(r'(<script type="application/json" id="portico-page">)(.*?)(</script>)', html, re.S)
    p = json.loads(m.group(2))
    p["ct"] = _flip_b64(p["ct"], 40)
    return html[:m.start(2)] + json.dumps(p, separators=(",", ":")) + html[m.end(2):]


@pytest.mark.parametrize("how", ["flipped", "other-page", "other-account"])
def test_a_tampered_next_page_is_refused(driver, fixture_server, fixture_site, alpha, beta, how):
    def read(*parts):
        return open(os.path.join(fixture_site.site, *parts, "index.html"), encoding="utf-8").read()
    text = {"flipped": _flipped,
            "other-page": lambda _: read(alpha.path, "case-studies", "site-visit"),   # decrypts, at the wrong address
            "other-account": lambda _: read(beta.path, "insights", "annual-plan")}[how]
    r = _Replaced(fixture_site, alpha, text)
    try:
        open_first(driver, fixture_server, alpha)
        # an untouched page opens in place
        click_prose_link(driver, "market-outlook")
        T.wait_for(driver, lambda d: "MARKERTITLELIB1" in h1(d), what="the market outlook in place")
        assert same_document(driver)
        driver.back()
        T.wait_for(driver, lambda d: "MARKERTITLEALPHA1" in h1(d), what="the first page")
        click_prose_link(driver, "rollout-plan")
        T.wait_for(driver, lambda d: T.gate_state(d) == "damaged", what="the gate's damaged notice")
        assert not same_document(driver)   # refused by the gate of a new document, as on a first open
        assert driver.current_url == url(fixture_server, alpha, A2)
        assert leaked(driver) == []
    finally:
        r.restore()


def test_the_remember_choice_carries_to_pages_opened_in_place(driver, fixture_server, alpha):
    open_first(driver, fixture_server, alpha)
    T.settle(driver)
    box = driver.find_element(By.CSS_SELECTOR, "input[data-portico-remember]")
    assert not box.is_selected()
    driver.find_element(By.CSS_SELECTOR, "label[for='portico-remember']").click()
    T.wait_for(driver, lambda d: T.stored_session(d, alpha.path, "device"), what="the device record")
    click_prose_link(driver, "rollout-plan")
    T.wait_for(driver, lambda d: "MARKERTITLEALPHA2" in h1(d), what="the rollout plan")
    assert same_document(driver)
    T.wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "input[data-portico-remember]").is_selected(),
               what="the remembered choice on the next page")
