"""Reading signals (docs/engagement.md) and feedback on pages opened in place (test_gate_in_page.py): each page is a
view of its own, sent when the reader moves on, as if a new document had been loaded; nothing at all leaves the
browser when the reader turned reading off or the browser sends Global Privacy Control; the page's feedback form posts
for that page. Same portal, server and network log as test_engagement_e2e.py (its module fixtures, started again for
this module)."""
import time
import uuid

from selenium.webdriver.common.by import By

from test_engagement_e2e import (A1, A2, all_rows, chrome, drv, engagement_requests, global_privacy_control, netlog_mark, open_page,  # noqa: F401
                                 portal, reading_box, wait_stored)
from test_feedback_e2e import export, fill_and_send, status_text
from test_gate_in_page import click_prose_link, h1, same_document, tag_document
import portico_testlib as T


def _open_next_in_place(drv):
    tag_document(drv)
    click_prose_link(drv, "rollout-plan")
    T.wait_for(drv, lambda d: "MARKERTITLEALPHA2" in h1(d), what="the rollout plan in place")
    assert same_document(drv)


def test_each_page_opened_in_place_is_a_view_of_its_own(drv, portal):
    acct = portal.accounts["alpha"]
    mark = netlog_mark(drv)
    open_page(drv, portal.static, acct, A1, acct.token("a-active"))
    drv.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    time.sleep(2.5)
    _open_next_in_place(drv)   # leaving A1 in place sends its view
    rows = wait_stored(portal, lambda rs: any(r["page"] == A1 + "index.html" for r in rs), "A1's view, sent in place")
    assert not any(r["page"] == A2 + "index.html" for r in rows), rows
    box = reading_box(drv)
    assert box and not box["hidden"] and box["checked"], box
    time.sleep(2.5)
    drv.get("about:blank")   # and leaving A2 sends its own
    rows = wait_stored(portal, lambda rs: any(r["page"] == A2 + "index.html" for r in rs), "A2's view")
    assert engagement_requests(drv, mark) > 0
    views = {p: [r for r in rows if r["page"] == p and r["kind"] == "view" and r["viewer"] == "a-active"]
             for p in (A1 + "index.html", A2 + "index.html")}
    assert max(r["scroll_percent"] for r in views[A1 + "index.html"]) == 100, views
    assert views[A2 + "index.html"], views


def test_the_readers_no_holds_on_pages_opened_in_place(drv, portal):
    acct = portal.accounts["alpha"]
    before = all_rows(portal)
    mark = netlog_mark(drv)
    open_page(drv, portal.static, acct, A1, acct.token("a-second"))
    drv.find_element(By.CSS_SELECTOR, "label[for='portico-reading']").click()
    assert reading_box(drv)["checked"] is False
    drv.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    time.sleep(2.5)
    _open_next_in_place(drv)
    T.wait_for(drv, lambda d: reading_box(d) and reading_box(d)["checked"] is False, what="the control, still off")
    time.sleep(2.5)
    drv.get("about:blank")
    assert engagement_requests(drv, mark) == 0
    assert all_rows(portal) == before


def test_global_privacy_control_holds_on_pages_opened_in_place(drv, portal):
    acct = portal.accounts["alpha"]
    before = all_rows(portal)
    mark = netlog_mark(drv)
    with global_privacy_control(drv):
        open_page(drv, portal.static, acct, A1, acct.token("a-active"))
        time.sleep(2.5)
        _open_next_in_place(drv)
        T.wait_for(drv, lambda d: reading_box(d) and reading_box(d)["disabled"] is True, what="the control, disabled")
        drv.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
        time.sleep(2.5)
        drv.get("about:blank")
        time.sleep(1)
        assert engagement_requests(drv, mark) == 0
        assert all_rows(portal) == before


def test_the_feedback_form_of_a_page_opened_in_place_posts_for_that_page(drv, portal):
    acct = portal.accounts["alpha"]
    open_page(drv, portal.static, acct, A1, acct.token("a-active"))
    _open_next_in_place(drv)
    form = T.wait_for(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "form[data-portico-feedback]"), what="the form")[0]
    assert form.get_attribute("data-page") == A2 + "index.html"
    success = form.get_attribute("data-success")
    message = "in place %s" % uuid.uuid4().hex[:12]
    fill_and_send(drv, 4, message, False)
    T.wait_for(drv, lambda d: status_text(d) not in ("", None), timeout=20, what="the feedback status text")
    assert status_text(drv) == success and same_document(drv)
    rows = [r for r in export(portal) if r["fields"].get("message") == message]
    assert len(rows) == 1, rows
    assert (rows[0]["page"], rows[0]["viewer"], rows[0]["account"]) == (A2 + "index.html", "a-active", "alpha"), rows[0]
