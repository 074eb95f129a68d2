"""In real Chromium: what the gate does to show a page sooner (issue 17, "the gate's first open";
docs/design/gate-format.md, "Browser flow"). gate.js is inline in the gate page's head, before the
stylesheet; the gate's notice stays hidden unless the page does not open at once; the page is
decrypted and shown before anything is written to IndexedDB, the stylesheet the gate page loaded is kept
across the swap, and a tab record unused for a day opens nothing, as when the sweep ran first. A stored
session's key store is opened before the rest of the script, the head nodes both pages have stay the same
elements, and images, listeners, forms, search and reading are set up in a task after the swap. Timings are in bench/first_open.py."""
import os

from selenium.webdriver.common.by import By

import portico_testlib as T

ARTICLE = "insights/quarterly-review/"

# Before any page script: IndexedDB opens that never finish (a key store that is slow to answer).
STALLED_KEY_STORE = "indexedDB.open = function () { return {}; };"

AGE_TAB_RECORD = r"""
var done = arguments[arguments.length - 1], id = 'tab\n' + sessionStorage.getItem('portico:tab') + '\n' + arguments[0];
var r = indexedDB.open('portico', 1);
r.onsuccess = function () {
  var db = r.result, st = db.transaction('keys', 'readwrite').objectStore('keys'), q = st.get(id);
  q.onsuccess = function () {
    var rec = q.result;
    if (!rec) { db.close(); return done('no tab record'); }
    rec.t = Date.now() - 25 * 3600 * 1000;
    st.put(rec, id).onsuccess = function () { db.close(); done('aged'); };
  };
};
r.onerror = function () { done(String(r.error)); };
"""


def url(server, acct, rel="", token=None):
    return "%s/%s/%s%s" % (server.base, acct.path, rel, ("#k=" + token) if token else "")


def wait_for_article(driver):
    """Until the fixture's first article is in place of the gate page."""
    T.wait_for(driver, lambda d: "MARKERTITLEALPHA1" in d.execute_script(
        "var h = document.querySelector('h1'); return h ? h.textContent : ''"), what="the article, unlocked")


# Before any page script: whether the gate's notice was ever shown (in the page as parsed, or unhidden later).
WATCH_NOTICE = """
window.__noticeShown = false;
new MutationObserver(function () {
  var g = document.getElementById('portico-gate');
  if (g && !g.hidden) window.__noticeShown = true;
}).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden'] });
"""


def test_a_magic_link_opens_the_page_without_fetching_the_script_or_showing_the_notice(driver, fixture_server, fixture_site, alpha):
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_NOTICE})
    try:
        driver.get(url(fixture_server, alpha, ARTICLE, alpha.token("a-active")))
        wait_for_article(driver)
        assert driver.execute_script("return window.__noticeShown") is False
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})
    fetched = driver.execute_script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    assert not [n for n in fetched if n.endswith("/gate.js")], fetched
    # the script the gate page ran is the shipped gate.js, byte for byte (the CSP names its hash), inline in the head
    # after the keyring and payload and before the stylesheet (which would hold up a script after it)
    with open(os.path.join(fixture_site.site, alpha.path, ARTICLE, "index.html"), encoding="utf-8") as f:
        head = f.read().split("</head>")[0]
    with open(os.path.join(fixture_site.site, "_portico", "gate.js"), encoding="utf-8") as f:
        shipped = f.read()
    script = head.find("<script>" + shipped + "</script>")
    assert script >= 0
    assert head.index('id="portico-page"') < script < head.index('rel="stylesheet"')


def test_a_locked_page_shows_its_notice(driver, fixture_server, alpha):
    driver.get(url(fixture_server, alpha, ARTICLE))
    assert T.settle(driver) == "locked"
    assert driver.find_element(By.ID, "portico-gate").is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, '[data-state="locked"]').is_displayed()


def test_a_key_store_that_does_not_answer_shows_the_working_notice(driver, fixture_server, alpha):
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": STALLED_KEY_STORE})
    try:
        driver.get(url(fixture_server, alpha, ARTICLE))
        T.wait_for(driver, lambda d: d.find_element(By.ID, "portico-gate").is_displayed(), what="the working notice")
        assert T.gate_state(driver) == "working"
        driver.get("about:blank")
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})


def test_the_magic_link_shows_the_page_while_the_key_store_has_not_answered(driver, fixture_server, alpha):
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": STALLED_KEY_STORE})
    try:
        driver.get(url(fixture_server, alpha, ARTICLE, alpha.token("a-active")))
        wait_for_article(driver)
        assert T.gate_state(driver) == "unlocked"
        assert "#k=" not in driver.current_url
        # the session is stored only once the key store answers: not yet
        assert driver.execute_script("return performance.getEntriesByName('portico:stored').length") == 0
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})


def test_the_stylesheet_is_kept_across_the_swap(driver, fixture_server, alpha):
    driver.get(url(fixture_server, alpha, ARTICLE, alpha.token("a-active")))
    assert T.settle(driver) == "unlocked"
    sheets = driver.execute_script(
        "return [].map.call(document.querySelectorAll('link[rel~=stylesheet]'), function (l) { return l.href; })")
    assert len(sheets) == 1 and sheets[0].endswith("/_portico/portico.css"), sheets
    # served no-store here: a second <link> would have fetched it again
    fetched = driver.execute_script(
        "return performance.getEntriesByType('resource').filter(function (e) {"
        " return /\\/_portico\\/portico\\.css$/.test(e.name); }).length")
    assert fetched == 1
    # the rest of the head is the article's: its title, no gate CSP <meta> left behind
    assert "MARKERTITLEALPHA1" in driver.title
    assert driver.find_elements(By.CSS_SELECTOR, "head meta[http-equiv]") == []
    assert driver.execute_script("return getComputedStyle(document.documentElement).getPropertyValue('--ink-2')") != ""


def test_a_tab_record_unused_for_a_day_opens_nothing(driver, fixture_server, alpha):
    driver.get(url(fixture_server, alpha, ARTICLE, alpha.token("a-active")))
    assert T.settle(driver) == "unlocked"
    assert driver.execute_async_script(AGE_TAB_RECORD, alpha.path) == "aged"
    driver.get(url(fixture_server, alpha, "solutions/rollout-plan/"))
    assert T.settle(driver) == "locked"
    T.wait_for(driver, lambda d: T.stored_session(d, alpha.path, "tab") is None, what="the old tab record to go")


# IndexedDB that answers only when the test says so: the session is stored late.
DELAYED_KEY_STORE = """
(function () {
  var open = indexedDB.open.bind(indexedDB), waiting = [];
  window.__releaseKeyStore = function () { waiting.splice(0).forEach(function (f) { f(); }); window.__released = true; };
  indexedDB.open = function (name, version) {
    var real = null, proxy = {};
    function start() {
      real = open(name, version);
      ['onupgradeneeded', 'onsuccess', 'onerror', 'onblocked'].forEach(function (k) {
        real[k] = function (e) { Object.defineProperty(proxy, 'result', {value: real.result, configurable: true});
                                 Object.defineProperty(proxy, 'error', {value: real.error, configurable: true});
                                 if (proxy[k]) proxy[k](e); };
      });
    }
    if (window.__released) start(); else waiting.push(start);
    return proxy;
  };
})();
"""


def test_a_link_followed_before_the_session_is_stored_waits_for_it(driver, fixture_server, alpha):
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DELAYED_KEY_STORE})
    try:
        driver.get(url(fixture_server, alpha, ARTICLE, alpha.token("a-active")))
        wait_for_article(driver)
        first = driver.current_url
        # a page of the account opens in place with the keys in memory: no need to wait for the store
        driver.execute_script("var a = document.createElement('a'); a.id = 'next'; a.href = '../../solutions/rollout-plan/';"
                              "a.textContent = 'next'; document.body.appendChild(a); a.click();")
        T.wait_for(driver, lambda d: "MARKERTITLEALPHA2" in d.execute_script(
            "var h = document.querySelector('h1'); return h ? h.textContent : ''"), what="the next page, in place")
        assert driver.execute_script("return performance.getEntriesByName('portico:stored').length") == 0
        # a link the gate leaves to the browser (this address is redirected to the folder's) is held: the session is
        # not stored yet, so the page it loads would be locked
        driver.execute_script("var a = document.createElement('a'); a.id = 'held'; a.href = '../../insights/quarterly-review';"
                              "a.textContent = 'held'; document.body.appendChild(a); a.click();")
        assert driver.current_url.endswith("/solutions/rollout-plan/") and driver.current_url != first
        assert driver.execute_script("return performance.getEntriesByName('portico:stored').length") == 0
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})
    driver.execute_script("window.__releaseKeyStore()")   # the next page opens with the real IndexedDB
    T.wait_for(driver, lambda d: d.current_url == first, what="the held link to be followed")
    assert T.settle(driver) == "unlocked"
    wait_for_article(driver)


# Before any page script: the gate page's own <meta name="viewport"> and <meta name="color-scheme">, as parsed.
KEEP_HEAD = """
window.__gateMeta = {};
new MutationObserver(function (records) {
  records.forEach(function (r) { [].forEach.call(r.addedNodes, function (n) {
    if (n.nodeName === 'META' && n.name && !window.__gateMeta[n.name]) window.__gateMeta[n.name] = n;
  }); });
}).observe(document, { childList: true, subtree: true });
"""


def test_the_head_nodes_both_pages_have_stay_across_the_swap(driver, fixture_server, alpha):
    # inserted again, a viewport or color scheme would be processed again (the whole page restyled)
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_HEAD})
    try:
        driver.get(url(fixture_server, alpha, ARTICLE, alpha.token("a-active")))
        wait_for_article(driver)
        kept = driver.execute_script(
            "return ['viewport', 'color-scheme', 'robots'].map(function (n) {"
            " return [n, !!window.__gateMeta[n], document.querySelector('head meta[name=\\'' + n + '\\']') === window.__gateMeta[n]]; })")
        assert kept == [["viewport", True, True], ["color-scheme", True, True], ["robots", True, True]], kept
        assert len(driver.find_elements(By.CSS_SELECTOR, "head meta[name=viewport]")) == 1
        assert len(driver.find_elements(By.TAG_NAME, "body")) == 1 and driver.find_elements(By.ID, "portico-gate") == []
        assert "MARKERTITLEALPHA1" in driver.title
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})


# Before any page script: when the page first asks for IndexedDB and for files.
WATCH_CALLS = """
window.__idbOpenedAt = null; window.__fetchedAt = [];
(function () {
  var open = indexedDB.open.bind(indexedDB), f = window.fetch;
  indexedDB.open = function (name, version) {
    if (window.__idbOpenedAt === null) window.__idbOpenedAt = performance.now();
    return open(name, version);
  };
  window.fetch = function () { window.__fetchedAt.push(performance.now()); return f.apply(this, arguments); };
})();
"""


def mark_at(driver, name):
    return driver.execute_script("var m = performance.getEntriesByName(arguments[0]); return m.length ? m[0].startTime : null;", name)


def test_a_stored_session_opens_the_key_store_before_the_rest_of_the_gate_script(driver, fixture_server, alpha):
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_CALLS})
    try:
        driver.get(url(fixture_server, alpha, ARTICLE, alpha.token("a-active")))
        assert T.settle(driver) == "unlocked"
        # a magic link does not wait for the key store: it is opened only once the page is shown
        assert driver.execute_script("return window.__idbOpenedAt") > mark_at(driver, "portico:swapped")
        T.wait_for(driver, lambda d: mark_at(d, "portico:stored") is not None, what="the session to be stored")
        driver.get(url(fixture_server, alpha, "solutions/rollout-plan/"))
        assert T.settle(driver) == "unlocked"
        # the next page, opened by the stored session, asks for the key store before the gate's start
        assert driver.execute_script("return window.__idbOpenedAt") < mark_at(driver, "portico:start")
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})


def test_the_text_is_in_place_before_the_images_are_asked_for(driver, fixture_server, alpha):
    # the article's text as a MutationObserver sees it (as bench/first_open.py does), against the first image request:
    # images, listeners, forms, search and reading are set up in a task after the page is shown
    seen = WATCH_CALLS + """
window.__textAt = null;
new MutationObserver(function () {
  var h = document.querySelector('main h1');
  if (window.__textAt === null && h && h.textContent.indexOf('MARKERTITLEALPHA1') >= 0) window.__textAt = performance.now();
}).observe(document, { childList: true, subtree: true });
"""
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": seen})
    try:
        driver.get(url(fixture_server, alpha, ARTICLE, alpha.token("a-active")))
        assert T.settle(driver) == "unlocked"
        T.wait_for(driver, lambda d: d.execute_script(
            "var i = document.querySelectorAll('img[data-portico-asset]'); return i.length >= 2 && [].every.call(i, function (x) {"
            " return x.src.indexOf('blob:') === 0; })"), what="the images shown")
        fetched, text = driver.execute_script("return [window.__fetchedAt, window.__textAt]")
        assert text is not None and fetched, (text, fetched)
        assert text < min(fetched), (text, fetched)
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})
