"""A workshop request end to end in real headless Chromium: the gated fixture portal built with its forms
posting to a `portico serve` started here (as in test_feedback_e2e.py), a reader asking for a workshop from an
article, the request read and moved along the pipeline with `portico workshop`, and the new-request webhook
verified with PyPI's `standardwebhooks` (the reference library, not Portico's code)."""
import json
import os
import shutil
import time
import uuid

import pytest
from selenium.webdriver.common.by import By
from webhook_receiver import Receiver as SignedReceiver

import portico_testlib as T
from test_feedback_e2e import FeedbackServer, _set_portal, _use_headers_of_build
from test_gate import open_with

ARTICLE = "insights/quarterly-review/"
TITLE = "MARKERTITLEALPHA1 quarterly review"
SME = "MARKERSMEALPHA Expert"
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class Portal:
    pass


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("workshop-e2e")
    p = Portal()
    p.content, p.site, p.db = str(root / "content"), str(root / "site"), str(root / "fb.sqlite")
    shutil.copytree(T.FIXTURE_CONTENT, p.content)
    os.makedirs(p.site)
    static = fb = receiver = None
    try:
        receiver = SignedReceiver(WEBHOOK_SECRET)
        static = T.Server(p.site)
        _set_portal(p.content, base_url=static.base, endpoint="http://127.0.0.1:9/v1/feedback")
        T.build(p.content, p.site, T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)   # writes the server key file
        fb = FeedbackServer(p.content, p.db, str(root / "serve.log"), T.FIXTURE_TODAY)
        fb.env.update(PORTICO_WEBHOOK_URL=receiver.url, PORTICO_WEBHOOK_SECRET=WEBHOOK_SECRET)
        fb.start()
        _set_portal(p.content, endpoint=fb.base + "/v1/feedback")
        T.build(p.content, p.site, T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
        _use_headers_of_build(static, p.site)
        p.static, p.fb, p.receiver = static, fb, receiver
        p.alpha = T.Account(p.content, "alpha", T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
        yield p
    finally:
        for closable in (fb and fb.stop, static and static.close, receiver and receiver.close):
            if closable:
                closable()


@pytest.fixture
def wdriver(driver, portal):
    T.clear_storage(driver, portal.static.base)
    driver.get("about:blank")
    driver.get_log("browser")
    yield driver
    T.clear_storage(driver, portal.static.base)
    driver.get("about:blank")


def workshop(portal, *args, check=True):
    return T.run_portico(["workshop", *args, "--db", portal.db, "--content", portal.content], timeout=60, check=check)


def rows(listing):
    header, *lines = listing.strip().split("\n")
    return [dict(zip(header.split("\t"), line.split("\t"))) for line in lines]


def status_text(drv):
    return drv.execute_script(
        "var e=document.querySelector('form[data-portico-workshop] [data-portico-feedback-status]');"
        "return e ? e.textContent : null")


def open_form(drv, portal, rel):
    assert open_with(drv, portal.static, portal.alpha, rel, portal.alpha.token("a-active")) == "unlocked"
    form = T.wait_for(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "form[data-portico-workshop]"), what="the workshop form")[0]
    assert form.get_attribute("data-endpoint") == portal.fb.base + "/v1/workshop"
    assert form.get_attribute("data-account") == portal.alpha.path
    assert form.get_attribute("data-page") == rel + "index.html"
    drv.execute_script("arguments[0].scrollIntoView({block:'center'})", form)
    return form


def test_the_home_page_offers_the_form_with_an_empty_topic(wdriver, portal):
    open_form(wdriver, portal, "")
    assert wdriver.find_element(By.ID, "pt-ws-topic").get_attribute("value") == ""


def test_a_workshop_request_from_an_article_through_the_pipeline(wdriver, portal):
    drv = wdriver
    form = open_form(drv, portal, ARTICLE)
    topic = drv.find_element(By.ID, "pt-ws-topic")
    assert topic.get_attribute("value") == TITLE, "the topic starts as the page's title"
    notes = "Bring the plant numbers (e2e %s)" % uuid.uuid4().hex[:12]
    drv.find_element(By.ID, "pt-ws-weeks").send_keys("weeks 20-22")
    drv.find_element(By.ID, "pt-ws-participants").send_keys("12")
    drv.find_element(By.ID, "pt-ws-notes").send_keys(notes)
    assert status_text(drv) == ""
    form.find_element(By.CSS_SELECTOR, "[type=submit]").click()
    T.wait_for(drv, lambda d: status_text(d) not in ("", None), timeout=20, what="the workshop status text")
    assert status_text(drv) == form.get_attribute("data-success"), status_text(drv)
    assert drv.find_element(By.ID, "pt-ws-participants").get_attribute("value") == "", "the form is reset"
    assert drv.find_element(By.ID, "pt-ws-topic").get_attribute("value") == TITLE, "to its pre-filled topic"
    assert not [l for l in drv.get_log("browser") if l["level"] == "SEVERE" and "/favicon.ico " not in l["message"]]

    listed = [r for r in rows(workshop(portal, "list").stdout) if r["TOPIC"] == TITLE]
    assert len(listed) == 1, listed
    request = listed[0]
    assert (request["STATE"], request["SME"], request["ACCOUNT"], request["VIEWER"], request["PARTICIPANTS"], request["PAGE"]) == \
        ("requested", SME, "alpha", "a-active", "12", ARTICLE + "index.html")
    shown = workshop(portal, "show", request["ID"]).stdout
    assert notes in shown and "weeks 20-22" in shown

    workshop(portal, "set", request["ID"], "scheduled", "--date", "2026-06-16", "--note", "on site")
    workshop(portal, "set", request["ID"], "held")
    workshop(portal, "set", request["ID"], "poc-proposed")
    assert [r["STATE"] for r in rows(workshop(portal, "list").stdout) if r["ID"] == request["ID"]] == ["poc-proposed"]
    history = [line.strip().split("  ", 2) for line in workshop(portal, "show", request["ID"]).stdout.split("history:\n", 1)[1].strip().split("\n")]
    changes = [change for _, _, change in history]
    assert changes == ["created - → requested", "state requested → scheduled (on site)", "schedule - → 2026-06-16",
                       "state scheduled → held", "state held → poc-proposed"], history
    assert [actor for _, actor, _ in history] == ["reader", "cli", "cli", "cli", "cli"]

    # the new request's notification, signed per Standard Webhooks (the outbox polls every second)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(json.loads(d[1]).get("notes") == notes for d in portal.receiver.deliveries):
        time.sleep(0.1)
    delivered = [(d[0], json.loads(d[1])) for d in portal.receiver.deliveries if json.loads(d[1]).get("notes") == notes]
    assert len(delivered) == 1, portal.receiver.deliveries
    verified, payload = delivered[0]
    assert verified
    assert payload["type"] == "workshop_request" and payload["id"] == int(request["ID"]) and payload["state"] == "requested"
    assert payload["topic"] == TITLE and payload["participants"] == 12 and payload["sme"]["name"] == SME
    assert payload["account"] == "alpha" and payload["submission_id"] is None
