"""150,000 nested `**` in a heading and in an image's alt text: `build` and `check` finish with a clean exit
code (issue 19, item 9: both died with SIGSEGV, exit 139, from recursion as deep as the nesting)."""
import os
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PORTICO = os.environ.get("PORTICO_BIN") or os.path.join(ROOT, ".build", "debug", "portico")
ENV = dict(os.environ, PORTICO_TODAY="2026-11-20", PORTICO_SECRET="ab" * 32)

pytestmark = pytest.mark.skipif(not os.path.exists(PORTICO), reason=f"no portico binary at {PORTICO}")


def test_deeply_nested_emphasis_builds_and_checks(tmp_path):
    content = tmp_path / "content"
    (content / "accounts" / "acme" / "insights").mkdir(parents=True)
    (content / "accounts" / "acme" / "assets").mkdir()
    (content / "accounts" / "acme" / "assets" / "pic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (content / "library").mkdir()
    (content / "portal.yml").write_text("title: P\nbase_url: https://p.example.com\nlanguages: [en]\n")
    (content / "accounts" / "acme" / "account.yml").write_text("name: Acme\npath: slug\n")
    nest = "**" * 150_000
    (content / "accounts" / "acme" / "insights" / "deep.md").write_text(
        f"---\ntitle: Deep\ndate: 2026-01-01\n---\n## {nest}deep heading{nest}\n\n![{nest}deep alt{nest}](../assets/pic.svg)\n")
    build = subprocess.run([PORTICO, "build", "--out", str(tmp_path / "site")], cwd=tmp_path, env=ENV, capture_output=True, timeout=120)
    assert build.returncode == 0, (build.returncode, build.stderr[-2000:])
    check = subprocess.run([PORTICO, "check"], cwd=tmp_path, env=ENV, capture_output=True, timeout=120)
    assert check.returncode == 0, (check.returncode, check.stderr[-2000:])
    page = (tmp_path / "site" / "acme" / "insights" / "deep").exists()
    assert page
