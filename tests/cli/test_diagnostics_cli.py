"""How `build` and `check` report problems to the person who ran them: paths that open from the current folder
(wherever the command was run), counts in the right number, and the demo content clean under --strict."""
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PORTICO = os.environ.get("PORTICO_BIN") or os.path.join(ROOT, ".build", "debug", "portico")
ENV = dict(os.environ, PORTICO_SECRET="ab" * 32, PORTICO_TODAY="2026-11-20")

pytestmark = pytest.mark.skipif(not os.path.exists(PORTICO), reason=f"no portico binary at {PORTICO}")

LOCATION = re.compile(r"^(\S+\.md):(\d+):(\d+): error: ", re.M)


def run(*args, cwd):
    return subprocess.run([PORTICO, *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300)


def broken_content(tmp_path):
    """The demo content with one broken link in a Chinese line of one page."""
    shutil.copytree(os.path.join(ROOT, "content"), tmp_path / "content")
    page = sorted((tmp_path / "content" / "accounts" / "auto-oem" / "insights").glob("*.md"))[0]
    page.write_text(page.read_text() + "\n中文中文 [链接](nope.md)\n", encoding="utf-8")
    line = page.read_text(encoding="utf-8").count("\n")
    return tmp_path / "content", page, line


@pytest.mark.parametrize("command", ["build", "check"])
def test_paths_open_from_where_the_command_was_run(tmp_path, command):
    content, page, line = broken_content(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    for cwd, expected in [(tmp_path, os.path.relpath(page, tmp_path)),
                          (content / "accounts", os.path.relpath(page, content / "accounts")),
                          (tmp_path / "elsewhere", str(page))]:
        result = run(command, "--content", os.path.relpath(content, cwd), *(["--out", str(tmp_path / "site")] if command == "build" else []),
                     cwd=cwd)
        assert result.returncode == 1, result.stderr
        output = result.stdout + result.stderr
        found = LOCATION.findall(output)
        assert (expected, str(line), "6") in found, output
        for path, _, _ in found:
            assert os.path.exists(os.path.join(cwd, path)), f"{path} does not open from {cwd}"


def test_counts_are_pluralised(tmp_path):
    content, _, _ = broken_content(tmp_path)
    check = run("check", "--content", "content", cwd=tmp_path)
    assert re.search(r"^1 error, \d+ warnings?$", check.stderr, re.M), check.stderr
    assert "1 errors" not in check.stderr
    build = run("build", "--content", "content", "--out", "site", cwd=tmp_path)
    assert "Build failed: 1 error, " in build.stderr, build.stderr


def without_fake_date_warning(text):
    """The tests fake the date with PORTICO_TODAY, which every command warns about (security.md)."""
    return "\n".join(line for line in text.splitlines() if "PORTICO_TODAY" not in line)


def test_demo_content_is_clean_under_strict_but_for_its_deliberate_brand_colour(tmp_path):
    """The demo's bank keeps a light brand colour on purpose, to show the contrast checker: that one warning is all
    `check` finds; with it fixed (as a portal would), `check --strict` and `build --strict` pass."""
    shutil.copytree(os.path.join(ROOT, "content"), tmp_path / "content")
    check = run("check", "--strict", "--content", "content", cwd=tmp_path)
    warnings = [line for line in (check.stdout + check.stderr).splitlines() if "warning: " in line and "PORTICO_TODAY" not in line]
    assert len(warnings) == 1 and "brand colour #f2c14e" in warnings[0], check.stderr
    bank = tmp_path / "content" / "accounts" / "bank" / "account.yml"
    bank.write_text(bank.read_text().replace('color: "#f2c14e"', 'color: "#6b5420"'))
    check = run("check", "--strict", "--content", "content", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert without_fake_date_warning(check.stderr).strip() == "0 errors, 0 warnings"
    build = run("build", "--strict", "--content", "content", "--out", "site", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    assert re.search(r"^Built 2 accounts, \d+ pages \(\d+ files\), 0 warnings in ", build.stdout, re.M), build.stdout
