"""Reading signals end to end in real headless Chromium (docs/engagement.md): the fixture portal copied with
`engagement.reading: true`, built against a `portico serve` started here (as test_feedback_e2e.py does), a
reader opening two articles, scrolling one, clicking a linked file and leaving; the events read back with
`portico engagement list --format json`. Then the cases where nothing may leave the browser: the portal with
reading off (a second build of the same content with `reading: false`), the reader's control turned off, and
Global Privacy Control; each is checked in Chromium's own network log (performance log, CDP Network events).
"""
import contextlib
import json
import os
import shutil
import time

import pytest
from selenium.webdriver.common.by import By

import portico_testlib as T
from test_feedback_e2e import FeedbackServer, _set_portal, _use_headers_of_build
from test_gate import url

A1, A2 = "insights/quarterly-review/", "solutions/rollout-plan/"
B1 = "insights/annual-plan/"
PDF = b"%PDF-1.4\n% a linked file for the reading-signals test\n"


def _set_reading(content, on):
    import yaml
    path = os.path.join(content, "portal.yml")
    cfg = T.read_yaml(path)
    cfg["engagement"] = {"reading": on, "retention_days": 365}
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(cfg, f, allow_unicode=True, sort_keys=False)


def _add_linked_file(content):
    with open(os.path.join(content, "accounts", "alpha", "assets", "brief.pdf"), "wb") as f:
        f.write(PDF)
    article = os.path.join(content, "accounts", "alpha", "insights", "quarterly-review.md")
    with open(article, "a", encoding="utf-8") as f:
        f.write("\n\nDownload [the MARKERBRIEF brief](../assets/brief.pdf).\n")


class Portal:
    pass


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("engagement-e2e")
    p = Portal()
    p.content, p.content_off = str(root / "content"), str(root / "content-off")
    p.site, p.site_off = str(root / "site"), str(root / "site-off")
    p.db, p.log = str(root / "engagement.sqlite"), str(root / "serve.log")
    shutil.copytree(T.FIXTURE_CONTENT, p.content)
    _add_linked_file(p.content)
    os.makedirs(p.site)
    os.makedirs(p.site_off)
    p.secret_hex, p.today = T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY
    static = static_off = fb = None
    try:
        static, static_off = T.Server(p.site), T.Server(p.site_off)
        _set_reading(p.content, True)
        _set_portal(p.content, base_url=static.base, endpoint="http://127.0.0.1:9/v1/feedback")
        T.build(p.content, p.site, p.secret_hex, p.today)   # writes .portico/server-keys for serve
        fb = FeedbackServer(p.content, p.db, p.log, p.today).start()
        p.engagement = fb.base + "/v1/engagement"
        _set_portal(p.content, endpoint=fb.base + "/v1/feedback")
        T.build(p.content, p.site, p.secret_hex, p.today)
        _use_headers_of_build(static, p.site)
        # the same content and secret with reading off, served from another origin
        shutil.copytree(p.content, p.content_off, ignore=shutil.ignore_patterns(".portico"))
        _set_reading(p.content_off, False)
        _set_portal(p.content_off, base_url=static_off.base)
        T.build(p.content_off, p.site_off, p.secret_hex, p.today)
        _use_headers_of_build(static_off, p.site_off)
        p.static, p.static_off, p.fb = static, static_off, fb
        p.accounts = {s: T.Account(p.content, s, p.secret_hex, p.today) for s in ("alpha", "beta")}
        yield p
    finally:
        for s in (fb, static, static_off):
            if s is not None:
                (s.stop if s is fb else s.close)()


@pytest.fixture(scope="module")
def chrome(tmp_path_factory):
    """A Chromium of this module's own, writing its network log (NetLog) to a file."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = T.CHROMIUM
    for a in T.CHROME_ARGS:
        opts.add_argument(a)
    opts.add_argument("--window-size=1000,600")
    netlog = str(tmp_path_factory.mktemp("netlog") / "netlog.json")
    opts.add_argument("--log-net-log=" + netlog)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(T.CHROMEDRIVER), options=opts)
    drv.netlog = netlog
    drv.set_page_load_timeout(30)
    drv.set_script_timeout(30)
    yield drv
    drv.quit()


@pytest.fixture
def drv(chrome, portal):
    for base in (portal.static.base, portal.static_off.base):
        T.clear_storage(chrome, base)
    chrome.get("about:blank")
    yield chrome
    chrome.get("about:blank")
    for base in (portal.static.base, portal.static_off.base):
        T.clear_storage(chrome, base)


def netlog_mark(drv):
    return os.path.getsize(drv.netlog)


def engagement_requests(drv, since):
    """How often Chromium's NetLog names /v1/engagement after byte `since`. The NetLog sees every request of the
    browser, beacons sent while a page unloads too (the performance log's CDP Network events miss those)."""
    time.sleep(1)   # NetLog writes as it goes, in chunks
    with open(drv.netlog, "rb") as f:
        f.seek(since)
        return f.read().count(b"/v1/engagement")


def stored(portal, slug="alpha"):
    r = T.run_portico(["engagement", slug, "--format", "json", "--db", portal.db], timeout=60)
    return json.loads(r.stdout)


def all_rows(portal):
    return stored(portal, "alpha") + stored(portal, "beta")


def wait_stored(portal, cond, what, timeout=20):
    deadline = time.monotonic() + timeout
    rows = []
    while time.monotonic() < deadline:
        rows = stored(portal)
        if cond(rows):
            return rows
        time.sleep(0.3)
    raise AssertionError("timed out waiting for %s; stored: %r\nserver log:\n%s"
                         % (what, rows, open(portal.log, encoding="utf-8", errors="replace").read()[-3000:]))


def open_page(drv, server, acct, rel, token=None):
    drv.get(url(server, acct, rel, token))
    assert T.settle(drv) == "unlocked"


def reading_box(drv):
    return drv.execute_script(
        "var b=document.querySelector('[data-portico-reading]');if(!b)return null;"
        "var c=b.querySelector('[data-portico-reading-share]'),s=b.querySelector('[data-portico-reading-status]');"
        "return {hidden:b.hidden,text:b.innerText,checked:c.checked,disabled:c.disabled,status:s.hidden?'':s.textContent,"
        "endpoint:b.getAttribute('data-endpoint')}")


def test_a_reader_opens_two_articles_scrolls_one_and_leaves(drv, portal):
    acct = portal.accounts["alpha"]
    mark = netlog_mark(drv)
    open_page(drv, portal.static, acct, A1, acct.token("a-active"))
    box = reading_box(drv)
    assert box and not box["hidden"] and box["checked"] and not box["disabled"], box
    assert "shared with your account team" in box["text"], box
    assert box["endpoint"] == portal.engagement
    # a click on the linked file (its href becomes a blob: URL once decrypted)
    link = T.wait_for(drv, lambda d: [a for a in d.find_elements(By.CSS_SELECTOR, "a[data-portico-asset]")
                                      if (a.get_attribute("href") or "").startswith("blob:")],
                      what="the decrypted file link")[0]
    drv.execute_script("arguments[0].scrollIntoView({block:'center'})", link)
    tall = drv.execute_script("return document.documentElement.scrollHeight > innerHeight + 50")
    link.click()
    for _ in range(4):   # a reader scrolling through the piece for a few seconds
        drv.execute_script("window.scrollBy(0, 200)")
        time.sleep(1)
    drv.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    time.sleep(2.5)   # the batch is signed ahead every 2 s
    open_page(drv, portal.static, acct, A2)   # leaving A1 sends its batch
    time.sleep(2.5)
    drv.get("about:blank")                     # and leaving A2 sends its own
    rows = wait_stored(portal, lambda rs: {r["page"] for r in rs if r["viewer"] == "a-active"}
                       >= {A1 + "index.html", A2 + "index.html"}, "both pages of a-active")
    assert engagement_requests(drv, mark) > 0   # the network log sees the beacons (so its silence below means none)

    mine = [r for r in rows if r["viewer"] == "a-active"]
    views = {p: [r for r in mine if r["page"] == p and r["kind"] == "view"] for p in (A1 + "index.html", A2 + "index.html")}
    first, second = views[A1 + "index.html"], views[A2 + "index.html"]
    assert sum(r["active_seconds"] for r in first) > 0, first
    assert max(r["scroll_percent"] for r in first) == 100, first
    assert all(r["account"] == "alpha" and r["file"] is None for r in first + second)
    if tall:   # A2 was never scrolled: only its first screen was on view
        assert max(r["scroll_percent"] for r in second) < 100, second
    downloads = [r for r in mine if r["kind"] == "download"]
    assert [(d["page"], d["file"]) for d in downloads] == [(A1 + "index.html", "assets/brief.pdf")], downloads
    # the CSV of the same rows, with its documented columns
    csv = T.run_portico(["engagement", "list", "alpha", "--format", "csv", "--db", portal.db]).stdout
    assert csv.splitlines()[0] == "id,account,viewer,page,kind,started_at,active_seconds,scroll_percent,file,received_at"
    assert len(csv.strip().splitlines()) == len(stored(portal)) + 1


def _read_and_leave(drv, server, acct, token):
    open_page(drv, server, acct, A1, token)
    drv.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    time.sleep(2.5)
    open_page(drv, server, acct, A2)
    time.sleep(2.5)
    drv.get("about:blank")
    time.sleep(1)


def test_reading_off_on_the_portal_sends_nothing(drv, portal):
    acct = portal.accounts["alpha"]
    before = all_rows(portal)
    mark = netlog_mark(drv)
    open_page(drv, portal.static_off, acct, A1, acct.token("a-active"))
    assert reading_box(drv) is None   # no line, no control: nothing is collected
    _read_and_leave(drv, portal.static_off, acct, None)
    assert engagement_requests(drv, mark) == 0
    assert all_rows(portal) == before


def test_the_readers_control_turns_it_off_in_this_browser(drv, portal):
    acct = portal.accounts["alpha"]
    before = all_rows(portal)
    mark = netlog_mark(drv)
    open_page(drv, portal.static, acct, A1, acct.token("a-second"))
    drv.find_element(By.CSS_SELECTOR, "label[for='portico-reading']").click()
    assert reading_box(drv)["checked"] is False
    assert drv.execute_script("return localStorage.getItem('portico:reading-off')") == "1"
    _read_and_leave(drv, portal.static, acct, None)
    # the next page remembered the choice
    open_page(drv, portal.static, acct, A2)
    assert reading_box(drv)["checked"] is False
    drv.get("about:blank")
    assert engagement_requests(drv, mark) == 0
    assert all_rows(portal) == before


@contextlib.contextmanager
def global_privacy_control(drv):
    """Every document opened inside the block sees `navigator.globalPrivacyControl` true, as a browser sends it."""
    script = drv.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {
        "source": "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: function () { return true; }});"})
    try:
        yield
    finally:
        drv.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


def test_global_privacy_control_turns_it_off(drv, portal):
    acct = portal.accounts["beta"]
    before = all_rows(portal)
    mark = netlog_mark(drv)
    with global_privacy_control(drv):
        open_page(drv, portal.static, acct, B1, acct.token("b-active"))
        box = reading_box(drv)
        assert drv.execute_script("return navigator.globalPrivacyControl") is True
        assert box["checked"] is False and box["disabled"] is True and box["status"], box
        drv.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
        time.sleep(2.5)
        open_page(drv, portal.static, acct, "")
        time.sleep(2.5)
        drv.get("about:blank")
        time.sleep(1)
        assert engagement_requests(drv, mark) == 0
        assert all_rows(portal) == before


def test_forget_erases_every_row_naming_the_reader(portal):
    import sqlite3
    from test_feedback_e2e import signed_post
    acct = portal.accounts["alpha"]
    # feedback from the same reader too, so submissions and the outbox hold rows naming them
    status, _ = signed_post(type("P", (), {"endpoint": portal.engagement.replace("/v1/engagement", "/v1/feedback")}),
                            acct, "a-active", A1 + "index.html", {"message": "forget me"})
    assert status == 201

    def naming(viewer):
        db = sqlite3.connect(portal.db)
        found = []
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"):
            for row in db.execute('SELECT * FROM "%s"' % table):
                cells = [c.decode("utf-8", "replace") if isinstance(c, bytes) else str(c) for c in row]
                if any(c == viewer or '"viewer":"%s"' % viewer in c for c in cells):
                    found.append(table)
        db.close()
        return found

    assert {"reading_event", "reading_batch", "submission"} <= set(naming("a-active"))
    # The submission's notification names it by id, and on SQLite is written within 50 ms of it (docs/feedback.md).
    def notifications():
        db = sqlite3.connect(portal.db)
        rows = db.execute("SELECT o.submission_id FROM outbox o JOIN submission s ON s.id = o.submission_id WHERE s.viewer = ?",
                          ("a-active",)).fetchall()
        db.close()
        return rows
    deadline = time.time() + 5
    while not notifications() and time.time() < deadline:
        time.sleep(0.02)
    mine = notifications()
    assert len(mine) == 1
    out = T.run_portico(["engagement", "forget", "alpha", "a-active", "--db", portal.db]).stdout
    removed = dict(line.split("\t") for line in out.splitlines() if "\t" in line)
    assert int(removed["reading_event"]) > 0 and int(removed["submission"]) == 1 and int(removed["outbox"]) == 1, out
    assert "Erased" in out
    assert naming("a-active") == []
    db = sqlite3.connect(portal.db)
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE submission_id = ?", mine[0]).fetchone() == (0,)
    db.close()
    assert stored(portal) == [r for r in stored(portal) if r["viewer"] != "a-active"]
