"""The console against an intruder and a curious colleague, over real sockets: who may sign in, what each
person sees, and which requests change anything. (The pages as a person sees them: tests/browser/test_console_browser.py.)"""
import os
import shutil
import signal
import time

import pytest

from console_client import Visitor, staff_link, token_of
from databases import mapped
from portico_client import FIXTURE, Server, account_path, post, submission


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("console")
    with Server(str(folder / "feedback.sqlite")) as running:
        yield running


def signed_in(server, staff):
    visitor = Visitor(server)
    status, headers, cookies = visitor.sign_in(staff_link(staff))
    assert status == 303 and headers["Location"] == "/console", (status, cookies)
    return visitor


def test_without_a_session_every_page_is_the_sign_in_page(server):
    visitor = Visitor(server)
    for path in ["/console", "/console/inbox", "/console/accounts/acme", "/console/items/feedback/1"]:
        status, text, _, cookies = visitor.get(path)
        assert status == 401, path
        assert "sign-in link" in text and "Acme Corp" not in text, path
        assert cookies == [], "no session is made for a visitor"


def test_a_link_signs_in_only_when_the_person_presses_the_button(server):
    visitor = Visitor(server)
    link = staff_link("ada")
    assert link.startswith("http://127.0.0.1:8099/console/sign-in?t=ada.")
    status, text, _, cookies = visitor.get("/console/sign-in?t=" + token_of(link))
    assert status == 200 and cookies == [], "a GET (a mail scanner opening the link) never signs in"
    assert "Ada Lovelace" in text and 'method="post"' in text
    status, headers, cookies = visitor.sign_in(link)
    assert status == 303
    cookie = next(c for c in cookies if c.startswith("portico_console="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie, "the fixture's server is plain http"
    status, text, _, _ = visitor.get("/console")
    assert status == 200 and "Acme Corp" in text


def test_staff_see_only_their_accounts(server):
    ada = signed_in(server, "ada")          # SME of acme
    status, text, _, _ = ada.get("/console")
    assert "Acme Corp" in text and "Beta" not in text
    assert ada.get("/console/accounts/acme")[0] == 200
    status, text, _, _ = ada.get("/console/accounts/beta")
    assert status == 404 and "Beta" not in text, "another account answers like one that does not exist"
    assert ada.get("/console/accounts/nonexistent")[0] == 404
    mia = signed_in(server, "mia")          # manager of beta
    status, text, _, _ = mia.get("/console")
    assert "Beta" in text and "Acme Corp" not in text
    assert mia.get("/console/accounts/acme")[0] == 404
    root = signed_in(server, "root")        # admin of all
    status, text, _, _ = root.get("/console")
    assert "Beta" in text and "Acme Corp" in text


def test_items_of_another_account_cannot_be_read_or_changed(server):
    body, headers = submission(slug="acme", viewer="alice", fields={"rating": 5, "message": "Console test", "workshop": False})
    status, receipt, _ = post(server.base_url, body, headers)
    assert status == 201
    item = f"/console/items/feedback/{receipt['id']}"
    mia = signed_in(server, "mia")
    status, text, _, _ = mia.get(item)
    assert status == 404 and "Console test" not in text
    status, _, _, _ = mia.post(item, {"do": "note", "note": "not mine"})
    assert status == 404
    ada = signed_in(server, "ada")
    status, text, _, _ = ada.get(item)
    assert status == 200 and "Console test" in text and "not mine" not in text


def test_a_readers_token_never_opens_the_console(server):
    import portico_client as C
    reader_token = C.b64u(C.hkdf(C.hkdf(C.SECRET, "account\0acme", 32), "token\0alice\0" + "1", 16))
    for token in [reader_token, "alice." + reader_token, f"alice.2099-01-01.{reader_token}"]:
        visitor = Visitor(server)
        status, _, cookies = visitor.sign_in("http://x/console/sign-in?t=" + token)
        assert status == 403 and not any(c.startswith("portico_console=") for c in cookies), token
        assert visitor.get("/console")[0] == 401
    # nor a reader's link fragment, nor a made-up cookie
    visitor = Visitor(server)
    visitor.cookie = reader_token
    assert visitor.get("/console")[0] == 401


def test_forged_tampered_and_expired_links_are_refused(server):
    link = staff_link("ada")
    token = token_of(link)
    staff, expires, signature = token.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    forged = [
        f"{staff}.{expires}.{flipped}",                 # tampered signature
        f"root.{expires}.{signature}",                  # ada's signature presented as the admin's
        f"{staff}.2099-12-31.{signature}",              # expiry moved
        f"nobody.{expires}.{signature}",                # unknown person
        "garbage", "", "a.b.c", "ada." + "x" * 600,
    ]
    for token in forged:
        visitor = Visitor(server)
        status, _, cookies = visitor.sign_in("http://x/console/sign-in?t=" + token)
        assert status in (400, 403) and not any(c.startswith("portico_console=") for c in cookies), token
    expired = staff_link("ada", days=1, today="2025-05-01")   # valid until 2025-05-02; the server's today is 2025-06-01
    visitor = Visitor(server)
    status, _, cookies = visitor.sign_in(expired)
    assert status == 403 and not any(c.startswith("portico_console=") for c in cookies)
    status, text, _, _ = visitor.post("/console/sign-in", {"t": token_of(expired)})
    assert "expired on 2025-05-02" in text


def test_cross_origin_and_origin_less_posts_are_refused(server):
    link = staff_link("ada")
    visitor = Visitor(server)
    for origin in ["http://evil.example", "null", None, f"https://{visitor.host}:{visitor.port}"]:
        status, _, _, cookies = visitor.post("/console/sign-in", {"t": token_of(link)}, origin=origin)
        assert status == 403 and not cookies, origin
    ada = signed_in(server, "ada")
    body, headers = submission(slug="acme", viewer="alice", fields={"rating": 3, "message": "Origin test", "workshop": False})
    status, receipt, _ = post(server.base_url, body, headers)
    item = f"/console/items/feedback/{receipt['id']}"
    status, _, _, _ = ada.post(item, {"do": "note", "note": "from evil"}, origin="http://evil.example")
    assert status == 403
    status, _, _, _ = ada.post("/console/sign-out", {}, origin="http://evil.example")
    assert status == 403
    status, text, _, _ = ada.get(item)
    assert status == 200 and "from evil" not in text, "nothing changed, and the session still works"


def test_sign_out_ends_the_session_on_the_server(server):
    ada = signed_in(server, "ada")
    stolen = ada.cookie
    status, _, headers, _ = ada.post("/console/sign-out", {})
    assert status == 303 and headers["Location"] == "/console/sign-in"
    thief = Visitor(server)
    thief.cookie = stolen
    assert thief.get("/console")[0] == 401, "the old cookie opens nothing once signed out"


def test_removing_someone_from_staff_ends_their_session_at_the_next_reload(tmp_path):
    content = str(tmp_path / "content")
    shutil.copytree(FIXTURE, content)
    with Server(str(tmp_path / "feedback.sqlite"), content=content) as server:
        grace = Visitor(server)
        assert grace.sign_in(staff_link("grace", content=content))[0] == 303
        assert grace.get("/console")[0] == 200
        path = os.path.join(content, "portal.yml")
        text = open(path, encoding="utf-8").read()
        start = text.index("  - id: grace")
        end = text.index("  - id: mia")
        open(path, "w", encoding="utf-8").write(text[:start] + text[end:])
        server.signal(signal.SIGHUP)
        for _ in range(100):
            if grace.get("/console")[0] == 401:
                break
            time.sleep(0.1)
        assert grace.get("/console")[0] == 401


def test_report_lists_what_waits_for_each_person_and_their_accounts(tmp_path):
    import subprocess
    from portico_client import ENV, PORTICO_BIN
    db = str(tmp_path / "feedback.sqlite")
    with Server(db) as server:
        # routed to acme's first SME (ada@vendor.example): waiting for ada, not for grace
        body, headers = submission(slug="acme", viewer="alice", fields={"rating": 4, "message": "Report me", "workshop": False})
        assert post(server.base_url, body, headers)[0] == 201
    out = tmp_path / "reports"
    result = subprocess.run([PORTICO_BIN, "report", "--content", FIXTURE, "--db", mapped(db), "--since", "last-month", "--out", str(out)],
                            env=ENV, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split("\t")[:2] for line in result.stdout.splitlines())
    assert lines["ada"] == "1 waiting" and lines["grace"] == "0 waiting" and set(lines) == {"ada", "grace", "mia", "root"}
    ada_html = next(out.glob("report-ada-*.html")).read_text()
    ada_text = next(out.glob("report-ada-*.txt")).read_text()
    for text in (ada_html, ada_text):
        assert "Report me" in text and "Acme Corp" in text and "Beta" not in text
        assert "http://127.0.0.1:8099/console/items/feedback/" in text
    grace = next(out.glob("report-grace-*.txt")).read_text()
    assert "Report me" not in grace and "Acme Corp" in grace
    assert "Acme Corp" not in next(out.glob("report-mia-*.txt")).read_text()
    bad = subprocess.run([PORTICO_BIN, "report", "--content", FIXTURE, "--db", mapped(db), "--since", "yesterday-ish"],
                         env=ENV, capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "--since" in bad.stderr


def test_inbox_moves_a_workshop_request_through_its_pipeline_and_the_cli_agrees(tmp_path):
    import re
    import subprocess
    from portico_client import ENV, PORTICO_BIN
    db = str(tmp_path / "feedback.sqlite")
    with Server(db) as server:
        # ticking "workshop" in feedback also asks for a workshop; both are routed to acme's first SME, Ada
        body, headers = submission(slug="acme", viewer="alice", fields={"rating": 5, "message": "Let's talk", "workshop": True})
        assert post(server.base_url, body, headers)[0] == 201
        ada, grace = signed_in(server, "ada"), signed_in(server, "grace")
        status, inbox, _, _ = ada.get("/console/inbox")
        assert status == 200 and ("Let&#39;s talk" in inbox or "Let's talk" in inbox)
        workshop = re.search(r'href="(/console/items/workshop/\d+)"', inbox).group(1)
        assert re.search(r'href="/console/items/feedback/\d+"', inbox)
        assert "/console/items/" not in grace.get("/console/inbox")[1], "nothing is Grace's yet"

        status, page, _, _ = ada.get(workshop)
        assert status == 200 and 'name="date"' in page
        # scheduled needs a date: refused without one, and nothing changes
        status, _, headers, _ = ada.post(workshop, {"do": "state", "state": "scheduled", "date": ""})
        assert status == 303 and "error=" in headers["Location"]
        for form in [{"do": "state", "state": "scheduled", "date": "2025-07-15"}, {"do": "state", "state": "held"},
                     {"do": "state", "state": "poc-proposed", "note": "POC on the Shenzhen line"},
                     {"do": "note", "note": "Budget confirmed"}]:
            status, _, headers, _ = ada.post(workshop, form)
            assert status == 303 and "done=" in headers["Location"], (form, headers["Location"])
        # an SME cannot reassign what is not theirs; its owner can
        assert "pc-assignee" not in grace.get(workshop)[1]
        assert grace.post(workshop, {"do": "assign", "assignee": "grace"})[0] == 403
        assert "error=" in ada.post(workshop, {"do": "assign", "assignee": "mia"})[2]["Location"], "Mia works on beta only"
        assert "done=assign" in ada.post(workshop, {"do": "assign", "assignee": "grace"})[2]["Location"]
        assert workshop in grace.get("/console/inbox")[1] and workshop not in ada.get("/console/inbox")[1]
        status, page, _, _ = grace.get(workshop)
        for text in ["POC proposed", "Budget confirmed", "POC on the Shenzhen line", "2025-07-15", "Ada Lovelace", "Grace Hopper"]:
            assert text in page, text
    number = workshop.rsplit("/", 1)[1]
    shown = subprocess.run([PORTICO_BIN, "workshop", "show", number, "--content", FIXTURE, "--db", mapped(db)],
                           env=ENV, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    for text in ["poc-proposed", "scheduled", "held", "Budget confirmed", "ada", "grace"]:
        assert text in shown.stdout, (text, shown.stdout)


def test_over_https_the_cookie_is_secure_and_only_an_https_origin_may_post(tmp_path):
    content = str(tmp_path / "content")
    shutil.copytree(FIXTURE, content)
    path = os.path.join(content, "portal.yml")
    text = open(path, encoding="utf-8").read().replace("endpoint: http://127.0.0.1:8099/v1/feedback",
                                                        "endpoint: https://feedback.vendor.example/v1/feedback")
    open(path, "w", encoding="utf-8").write(text)
    link = staff_link("ada", content=content)
    assert link.startswith("https://feedback.vendor.example/console/sign-in?t=ada.")
    with Server(str(tmp_path / "feedback.sqlite"), content=content) as server:   # behind a TLS proxy in real life
        visitor = Visitor(server)
        assert visitor.sign_in(link)[0] == 403, "an http origin is not the console's"
        status, _, _, cookies = visitor.post("/console/sign-in", {"t": token_of(link)}, origin=f"https://{visitor.host}:{visitor.port}")
        assert status == 303
        assert any("Secure" in c for c in cookies if c.startswith("portico_console="))
