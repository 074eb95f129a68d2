"""`portico serve` end to end: no secret, SIGHUP reload of the key file, and the SMEs' list / export / resolve."""
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import time

from portico_client import FIXTURE, PORTICO_BIN, SERVE_ENV, Server, build_keys, post, run_portico, submission


def test_list_export_resolve(tmp_path):
    db = str(tmp_path / "feedback.sqlite")
    with Server(db) as server:
        assert post(server.base_url, *submission(page="solutions/payments-hub/index.html",
                                                  fields={"message": "=1+1, \"quoted\"", "topic": "pricing"}))[0] == 201
        assert post(server.base_url, *submission(slug="beta", viewer="carol", page="insights/welcome/index.html",
                                                  readable=True, fields={"message": "hello"}))[0] == 201

    listing = run_portico("feedback", "list", "--db", db).stdout
    assert "Grace Hopper" in listing and "carol" in listing
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


def wait_for_status(server, want, **kwargs):
    """The reload is asynchronous: bounded polling, no timing assertion."""
    status = None
    for _ in range(100):
        status = post(server.base_url, *submission(**kwargs))[0]
        if status == want:
            break
        time.sleep(0.1)
    return status


def test_sighup_reloads_the_key_file(tmp_path):
    """Revoke a viewer, rebuild, SIGHUP: that viewer's proof fails; a malformed key file on the next SIGHUP
    is logged and the old keys stay. The server's own content/ copy is left as it was, so only the
    key file can have told it."""
    content = str(tmp_path / "content")
    shutil.copytree(FIXTURE, content)
    keys = build_keys(str(tmp_path / "server-keys"), content)
    with Server(str(tmp_path / "feedback.sqlite"), keys=keys) as server:
        assert post(server.base_url, *submission(viewer="bob"))[0] == 201
        path = os.path.join(content, "accounts", "acme", "account.yml")
        text = open(path, encoding="utf-8").read().replace("  - id: bob\n", "  - id: bob\n    revoked: true\n")
        open(path, "w", encoding="utf-8").write(text)
        build_keys(keys, content)
        assert oct(os.stat(keys).st_mode & 0o777) == "0o600"
        server.signal(signal.SIGHUP)
        assert wait_for_status(server, 403, viewer="bob", content=content) == 403
        assert post(server.base_url, *submission(viewer="bob"))[0] == 401, "the key held before the rotation signs nothing"
        assert post(server.base_url, *submission(viewer="alice", content=content))[0] == 201

        open(keys, "w").write('{"format":"portico-server-keys","version":1,"accounts":[{"slug":"acme"}]}')
        server.signal(signal.SIGHUP)
        for _ in range(100):
            if "reload: keeping the previous keys" in server.stderr():
                break
            time.sleep(0.1)
        assert "accounts[0].path" in server.stderr(), server.stderr()
        assert post(server.base_url, *submission(viewer="alice", content=content))[0] == 201, "the old keys stay"
        assert post(server.base_url, *submission(viewer="bob", content=content))[0] == 403
        assert server.process.poll() is None, "SIGHUP must not stop the server"


def test_sighup_revocation_in_content_counts_before_a_rebuild(tmp_path):
    """Either source revoking is enough: content/ saying so takes effect at the next SIGHUP."""
    content = str(tmp_path / "content")
    shutil.copytree(FIXTURE, content)
    with Server(str(tmp_path / "feedback.sqlite"), content=content) as server:
        assert post(server.base_url, *submission(viewer="bob"))[0] == 201
        path = os.path.join(content, "accounts", "acme", "account.yml")
        text = open(path, encoding="utf-8").read().replace("  - id: bob\n", "  - id: bob\n    revoked: true\n")
        open(path, "w", encoding="utf-8").write(text)
        server.signal(signal.SIGHUP)
        assert wait_for_status(server, 403, viewer="bob") == 403
        assert server.process.poll() is None, "SIGHUP must not stop the server"


def test_serve_needs_no_secret_but_the_key_file(tmp_path):
    assert "PORTICO_SECRET" not in SERVE_ENV
    with Server(str(tmp_path / "feedback.sqlite")) as server:  # started without PORTICO_SECRET
        assert post(server.base_url, *submission())[0] == 201
    result = subprocess.run([PORTICO_BIN, "serve", "--content", FIXTURE, "--port", "0", "--db", str(tmp_path / "x.sqlite"),
                             "--server-keys", str(tmp_path / "missing")],
                            env=SERVE_ENV, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "missing" in result.stderr and "portico build" in result.stderr, result.stderr


def test_serve_never_reads_the_secret(tmp_path):
    """A wrong PORTICO_SECRET changes nothing: serve does not read it (and says so)."""
    keys = build_keys(str(tmp_path / "server-keys"))
    with Server(str(tmp_path / "feedback.sqlite"), keys=keys, env={"PORTICO_SECRET": "00" * 32}) as server:
        assert post(server.base_url, *submission())[0] == 201
    assert "PORTICO_SECRET is set but serve never reads it" in server.stderr()
