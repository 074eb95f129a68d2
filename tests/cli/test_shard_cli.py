"""`portico build --shard i/n` and `--merge-shards`, as the CI matrix in docs/ci.md runs them: the shards' union is
the unsharded build byte for byte, each account is in exactly one shard, adding an account moves no other, and the
merge step records what an unsharded build records."""
import filecmp
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PORTICO = os.environ.get("PORTICO_BIN") or os.path.join(ROOT, ".build", "debug", "portico")
ENV = dict(os.environ, PORTICO_SECRET="cd" * 32, PORTICO_TODAY="2026-11-20")
SHARED_TOP = {"_portico", "index.html", "robots.txt", "_headers"}

pytestmark = pytest.mark.skipif(not os.path.exists(PORTICO), reason=f"no portico binary at {PORTICO}")


def run(*args, cwd):
    return subprocess.run([PORTICO, *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300)


def portico(*args, cwd):
    done = run(*args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done


def make_portal(folder, extra_accounts):
    """The demo content plus `extra_accounts` copies of its bank account (bank-01 …), each with a name of its own."""
    shutil.copytree(os.path.join(ROOT, "content"), folder / "content")
    accounts = folder / "content" / "accounts"
    for n in range(1, extra_accounts + 1):
        add_account(folder, f"bank-{n:02d}")
    return sorted(os.listdir(accounts))


def add_account(folder, slug):
    accounts = folder / "content" / "accounts"
    shutil.copytree(accounts / "bank", accounts / slug)
    yml = accounts / slug / "account.yml"
    yml.write_text(yml.read_text().replace("name: Northbridge Bank", f"name: Northbridge Bank {slug}"))


def files(folder):
    out = set()
    for base, _, names in os.walk(folder):
        out.update(os.path.relpath(os.path.join(base, name), folder) for name in names)
    return out


def account_folders(site):
    return {name for name in os.listdir(site) if name not in SHARED_TOP and os.path.isdir(os.path.join(site, name))}


def build_shards(project, count, prefix="shards"):
    for i in range(1, count + 1):
        out = portico("build", "--content", "content", "--out", f"{prefix}/{i}", "--shard", f"{i}/{count}", cwd=project).stdout
        assert f"(shard {i}/{count};" in out
    return [project / prefix / str(i) for i in range(1, count + 1)]


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """A portal of 12 accounts built whole (in a project of its own) and as three shards."""
    whole = tmp_path_factory.mktemp("whole")
    slugs = make_portal(whole, 10)
    portico("build", "--content", "content", "--out", "site", cwd=whole)
    project = tmp_path_factory.mktemp("sharded")
    make_portal(project, 10)
    shards = build_shards(project, 3)
    return whole, project, shards, slugs


def test_three_shards_union_is_the_unsharded_build_byte_for_byte(sharded):
    whole, _, shards, slugs = sharded
    site = whole / "site"
    assert len(account_folders(site)) == len(slugs) == 12

    union = {}
    for shard in shards:
        for path in files(shard):
            if path.split("/")[0] in SHARED_TOP:
                continue
            assert path not in union, f"{path} is in two shards"
            union[path] = shard
    # Every shard holds the same shared files as the unsharded build, byte for byte.
    shared = {p for p in files(site) if p.split("/")[0] in SHARED_TOP}
    assert "_portico/gate.js" in shared and "index.html" in shared
    for shard in shards:
        assert {p for p in files(shard) if p.split("/")[0] in SHARED_TOP} == shared
        assert [p for p in shared if not filecmp.cmp(site / p, shard / p, shallow=False)] == []

    # The union has every file of the unsharded build, none missing or extra, each the same bytes.
    assert set(union) == files(site) - shared
    assert [p for p, shard in union.items() if not filecmp.cmp(site / p, shard / p, shallow=False)] == []


def test_every_account_is_in_exactly_one_shard_and_the_split_is_not_lopsided(sharded):
    whole, _, shards, _ = sharded
    parts = [account_folders(shard) for shard in shards]
    assert sum(len(p) for p in parts) == len(set().union(*parts)) == len(account_folders(whole / "site"))
    assert set().union(*parts) == account_folders(whole / "site")
    assert all(parts), f"a shard of 12 accounts got none: {[len(p) for p in parts]}"


def test_shards_record_nothing_and_the_merge_records_what_an_unsharded_build_does(sharded):
    whole, project, shards, _ = sharded
    # A shard describes part of the portal: no publish record, no access history, no server keys.
    assert not (project / ".portico" / "publishes").exists() or os.listdir(project / ".portico" / "publishes") == []
    assert not (project / ".portico" / "server-keys").exists()

    out = portico("build", "--content", "content", "--out", "site", "--merge-shards", *map(str, shards), cwd=project).stdout
    assert out.startswith("Merged 12 accounts") and "merged from 3 shard folders" in out
    assert files(project / "site") == files(whole / "site")
    assert [p for p in files(whole / "site") if not filecmp.cmp(whole / "site" / p, project / "site" / p, shallow=False)] == []

    # The publish record, the access ledger and the server keys are the unsharded build's.
    def records(project):
        # A record's file is named by the time it was written, which latest.digest's first line names with the
        # file's metadata; the contents (and latest.digest's digest of them) are what must match.
        folder = project / ".portico" / "publishes"
        found = {re.sub(r"^\d{4}-\d\d-\d\dT\d{6}", "<time>", name): (folder / name).read_bytes() for name in os.listdir(folder)}
        found["latest.digest"] = found["latest.digest"].splitlines()[-1]
        return found
    assert records(project) == records(whole)
    assert "access.ledger" in records(whole) and "<time>.json" in records(whole)
    assert (project / ".portico" / "server-keys").read_bytes() == (whole / ".portico" / "server-keys").read_bytes()

    # `digest --since last-publish` reads the merge's record like an unsharded build's.
    for folder in (project, whole):
        digest = run("digest", "--content", "content", "bank-03", "--since", "last-publish", "--out", "digest", cwd=folder)
        assert digest.returncode == 0, digest.stderr
    assert [p.read_bytes() for p in sorted((project / "digest").iterdir())] == [p.read_bytes() for p in sorted((whole / "digest").iterdir())]


def test_the_merge_refuses_a_missing_doubled_or_altered_shard_and_leaves_the_site(sharded, tmp_path):
    _, project, shards, _ = sharded
    project2 = tmp_path / "p"
    shutil.copytree(project / "content", project2 / "content")
    for shard in shards:
        shutil.copytree(shard, project2 / "shards" / shard.name)
    s1, s2, s3 = (str(project2 / "shards" / n) for n in ("1", "2", "3"))
    (project2 / "site").mkdir()
    (project2 / "site" / "old.html").write_text("the last publish")

    missing = run("build", "--content", "content", "--out", "site", "--merge-shards", s1, s2, cwd=project2)
    assert missing.returncode == 1
    assert "is in none of the shard folders" in missing.stderr
    only_in_3 = account_folders(s3)
    assert missing.stderr.count("is in none of the shard folders") == len(only_in_3)

    # A leftover copy of a shard (say, of an earlier run) beside the others: which copy is current cannot be told.
    shutil.copytree(s1, project2 / "shards" / "1-old")
    doubled = run("build", "--content", "content", "--out", "site", "--merge-shards", s1, s2, s3, str(project2 / "shards" / "1-old"), cwd=project2)
    assert doubled.returncode == 1 and doubled.stderr.count("is in both") == len(account_folders(s1))
    # The same folder named twice is one shard.
    twice = run("build", "--content", "content", "--out", "twice", "--merge-shards", s1, s2, s3, s1 + "/", cwd=project2)
    assert twice.returncode == 0, twice.stderr
    shutil.rmtree(project2 / "twice")
    shutil.rmtree(project2 / ".portico" / "publishes")
    os.remove(project2 / ".portico" / "server-keys")

    with open(os.path.join(s2, "_portico", "gate.js"), "a") as gate:
        gate.write("\n// another portico\n")
    altered = run("build", "--content", "content", "--out", "site", "--merge-shards", s1, s2, s3, cwd=project2)
    assert altered.returncode == 1 and f"{s2}/_portico/gate.js differs" in altered.stderr

    assert os.listdir(project2 / "site") == ["old.html"], "a refused merge leaves the site as it was"
    assert not (project2 / ".portico" / "publishes").exists(), "and records nothing"
    assert not (project2 / ".portico" / "server-keys").exists()


def test_adding_an_account_moves_no_other(tmp_path):
    before = tmp_path / "before"
    make_portal(before, 28)
    after = tmp_path / "after"
    make_portal(after, 28)
    add_account(after, "bank-new")
    old = [account_folders(s) for s in build_shards(before, 3)]
    new = [account_folders(s) for s in build_shards(after, 3)]
    assert sum(map(len, old)) == 30 and sum(map(len, new)) == 31
    # Same secret, same folders: an account stays in its shard; only the new account's folder is new.
    added = [n - o for o, n in zip(old, new)]
    assert [o - n for o, n in zip(old, new)] == [set(), set(), set()], "no account left its shard"
    assert sum(map(len, added)) == 1


@pytest.mark.parametrize("value,message", [
    ("0/3", "numbered from 1 to 3"),
    ("4/3", "numbered from 1 to 3"),
    ("a/b", "INDEX/COUNT"),
    ("1/0", "count of shards must be 1 to 256"),
    ("1/257", "count of shards must be 1 to 256"),
    ("-1/3", "INDEX/COUNT"),
    ("1/3/5", "INDEX/COUNT"),
    ("3", "INDEX/COUNT"),
    ("", "INDEX/COUNT"),
])
def test_a_bad_shard_is_a_usage_error(tmp_path, value, message):
    done = run("build", "--out", "x", f"--shard={value}", cwd=tmp_path)
    assert done.returncode == 64, done.stderr
    assert message in done.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("args,message", [
    (["--shard", "1/3"], "--shard needs --out"),
    (["--shard", "1/3", "--out", "x", "--merge-shards", "a"], "run them as separate steps"),
    (["--shard", "1/3", "--out", "x", "--server-keys", "k"], "a shard writes no server keys"),
])
def test_a_shard_without_its_own_folder_or_with_the_merge_is_a_usage_error(tmp_path, args, message):
    done = run("build", *args, cwd=tmp_path)
    assert done.returncode == 64, done.stderr
    assert message in done.stderr
