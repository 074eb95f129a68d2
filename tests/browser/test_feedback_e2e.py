"""Feedback end to end in real headless Chromium: the fixture portal built with its feedback form
posting to a `portico serve` started here, a person filling in and sending the form on a gated
article, and the submission read back with `portico feedback export`.

Setup (module scope, everything on 127.0.0.1, every process stopped in teardown):
1. the fixture content is copied to a temporary folder;
2. a static server for the site is started first, so its origin is known; that origin becomes
   `base_url` (the feedback server answers CORS only for base_url's origin);
3. a first build writes `.portico/server-keys`; `portico serve --port 0` is started on that
   content without PORTICO_SECRET (it reads the key file) and prints the port it bound;
   `feedback.endpoint` is set to it;
4. `portico build` (pinned secret and date, as in conftest.py) writes the site the static server
   serves, with the `_headers` of that build (its CSP's connect-src names the endpoint).
"""
import json
import os
import re
import select
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import portico_testlib as T
from test_gate import open_with

START_TIMEOUT = 60
ARTICLE_ALPHA = "insights/quarterly-review/"
ARTICLE_BETA = "insights/annual-plan/"


def _env(today):
    """The server's environment: no secret (it reads the key file the build wrote)."""
    env = dict(os.environ)
    env.pop("PORTICO_SECRET", None)
    env["PORTICO_TODAY"] = today
    return env


class FeedbackServer:
    """`portico serve` on 127.0.0.1:<free port>; the port is read from its 'Listening on' line."""

    def __init__(self, content, db, log, today):
        self.args = [T.portico_bin(), "serve", "--content", content, "--host", "127.0.0.1",
                     "--port", "0", "--db", db,
                     # the test's own signed polls come from the browser's address too
                     "--viewer-limit", "1000", "--ip-limit", "1000"]
        self.env = _env(today)
        self.log = log
        self.proc = None
        self.base = None

    def start(self):
        with open(self.log, "ab") as err:
            self.proc = subprocess.Popen(self.args, env=self.env, stdout=subprocess.PIPE,
                                         stderr=err, cwd=T.ROOT)
        deadline = time.monotonic() + START_TIMEOUT
        buf = b""
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                break
            r, _, _ = select.select([self.proc.stdout], [], [], min(left, 0.5))
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                buf += chunk
        m = re.search(rb"Listening on http://127\.0\.0\.1:(\d+)", buf)
        if not m:
            self.stop()
            raise AssertionError("portico serve did not start: stdout %r, stderr:\n%s"
                                 % (buf, open(self.log, encoding="utf-8", errors="replace").read()))
        self.base = "http://127.0.0.1:%s" % m.group(1).decode()
        return self

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)
        if self.proc.stdout:
            self.proc.stdout.close()


def _set_portal(content, **changes):
    """Rewrites portal.yml of the temporary copy (base_url, feedback.endpoint)."""
    path = os.path.join(content, "portal.yml")
    cfg = T.read_yaml(path)
    if "base_url" in changes:
        cfg["base_url"] = changes["base_url"]
    if "endpoint" in changes:
        fb = cfg.get("feedback") or {}
        fb["endpoint"] = changes["endpoint"]
        cfg["feedback"] = fb
    import yaml
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(cfg, f, allow_unicode=True, sort_keys=False)


def _use_headers_of_build(server, site):
    """The static server was started before the build (to know its origin): give it the
    headers of the `_headers` file the build has now written (as T.Server does at start)."""
    rules = T.parse_headers_file(os.path.join(site, "_headers"))
    rules = [(p, [(k, v) for k, v in hs if k.lower() != "cache-control"]) for p, hs in rules]
    handler = server.httpd.RequestHandlerClass.func   # functools.partial(handler, directory=site)
    handler.header_rules = rules


class Portal:
    pass


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback-e2e")
    p = Portal()
    p.content = str(root / "content")
    p.site = str(root / "site")
    p.db = str(root / "fb.sqlite")
    p.log = str(root / "serve.log")
    shutil.copytree(T.FIXTURE_CONTENT, p.content)
    os.makedirs(p.site)
    p.secret_hex, p.today = T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY
    static = fb = None
    try:
        static = T.Server(p.site)
        _set_portal(p.content, base_url=static.base,
                    endpoint="http://127.0.0.1:9/v1/feedback")   # replaced once the port is known
        # a first build leaves .portico/server-keys beside the content, which serve reads
        T.build(p.content, p.site, p.secret_hex, p.today)
        fb = FeedbackServer(p.content, p.db, p.log, p.today).start()
        p.endpoint = fb.base + "/v1/feedback"
        _set_portal(p.content, endpoint=p.endpoint)
        T.build(p.content, p.site, p.secret_hex, p.today)
        _use_headers_of_build(static, p.site)
        p.static, p.fb = static, fb
        p.accounts = {s: T.Account(p.content, s, p.secret_hex, p.today) for s in ("alpha", "beta")}
        yield p
    finally:
        if fb is not None:
            fb.stop()
        if static is not None:
            static.close()


@pytest.fixture
def fdriver(driver, portal):
    """The shared Chromium, with this module's origin's storage cleared before and after."""
    T.clear_storage(driver, portal.static.base)
    driver.get("about:blank")
    driver.get_log("browser")   # drop earlier console messages
    yield driver
    T.clear_storage(driver, portal.static.base)
    driver.get("about:blank")


def export(portal, *extra):
    r = T.run_portico(["feedback", "export", "--format", "json", "--db", portal.db] + list(extra),
                      timeout=60)
    return json.loads(r.stdout)


def signed_post(portal, acct, viewer, page, fields):
    """A submission signed as gate.js signs it (docs/feedback.md); (status, problem JSON)."""
    body = json.dumps({"account": acct.path, "page": page, "viewer": viewer,
                       "timestamp": int(time.time()), "nonce": T.M.b64u(os.urandom(16)),
                       "fields": fields}, separators=(",", ":")).encode()
    proof = T.M.b64u(T.M.hmac(T.M.feedback_key(acct.token_bytes(viewer), acct.key_check), body))
    req = urllib.request.Request(portal.endpoint, data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Portico-Proof": proof})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def severe_logs(drv):
    # a new origin's first page makes Chromium ask for /favicon.ico, which the site has not
    return [l for l in drv.get_log("browser") if l["level"] == "SEVERE"
            and "/favicon.ico " not in l["message"]]


def status_text(drv):
    return drv.execute_script(
        "var e=document.querySelector('form[data-portico-feedback] [data-portico-feedback-status]');"
        "return e ? e.textContent : null")


def active_id(drv):
    return drv.execute_script("return document.activeElement && document.activeElement.id")


def fill_and_send(drv, rating, message, workshop):
    """Fills the default form (rating, message, workshop) with mouse and keyboard, and sends it:
    click the rating below the wanted one, arrow right to it, Tab to the message and type, Tab to
    the checkbox and Space, Tab to the button and Enter."""
    form = drv.find_element(By.CSS_SELECTOR, "form[data-portico-feedback]")
    drv.execute_script("arguments[0].scrollIntoView({block:'center'})", form)
    assert 2 <= rating <= 5
    drv.find_element(By.CSS_SELECTOR, "label[for='pt-fb-rating-%d']" % (rating - 1)).click()
    assert drv.find_element(By.ID, "pt-fb-rating-%d" % (rating - 1)).is_selected()
    assert active_id(drv) == "pt-fb-rating-%d" % (rating - 1), active_id(drv)
    drv.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    T.wait_for(drv, lambda d: d.find_element(By.ID, "pt-fb-rating-%d" % rating).is_selected(),
               what="rating %d selected" % rating)
    drv.switch_to.active_element.send_keys(Keys.TAB)
    assert active_id(drv) == "pt-fb-message", active_id(drv)
    drv.switch_to.active_element.send_keys(message)
    T.wait_for(drv, lambda d: d.find_element(By.ID, "pt-fb-message").get_attribute("value") == message,
               what="the typed message")
    drv.switch_to.active_element.send_keys(Keys.TAB)
    assert active_id(drv) == "pt-fb-workshop", active_id(drv)
    if workshop:
        drv.switch_to.active_element.send_keys(Keys.SPACE)
    assert drv.find_element(By.ID, "pt-fb-workshop").is_selected() == workshop
    drv.switch_to.active_element.send_keys(Keys.TAB)
    focused = drv.switch_to.active_element
    assert focused.tag_name == "button" and focused.get_attribute("type") == "submit", \
        focused.get_attribute("outerHTML")
    assert not drv.find_elements(By.NAME, "website"), "no honeypot for autofill to fill"
    focused.send_keys(Keys.ENTER)
    return form


def open_article(drv, portal, acct, viewer, rel):
    assert open_with(drv, portal.static, acct, rel, acct.token(viewer)) == "unlocked"
    form = T.wait_for(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "form[data-portico-feedback]"),
                      what="the feedback form")[0]
    assert form.get_attribute("data-endpoint") == portal.endpoint
    assert form.get_attribute("data-account") == acct.path
    assert form.get_attribute("data-page") == rel + "index.html"
    return form


def test_setup_serves_the_build_with_its_csp(portal):
    # the CSP of the build lets the page reach the endpoint, and the server allows the origin
    with urllib.request.urlopen(portal.static.base + "/robots.txt", timeout=10) as r:
        csp = r.headers.get("Content-Security-Policy") or ""
    assert "connect-src 'self' " + portal.fb.base in csp, csp
    req = urllib.request.Request(portal.endpoint, method="OPTIONS", headers={
        "Origin": portal.static.base, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-portico-proof"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 204
        assert r.headers.get("Access-Control-Allow-Origin") == portal.static.base


@pytest.mark.parametrize("slug,viewer,rel,rating,workshop,message", [
    ("alpha", "a-active", ARTICLE_ALPHA, 4, True,
     "Could we get the pilot numbers per plant? (e2e %s)"),
    ("beta", "b-active", ARTICLE_BETA, 5, False,
     "请把试点产线的数据发给我们 (e2e %s)"),
])
def test_feedback_form_posts_and_is_exported(fdriver, portal, slug, viewer, rel, rating, workshop,
                                             message):
    drv = fdriver
    acct = portal.accounts[slug]
    message = message % uuid.uuid4().hex[:12]
    form = open_article(drv, portal, acct, viewer, rel)
    success = form.get_attribute("data-success")
    assert success and status_text(drv) == ""
    fill_and_send(drv, rating, message, workshop)
    T.wait_for(drv, lambda d: status_text(d) not in ("", None), timeout=20,
               what="the feedback status text")
    assert status_text(drv) == success, status_text(drv)
    # the form is reset for the next message, and the button usable again
    assert drv.find_element(By.ID, "pt-fb-message").get_attribute("value") == ""
    assert not drv.find_element(By.ID, "pt-fb-workshop").is_selected()
    assert not drv.find_element(By.ID, "pt-fb-rating-%d" % rating).is_selected()
    assert drv.find_element(By.CSS_SELECTOR, "form[data-portico-feedback] [type=submit]").is_enabled()
    assert not severe_logs(drv)

    rows = [r for r in export(portal) if r["fields"].get("message") == message]
    assert len(rows) == 1, rows
    row = rows[0]
    assert row["viewer"] == viewer
    assert row["page"] == rel + "index.html"
    assert row["account"] == slug and row["account_path"] == acct.path
    assert row["status"] == "open"
    r = row["fields"]["rating"]
    assert type(r) is int and r == rating, row["fields"]
    assert row["fields"] == {"rating": rating, "message": message, "workshop": workshop}, row["fields"]
    # routed to the page's SME (front matter `sme:`)
    want_sme = {"alpha": ("MARKERSMEALPHA Expert", "markersmemailalpha@example.test"),
                "beta": ("标记专家乙", "markersmemailbeta@example.test")}[slug]
    assert (row["sme"], row["sme_email"]) == want_sme


def test_stale_session_after_revocation_shows_the_error(fdriver, portal):
    """The viewer opens the article while still allowed; then they are revoked and the server
    reloads its content (SIGHUP), but the site is not rebuilt: the page stays open with the old
    session, and sending the form must show the error text (nothing is stored)."""
    drv = fdriver
    acct, viewer = portal.accounts["alpha"], "a-second"
    form = open_article(drv, portal, acct, viewer, ARTICLE_ALPHA)
    error = form.get_attribute("data-error")
    assert error

    path = os.path.join(portal.content, "accounts", "alpha", "account.yml")
    text = open(path, encoding="utf-8").read()
    new = text.replace("  - id: a-second\n", "  - id: a-second\n    revoked: true\n", 1)
    assert new != text
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)
    portal.fb.proc.send_signal(signal.SIGHUP)
    # bounded wait for the asynchronous reload: a signed request for a page the account does not
    # publish gets 422 (page) before and 403 (revoked, checked first) after; neither is stored
    got = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        got = signed_post(portal, acct, viewer, "insights/no-such-page/index.html", {"message": "x"})
        if got[0] == 403:
            break
        assert got[0] == 422, got
        time.sleep(0.2)
    assert got[0] == 403 and got[1]["type"].endswith("viewer-revoked"), got
    assert portal.fb.proc.poll() is None, "SIGHUP must not stop the server"

    message = "Sent after my access was withdrawn (e2e %s)" % uuid.uuid4().hex[:12]
    fill_and_send(drv, 3, message, True)
    T.wait_for(drv, lambda d: status_text(d) not in ("", None), timeout=20,
               what="the feedback status text")
    shown = status_text(drv)
    # the form's error text, then the problem's detail (readable: CORS covers error answers too)
    assert shown == error + " " + got[1]["detail"], (shown, got)
    assert shown != form.get_attribute("data-success")
    # what was typed is kept, so the reader does not lose it, and the button works again
    assert drv.find_element(By.ID, "pt-fb-message").get_attribute("value") == message
    assert drv.find_element(By.CSS_SELECTOR, "form[data-portico-feedback] [type=submit]").is_enabled()
    assert [r for r in export(portal, "--status", "all") if r["fields"].get("message") == message] == []
