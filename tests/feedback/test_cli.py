"""`portico serve` end to end: SIGHUP reload, honeypot, and the SMEs' list / export / resolve."""
import csv
import io
import json
import os
import shutil
import signal
import time

from portico_client import FIXTURE, Server, post, run_portico, submission


def test_list_export_resolve_and_spam(tmp_path):
    db = str(tmp_path / "feedback.sqlite")
    with Server(db) as server:
        assert post(server.base_url, *submission(page="solutions/payments-hub/index.html",
                                                  fields={"message": "=1+1, \"quoted\"", "topic": "pricing"}))[0] == 201
        assert post(server.base_url, *submission(slug="beta", viewer="carol", page="insights/welcome/index.html",
                                                  readable=True, fields={"message": "hello"}))[0] == 201
        assert post(server.base_url, *submission(website="http://spam.example"))[0] == 201

    listing = run_portico("feedback", "list", "--db", db).stdout
    assert "Grace Hopper" in listing and "carol" in listing and "spam" not in listing
    assert "spam" in run_portico("feedback", "list", "--db", db, "--status", "spam").stdout
    assert "carol" not in run_portico("feedback", "list", "--db", db, "--account", "acme").stdout

    rows = list(csv.DictReader(io.StringIO(run_portico("feedback", "export", "--format", "csv", "--db", db).stdout)))
    assert [r["account"] for r in rows] == ["acme", "beta"]
    assert rows[0]["message"] == "'=1+1, \"quoted\"" and rows[0]["sme"] == "Grace Hopper" and rows[0]["topic"] == "pricing"

    assert run_portico("feedback", "resolve", "1", "--note", "Called them", "--db", db).returncode == 0
    assert "1\t" not in run_portico("feedback", "list", "--db", db, "--status", "open").stdout.split("\n", 1)[1]
    exported = json.loads(run_portico("feedback", "export", "--format", "json", "--db", db, "--status", "resolved").stdout)
    assert [(r["id"], r["status"], r["note"]) for r in exported] == [(1, "resolved", "Called them")]
    assert run_portico("feedback", "resolve", "99", "--note", "x", "--db", db, check=False).returncode == 1
    assert run_portico("feedback", "list", "--db", str(tmp_path / "none.sqlite"), check=False).returncode == 1


def test_sighup_reloads_viewers(tmp_path):
    content = str(tmp_path / "content")
    shutil.copytree(FIXTURE, content)
    with Server(str(tmp_path / "feedback.sqlite"), content=content) as server:
        assert post(server.base_url, *submission(viewer="bob"))[0] == 201
        path = os.path.join(content, "accounts", "acme", "account.yml")
        text = open(path, encoding="utf-8").read().replace("  - id: bob\n", "  - id: bob\n    revoked: true\n")
        open(path, "w", encoding="utf-8").write(text)
        server.signal(signal.SIGHUP)
        status = None
        for _ in range(100):  # the reload is asynchronous; bounded wait, no timing assertion
            # signed as on pages built after the revocation: the feedback key follows the content key
            status = post(server.base_url, *submission(viewer="bob", content=content))[0]
            if status == 403:
                break
            time.sleep(0.1)
        assert status == 403
        # the key bob's browser held before the revocation no longer signs anything (rotated)
        assert post(server.base_url, *submission(viewer="bob"))[0] == 401
        assert post(server.base_url, *submission(viewer="alice", content=content))[0] == 201
        assert server.process.poll() is None, "SIGHUP must not stop the server"


def test_serve_refuses_without_a_secret(tmp_path):
    import subprocess
    from portico_client import PORTICO_BIN
    env = {k: v for k, v in os.environ.items() if k != "PORTICO_SECRET"}
    result = subprocess.run([PORTICO_BIN, "serve", "--content", FIXTURE, "--port", "0", "--db", str(tmp_path / "x.sqlite")],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "secret" in result.stderr
