"""Attacks on revocation through the CLI (issue 16, item 3), on `build --unencrypted` (item 7), and on the modes of
what Portico keeps private (item 9). Each builds a copy of the fixture portal in a temporary project."""
import base64
import os
import re
import shutil
import stat
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "browser"))
import portico_testlib as T  # noqa: E402  (reference unwrap of keyring entries)

PORTICO = os.environ.get("PORTICO_BIN") or os.path.join(ROOT, ".build", "debug", "portico")
pytestmark = pytest.mark.skipif(not os.path.exists(PORTICO), reason=f"no portico binary at {PORTICO}")
SECRET = T.FIXTURE_SECRET_HEX
PREVIEW_SECRET = "cd" * 32
TODAY = T.FIXTURE_TODAY


def run(project, *args, secret=SECRET, today=TODAY, expect=0):
    env = {k: v for k, v in os.environ.items() if k not in ("PORTICO_SECRET", "PORTICO_TODAY")}
    if secret:
        env["PORTICO_SECRET"] = secret
    if today:
        env["PORTICO_TODAY"] = today
    r = subprocess.run([PORTICO, *args], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    if expect is not None:
        assert r.returncode == expect, (r.returncode, r.stdout, r.stderr)
    return r


@pytest.fixture
def project(tmp_path):
    shutil.copytree(T.FIXTURE_CONTENT, tmp_path / "content")
    return tmp_path


def account_file(project, slug="alpha"):
    return project / "content" / "accounts" / slug / "account.yml"


def edit(project, old, new, slug="alpha"):
    path = account_file(project, slug)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def link(project, viewer, *extra, slug="alpha"):
    out = run(project, "token", "issue", slug, viewer, *extra).stdout.strip()
    return out.split("/")[-2], out.split("#k=")[1]


def token_bytes(token):
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def opens(project, path, token):
    """Whether the token finds and unwraps its entry in the built site's keyring (what gate.js does)."""
    html = (project / "site" / path / "index.html").read_text()
    return T.unwrap_with_token(html, path, token_bytes(token)) is not None


def build(project, *extra, expect=0, secret=SECRET):
    return run(project, "build", "--content", "content", "--out", "site", *extra, expect=expect, secret=secret)


def line_of(project, needle, slug="alpha"):
    lines = account_file(project, slug).read_text().split("\n")
    return next(i + 1 for i, line in enumerate(lines) if needle in line)


# ---- item 3: a revoked reader does not come back ------------------------------------------------------------

def test_revoke_then_unrevoke_keeps_the_old_link_dead(project):
    build(project)
    path, old = link(project, "a-second")
    assert opens(project, path, old)
    edit(project, "  - id: a-second\n", "  - id: a-second\n    revoked: true\n")
    build(project)
    assert not opens(project, path, old)

    # The revert: check and build both refuse, at the viewer's entry, and no link is printed.
    edit(project, "  - id: a-second\n    revoked: true\n", "  - id: a-second\n")
    where = "content/accounts/alpha/account.yml:%d:5" % line_of(project, "- id: a-second")
    checked = run(project, "check", "--content", "content", expect=1)
    assert where + ": error: viewer `a-second` lost access in the publish of 2026-06-01" in checked.stdout
    assert "portico token issue alpha a-second --new-serial" in checked.stdout
    assert "revoked-link-returns" in run(project, "check", "--content", "content", "--format", "json", expect=1).stdout
    failed = build(project, expect=1)
    assert "lost access" in failed.stderr and "site was left as it was" in failed.stderr
    assert not opens(project, path, old)
    refused = run(project, "token", "issue", "alpha", "a-second", expect=1)
    assert old not in refused.stdout + refused.stderr and "lost access" in refused.stdout

    # Letting them back in means a new link; the old one still opens nothing.
    path2, new = link(project, "a-second", "--new-serial")
    assert path2 == path and new != old
    serial = re.search(r"\n  - id: a-second\n    serial: ([a-z2-9]{10})\n", account_file(project).read_text()).group(1)
    # The independent reference derives the same token from the serial (docs/design/gate-format.md).
    reference = T.M.viewer_token(T.M.account_key(bytes.fromhex(SECRET), "alpha"), "a-second", 1, serial)
    assert new == T.M.b64u(reference)
    build(project)
    assert opens(project, path, new) and not opens(project, path, old)


def test_an_id_reused_for_someone_new_needs_a_new_link(project):
    build(project)
    path, old = link(project, "a-active")
    edit(project, "markermailalphaactive@example.test", "someone.else@example.test")
    checked = run(project, "check", "--content", "content", expect=1)
    assert "viewer `a-active` was published for another e-mail address" in checked.stdout
    build(project, expect=1)
    _, new = link(project, "a-active", "--new-serial")
    build(project)
    assert opens(project, path, new) and not opens(project, path, old)


def test_an_old_branch_built_after_a_revocation_was_published_fails(project):
    build(project)
    path, old = link(project, "a-active")
    branch = account_file(project).read_text()           # the old branch's account.yml
    edit(project, "  - id: a-active\n", "  - id: a-active\n    revoked: true\n")
    build(project)                                        # main publishes the revocation
    account_file(project).write_text(branch)              # CI checks out the old branch
    assert "lost access" in run(project, "check", "--content", "content", expect=1).stdout
    build(project, expect=1)
    assert not opens(project, path, old)
    # Reverting the generation is no way around it either.
    edit(project, "  - id: a-active\n", "  - id: a-active\n    revoked: true\n")
    edit(project, "generation: 1", "generation: 2")
    build(project)
    edit(project, "generation: 2", "generation: 1")
    assert "generation 1 is older than generation 2" in run(project, "check", "--content", "content", expect=1).stdout


def test_previews_need_a_secret_of_their_own(project):
    build(project)
    ledger = project / ".portico" / "publishes" / "access.ledger"
    records = sorted(os.listdir(project / ".portico" / "publishes"))
    history = ledger.read_bytes()
    preview = ["--base-url", "https://pr-7.preview.example"]
    refused = run(project, "build", "--content", "content", "--out", "preview", *preview, expect=1)
    assert "uses the secret of the published portal" in refused.stderr and "PORTICO_PREVIEW_SECRET" in refused.stderr
    assert not (project / "preview").exists()
    run(project, "build", "--content", "content", "--out", "preview", *preview, secret=PREVIEW_SECRET)
    # A preview is no publish: the history and the publish records are as they were.
    assert ledger.read_bytes() == history
    assert sorted(os.listdir(project / ".portico" / "publishes")) == records
    # A publish with another secret is allowed (a rotation) but said out loud.
    other = build(project, secret=PREVIEW_SECRET)
    assert "not the one that made the last publish" in other.stderr


def test_a_viewer_without_serial_keeps_their_link_and_the_history_names_nobody(project):
    build(project)
    _, token = link(project, "a-active")
    assert token == T.Account(str(project / "content"), "alpha", SECRET, TODAY).token("a-active")
    ledger = (project / ".portico" / "publishes" / "access.ledger").read_text()
    assert "a-active" in ledger and "MARKER" not in ledger and "example.test" not in ledger


# ---- item 7: readable pages never go where the site is published from -----------------------------------------

def test_unencrypted_build_refuses_the_publish_folder(project):
    refused = run(project, "build", "--content", "content", "--unencrypted", "--out", "site", expect=1)
    assert "the folder the site is published from" in refused.stderr and not (project / "site").exists()
    build(project)
    gated = project / "gated"
    shutil.copytree(project / "site", gated)
    refused = run(project, "build", "--content", "content", "--unencrypted", "--out", "gated", expect=1)
    assert "holds an encrypted build" in refused.stderr
    assert "MARKERTITLE" not in "".join(p.read_text(errors="replace") for p in gated.rglob("*.html"))

    # Without --out, the readable pages go under .portico/ (git-ignored, 0700), never into site/.
    done = run(project, "build", "--content", "content", "--unencrypted")
    plain = project / ".portico" / "unencrypted"
    assert "UNENCRYPTED" in done.stdout and str(plain) in done.stdout
    assert (plain / "alpha" / "index.html").exists() and "MARKERTITLE" in (plain / "alpha" / "index.html").read_text()
    assert "MARKERTITLE" not in "".join(p.read_text(errors="replace") for p in (project / "site").rglob("*.html"))
    # Anywhere else that is named is fine.
    run(project, "build", "--content", "content", "--unencrypted", "--out", "readable")
    assert (project / "readable" / "alpha" / "index.html").exists()


# ---- item 9: modes, and the faked date -------------------------------------------------------------------------

def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_init_and_build_keep_the_private_folder_private(project):
    run(project, "init", "--content", "content", secret=None, today=None)
    assert mode(project / ".portico" / "secret") == 0o600
    assert mode(project / ".portico") == 0o700
    quiet = build(project, secret=None)
    assert "warning: " + str(project / ".portico") not in quiet.stderr

    os.chmod(project / ".portico" / "secret", 0o644)
    os.chmod(project / ".portico", 0o755)
    loud = build(project, secret=None)
    assert "secret has mode 644" in loud.stderr and "chmod 600" in loud.stderr
    assert "portico has mode 755" in loud.stderr and "chmod 700" in loud.stderr
    # With PORTICO_SECRET the file is not read, so only the folder is reported; check reads the folder too.
    env_only = build(project)
    assert "secret has mode" not in env_only.stderr and "mode 755" in env_only.stderr
    assert "mode 755" in run(project, "check", "--content", "content", expect=None).stderr


def test_a_build_creates_the_private_folder_0700(project):
    build(project)
    assert mode(project / ".portico") == 0o700


def test_portico_today_is_always_announced(project):
    r = run(project, "token", "list", "--content", "content")
    assert "warning: PORTICO_TODAY=2026-06-01 fakes today's date" in r.stderr
    assert "PORTICO_TODAY" not in run(project, "token", "list", "--content", "content", today=None).stderr
    bad = run(project, "token", "list", "--content", "content", today="tomorrow", expect=2)
    assert "PORTICO_TODAY=tomorrow is not a date" in bad.stderr
