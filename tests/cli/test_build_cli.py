"""`portico build` as CI and writers run it: the allocator it links, and the incremental shortcuts through the
encrypted publisher (the Swift tests exercise them with the plain one). (The folder is not tests/build:
pytest skips folders named build.)"""
import filecmp
import os
import shutil
import subprocess
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PORTICO = os.environ.get("PORTICO_BIN") or os.path.join(ROOT, ".build", "debug", "portico")
ENV = dict(os.environ, PORTICO_SECRET="ab" * 32, PORTICO_TODAY="2026-11-20")

pytestmark = pytest.mark.skipif(not os.path.exists(PORTICO), reason=f"no portico binary at {PORTICO}")


def portico(*args, cwd, env=ENV):
    run = subprocess.run([PORTICO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return run


def tree(folder):
    """Relative path → (size, mtime ns, inode) of every file."""
    out = {}
    for base, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(base, name)
            info = os.lstat(path)
            out[os.path.relpath(path, folder)] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return out


def same_files(a, b):
    left, right = tree(a), tree(b)
    assert sorted(left) == sorted(right)
    mismatch = [p for p in left if not filecmp.cmp(os.path.join(a, p), os.path.join(b, p), shallow=False)]
    assert mismatch == []


def test_the_binary_allocates_with_jemalloc(tmp_path):
    assert "jemalloc" in portico("--version", cwd=tmp_path).stdout
    # jemalloc prints its statistics at exit when asked: it is the allocator actually serving the program.
    stats = portico("--version", cwd=tmp_path, env=dict(ENV, MALLOC_CONF="stats_print:true"))
    assert "Begin jemalloc statistics" in stats.stderr


def test_unchanged_and_one_account_rebuilds_equal_a_clean_build(tmp_path):
    shutil.copytree(os.path.join(ROOT, "content"), tmp_path / "content")
    first = portico("build", "--content", "content", "--out", "site", cwd=tmp_path).stdout
    assert "nothing changed" not in first
    publishes = sorted(os.listdir(tmp_path / ".portico" / "publishes"))
    before = tree(tmp_path / "site")

    # Files written less than two seconds before a build count as changed in the next one: wait that out.
    time.sleep(2.2)
    portico("build", "--content", "content", "--out", "site", cwd=tmp_path)
    second = portico("build", "--content", "content", "--out", "site", cwd=tmp_path).stdout
    assert "nothing changed" in second
    assert tree(tmp_path / "site") == before, "an unchanged build touches nothing"
    assert sorted(os.listdir(tmp_path / ".portico" / "publishes")) == publishes, "the same publish is not recorded twice"

    page = next(p for p in sorted((tmp_path / "content" / "accounts").glob("*/insights/*.md")))
    account = page.parent.parent.name
    keys = os.lstat(tmp_path / ".portico" / "server-keys")
    page.write_text(page.read_text() + "\nA sentence added by the test.\n")
    edited = portico("build", "--content", "content", "--out", "site", cwd=tmp_path).stdout
    assert f"only {account} changed" in edited
    # The account's folder is updated file by file: only files whose bytes changed are written, none is deleted.
    after = tree(tmp_path / "site")
    assert sorted(after) == sorted(before)
    changed = [p for p in after if after[p] != before[p]]
    folder = {p.split(os.sep)[0] for p in changed}
    assert len(folder) == 1 and 0 < len(changed) < len([p for p in after if p.split(os.sep)[0] in folder]) / 2, changed
    kept = os.lstat(tmp_path / ".portico" / "server-keys")
    assert (kept.st_ino, kept.st_mtime_ns) == (keys.st_ino, keys.st_mtime_ns), "the same server keys are not written again"
    assert len(os.listdir(tmp_path / ".portico" / "publishes")) == len(publishes) + 1, "the edit is a new publish"

    portico("build", "--content", "content", "--out", "clean", "--no-cache", cwd=tmp_path)
    same_files(tmp_path / "site", tmp_path / "clean")


@pytest.mark.parametrize("args", [["build", "--no-such-option"], ["build", "--shard"], ["token", "issue"], ["frobnicate"]])
def test_usage_errors_exit_64_as_docs_ci_says(tmp_path, args):
    run = subprocess.run([PORTICO, *args], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=60)
    assert run.returncode == 64, (run.returncode, run.stderr)
    assert "Usage" in run.stderr or "Error" in run.stderr
    table = open(os.path.join(ROOT, "docs", "ci.md"), encoding="utf-8").read()
    help_text = subprocess.run([PORTICO, "--help"], env=ENV, capture_output=True, text=True, timeout=60).stdout
    assert "64 usage" in help_text
    assert "| 64 | usage error" in table and "| 2 | usage" not in table


def test_timings_name_every_stage_and_the_state_is_one_file(tmp_path):
    shutil.copytree(os.path.join(ROOT, "content"), tmp_path / "content")
    out = portico("build", "--content", "content", "--out", "site", "--timings", cwd=tmp_path).stdout
    stages = [line.split()[0] for line in out.splitlines() if line.startswith("  ") and line.rstrip().endswith(" ms")]
    assert stages == ["scan", "plan", "theme", "load", "fingerprint", "render", "shared", "commit"], out
    assert "library pieces rendered:" in out
    cache = sorted(os.listdir(tmp_path / ".portico" / "cache"))
    assert [name for name in cache if name.startswith("build-")] == [next(n for n in cache if n.endswith(".state"))]
    state = next(tmp_path.joinpath(".portico", "cache", n) for n in cache if n.endswith(".state")).read_bytes()
    assert state.startswith(b"portico-build-state-3\n")


def test_server_keys_are_made_again_only_when_what_they_are_made_from_changed(tmp_path):
    """The build skips making the server key file when portal.yml, accounts/ and every account.yml are as they
    were when the file was made: every other change (an account.yml, a new account, the file itself) remakes it."""
    shutil.copytree(os.path.join(ROOT, "content"), tmp_path / "content")
    keys = tmp_path / ".portico" / "server-keys"

    def clean_keys():
        """The key file a build without any cache writes for the content as it is now."""
        portico("build", "--content", "content", "--out", "clean", "--no-cache", "--server-keys", "clean-keys", cwd=tmp_path)
        return (tmp_path / "clean-keys").read_bytes()

    def stamps():
        return sorted((tmp_path / ".portico" / "cache").glob("server-keys-*.stamp"))

    portico("build", "--content", "content", "--out", "site", cwd=tmp_path)
    assert stamps() == [], "inputs written less than two seconds ago are not trusted by their metadata"
    time.sleep(2.2)
    portico("build", "--content", "content", "--out", "site", cwd=tmp_path)
    assert len(stamps()) == 1, "settled inputs: the next build may skip making the keys"
    assert keys.read_bytes() == clean_keys()

    account = tmp_path / "content" / "accounts" / "auto-oem" / "account.yml"
    before = keys.read_bytes()
    account.write_text(account.read_text().replace("  - id: li-na\n", "  - id: li-na\n    revoked: true\n", 1))
    time.sleep(2.2)
    portico("build", "--content", "content", "--out", "site", cwd=tmp_path)
    assert keys.read_bytes() != before, "a revoked viewer changes the server keys"
    assert keys.read_bytes() == clean_keys()

    shutil.copytree(tmp_path / "content" / "accounts" / "bank", tmp_path / "content" / "accounts" / "bank-two")
    time.sleep(2.2)
    portico("build", "--content", "content", "--out", "site", cwd=tmp_path)
    assert b'"bank-two"' in keys.read_bytes() and keys.read_bytes() == clean_keys()

    expected = keys.read_bytes()
    keys.unlink()
    assert "nothing changed" in portico("build", "--content", "content", "--out", "site", cwd=tmp_path).stdout
    assert keys.read_bytes() == expected, "a missing key file is made again, even when the site is left as it was"
    keys.write_bytes(b"{}")
    portico("build", "--content", "content", "--out", "site", cwd=tmp_path)
    assert keys.read_bytes() == expected, "a key file changed by hand is made again"

    other = tmp_path / "other-keys"
    portico("build", "--content", "content", "--out", "site", "--server-keys", str(other), cwd=tmp_path)
    assert other.read_bytes() == expected, "another key file location has a stamp of its own"
    os.utime(tmp_path / "content" / "portal.yml")
    portico("build", "--content", "content", "--out", "site", "--server-keys", str(other), cwd=tmp_path)
    assert other.read_bytes() == expected

    # Another day can expire a viewer: the key file is made again for it, not taken as it was.
    portico("build", "--content", "content", "--out", "site", env=dict(ENV, PORTICO_TODAY="2031-01-01"), cwd=tmp_path)
    assert keys.read_bytes() != expected and b'"expired"' in keys.read_bytes()
