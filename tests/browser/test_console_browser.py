"""The follow-up loop as the people in it see it, in real headless Chromium: a reader of a gated portal with
reading signals on opens two articles, scrolls one, leaves, and asks for a workshop from the page; the
account's SME, signed in to the console in a browser of their own, sees the reader, both pieces and minutes
above zero, finds the request in their inbox and moves it scheduled → held → POC proposed with the forms
(no JavaScript: the console has none); the CLI shows the same states. The console's pages pass axe (no
serious or critical violation, light and dark) and the Nu HTML checker.

The portal, the feedback server and the reader's Chromium are test_engagement_e2e.py's fixtures (a module
instance of their own here); staff are added to that portal and the server reloads them on SIGHUP.
"""
import http.client
import os
import re
import signal
import time
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException

import portico_testlib as T
from test_a11y import run_axe, check_violations, color_scheme
from test_engagement_e2e import A1, A2, chrome, drv, open_page, portal, wait_stored  # noqa: F401 (fixtures)
from test_html_valid import validate

SME_EMAIL = "markersmemailalpha@example.test"
TITLE1, TITLE2 = "MARKERTITLEALPHA1 quarterly review", "MARKERTITLEALPHA2 rollout plan"
READER = "MARKERVIEWERALPHA Second"


def replaced(drv):
    """Whether the window's document is no longer the one `window.ptBeforePost` was set on."""
    try:
        return drv.execute_script("return window.ptBeforePost !== true")
    except WebDriverException:   # asked while the old document goes away
        return False


def _add_staff(content):
    import yaml
    path = os.path.join(content, "portal.yml")
    cfg = T.read_yaml(path)
    cfg["staff"] = [
        {"id": "sam", "name": "Sam Alpha", "email": SME_EMAIL, "role": "sme", "accounts": ["alpha"]},
        {"id": "bea", "name": "Bea Beta", "email": "bea@vendor.example", "role": "sme", "accounts": ["beta"]},
    ]
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(cfg, f, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def console(portal):
    _add_staff(portal.content)
    T.build(portal.content, portal.site, portal.secret_hex, portal.today)   # writes the staff keys
    portal.fb.proc.send_signal(signal.SIGHUP)
    portal.links = {}
    for staff in ("sam", "bea"):
        r = T.run_portico(["token", "issue", "--staff", staff, "--content", portal.content],
                          secret_hex=portal.secret_hex, today=portal.today)
        portal.links[staff] = r.stdout.strip()
    assert portal.links["sam"].startswith(portal.fb.base + "/console/sign-in?t=sam.")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:   # the reload is asynchronous
        if _sign_in_cookie(portal, "sam"):
            break
        time.sleep(0.2)
    return portal


def _sign_in_cookie(portal, staff):
    """The session cookie a plain HTTP sign-in gets (for fetching raw pages to validate), or None."""
    base = urllib.parse.urlparse(portal.fb.base)
    token = urllib.parse.parse_qs(urllib.parse.urlparse(portal.links[staff]).query)["t"][0]
    c = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    c.request("POST", "/console/sign-in", body=urllib.parse.urlencode({"t": token}),
              headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": portal.fb.base})
    r = c.getresponse()
    r.read()
    cookie = next((h for h in r.headers.get_all("Set-Cookie") or [] if h.startswith("portico_console=")), None)
    return cookie.split(";")[0] if r.status == 303 and cookie else None


@pytest.fixture(scope="module")
def staff_browser():
    b = T.chromium()
    yield b
    b.quit()


def sign_in(browser, portal, staff):
    browser.delete_all_cookies()
    browser.get(portal.links[staff])
    assert "Sign in" in browser.title
    browser.find_element(By.CSS_SELECTOR, "form[action='/console/sign-in'] button").click()
    T.wait_for(browser, lambda d: d.current_url == portal.fb.base + "/console", what="the console after signing in")


def table_rows(browser, section_id):
    return [[c.text for c in tr.find_elements(By.CSS_SELECTOR, "th, td")]
            for tr in browser.find_elements(By.CSS_SELECTOR, "section[aria-labelledby='%s'] tbody tr" % section_id)]


def test_the_sme_sees_what_the_reader_read_and_follows_up_their_workshop_request(drv, console, staff_browser):
    portal, acct = console, console.accounts["alpha"]
    # the reader: two articles, one scrolled through for a few seconds, then a workshop request from it
    open_page(drv, portal.static, acct, A1, acct.token("a-second"))
    for _ in range(4):
        drv.execute_script("window.scrollBy(0, 250)")
        time.sleep(1)
    form = T.wait_for(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "form[data-portico-workshop]"), what="the workshop form")[0]
    drv.execute_script("arguments[0].scrollIntoView({block:'center'})", form)
    drv.find_element(By.ID, "pt-ws-participants").send_keys("8")
    drv.find_element(By.ID, "pt-ws-notes").send_keys("MARKERNOTE console loop")
    form.find_element(By.CSS_SELECTOR, "[type=submit]").click()
    T.wait_for(drv, lambda d: d.execute_script(
        "var e=document.querySelector('form[data-portico-workshop] [data-portico-feedback-status]');return e&&e.textContent")
        == form.get_attribute("data-success"), timeout=20, what="the workshop request sent")
    time.sleep(2.5)                                 # the reading batch is signed ahead every 2 s
    open_page(drv, portal.static, acct, A2)
    time.sleep(2.5)
    drv.get("about:blank")
    wait_stored(portal, lambda rs: {r["page"] for r in rs if r["viewer"] == "a-second"} >= {A1 + "index.html", A2 + "index.html"},
                "both pages of a-second")

    # the SME, in a browser of their own
    b = staff_browser
    sign_in(b, portal, "sam")
    assert "MARKERCLIENTALPHA Holdings" in b.page_source and "MARKERCLIENTBETA" not in b.page_source
    b.find_element(By.LINK_TEXT, "MARKERCLIENTALPHA Holdings").click()
    T.wait_for(b, lambda d: d.current_url.endswith("/console/accounts/alpha"), what="the account page")
    readers = {row[0]: row for row in table_rows(b, "pc-readers")}
    name, status, last_seen, minutes, pieces = readers[READER]
    assert float(minutes) > 0 and pieces == "2" and status == "active" and re.match(r"\d{4}-\d\d-\d\d$", last_seen), readers[READER]
    most_read = b.find_element(By.CSS_SELECTOR, "section[aria-labelledby='pc-pieces']").text
    assert TITLE1 in most_read and TITLE2 in most_read

    # the inbox: the request routed to this SME's e-mail
    b.find_element(By.LINK_TEXT, "Inbox").click()
    T.wait_for(b, lambda d: d.current_url.endswith("/console/inbox"), what="the inbox")
    link = T.wait_for(b, lambda d: [a for a in d.find_elements(By.CSS_SELECTOR, "a[href*='/console/items/workshop/']")],
                      what="the workshop request in the inbox")[0]
    item = link.get_attribute("href")
    link.click()
    T.wait_for(b, lambda d: d.current_url == item, what="the request's page")
    assert TITLE1 in b.page_source and READER in b.page_source

    def change(state, date=None, note=None):
        form = b.find_element(By.CSS_SELECTOR, "form input[name=do][value=state]").find_element(By.XPATH, "ancestor::form")
        form.find_element(By.CSS_SELECTOR, "select[name=state] option[value='%s']" % state).click()
        if date:
            b.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, "date"), date)
        if note:
            form.find_element(By.NAME, "note").send_keys(note)
        b.execute_script("window.ptBeforePost = true")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        # the URL says done=state after the previous change too: wait for the page the form posted to replace this one
        # (a marker on the old window, not a stale element: Chromium reports an element of a replaced document with
        # either of two errors)
        T.wait_for(b, replaced, what="the page the form posted to")
        T.wait_for(b, lambda d: "done=state" in d.current_url and d.find_elements(By.CSS_SELECTOR, "p.pc-notice"),
                   what="the state change to " + state)

    change("scheduled", date="2026-07-01", note="MARKERNOTE on site")
    change("held")
    change("poc-proposed")
    history = b.find_element(By.XPATH, "//h2[text()='History']/following-sibling::ol").text
    for text in ["requested → scheduled", "scheduled → held", "held → POC proposed", "2026-07-01", "Sam Alpha", "MARKERNOTE on site"]:
        assert text in history, (text, history)
    number = item.rsplit("/", 1)[1]
    shown = T.run_portico(["workshop", "show", number, "--content", portal.content, "--db", portal.db]).stdout
    assert "poc-proposed" in shown and "held" in shown and "scheduled" in shown and "sam" in shown

    # another account's SME sees none of it
    sign_in(b, portal, "bea")
    assert "MARKERCLIENTALPHA" not in b.page_source
    b.get(item)
    assert "MARKERTITLEALPHA1" not in b.page_source and "Not found" in b.page_source


def test_console_pages_pass_axe_and_the_nu_checker(console, staff_browser, tmp_path):
    portal, b = console, staff_browser
    sign_in(b, portal, "sam")
    pages = ["/console", "/console/accounts/alpha", "/console/inbox"]
    items = re.findall(r'href="(/console/items/[a-z]+/\d+)"', _fetch(portal, "/console/accounts/alpha"))
    pages += items[:1] + ["/console/sign-in"]
    for scheme in ("light", "dark"):
        color_scheme(b, scheme)
        for page in pages:
            b.get(portal.fb.base + page)
            res, bad = run_axe(b)
            assert res["passes"], page
            check_violations(bad)
    color_scheme(b, "light")
    files = []
    for number, page in enumerate(pages + ["/console/accounts/nonexistent"]):
        html = _fetch(portal, page)
        assert "<script" not in html, "the console works without JavaScript: it has none"
        path = tmp_path / ("page-%d.html" % number)
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    validate(files)


def _fetch(portal, page):
    base = urllib.parse.urlparse(portal.fb.base)
    c = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    c.request("GET", page, headers={"Cookie": _sign_in_cookie(portal, "sam")})
    r = c.getresponse()
    return r.read().decode("utf-8")
