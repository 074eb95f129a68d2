"""Nothing confidential of the fixture portal is readable in the built output: every marker
word (titles, sentences, tags, summaries, alt text, viewer names and emails, SME names and
emails, client names, text inside images) is absent from every file's bytes and from every
file name; the neutral site/index.html names no account."""
import os
import re

import pytest

import portico_testlib as T

MARKERS = T.fixture_markers()


def encodings(m):
    """The raw UTF-8 bytes, and the escaped forms a JSON or HTML writer could produce."""
    forms = {m.encode("utf-8")}
    if not m.isascii():
        forms.add("".join("\\u%04x" % ord(c) if ord(c) > 127 else c for c in m).encode())
        forms.add("".join("\\u%04X" % ord(c) if ord(c) > 127 else c for c in m).encode())
        forms.add("".join("&#x%x;" % ord(c) if ord(c) > 127 else c for c in m).encode())
        forms.add("".join("&#%d;" % ord(c) if ord(c) > 127 else c for c in m).encode())
    return forms


def all_files(root):
    for d, dirs, files in os.walk(root):
        for f in dirs + files:
            yield os.path.join(d, f)


def test_markers_cover_the_fixture():
    # the scan is only as good as the list: make sure every category is in it
    for m in ("MARKERTITLEALPHA1", "markersentencealphaone", "markertagalphaone", "MARKERSUMMARYALPHA1",
              "markermailalphaactive", "markermailalpharevoked", "MARKERVIEWERALPHA", "MARKERSMEALPHA",
              "markersmemailalpha", "MARKERCLIENTALPHA", "MARKERCLIENTBETA", "标记客户乙集团",
              "标记文字甲", "标记读者乙甲", "标记专家乙", "标记标签乙", "MARKERALTALPHA1", "MARKERSVGALPHA",
              "MARKERTITLELIB1", "MARKERAUTHORLIB1", "MARKERSVGLIB1"):
        assert m in MARKERS, m
    assert len(MARKERS) >= 55


def test_no_marker_in_any_file(fixture_site):
    hits = []
    n = 0
    for p in all_files(fixture_site.site):
        if not os.path.isfile(p):
            continue
        n += 1
        data = open(p, "rb").read()
        for m in MARKERS:
            for form in encodings(m):
                if form in data:
                    hits.append((os.path.relpath(p, fixture_site.site), m, form))
    assert n >= 25, "only %d files built?" % n
    assert hits == []


def test_no_marker_or_slug_in_any_file_name(fixture_site):
    names = [os.path.relpath(p, fixture_site.site) for p in all_files(fixture_site.site)]
    bad = [(n, m) for n in names for m in MARKERS if m.lower() in n.lower()]
    assert bad == []
    # opaque account paths: the account folder names are not published
    for slug, acct in fixture_site.accounts.items():
        assert acct.path != slug and len(acct.path) == 20
        assert not [n for n in names if slug in n.split(os.sep)[0]], slug
        assert os.path.isdir(os.path.join(fixture_site.site, acct.path))
    # published asset names are opaque too (never the source file names)
    for n in names:
        if os.sep + "assets" + os.sep in n:
            base = os.path.basename(n)
            assert base.endswith(".bin") and len(base) == 24, n
            for src in ("logo", "diagram", "photo", "chart"):
                assert src not in n, n


def test_site_index_names_no_account(fixture_site):
    html = open(os.path.join(fixture_site.site, "index.html"), "rb").read()
    for slug, acct in fixture_site.accounts.items():
        assert slug.encode() not in html, slug
        assert acct.path.encode() not in html, acct.path
        names = acct.yml["name"]
        for n in (names.values() if isinstance(names, dict) else [names]):
            assert n.encode() not in html, n
    for m in MARKERS:
        assert m.encode() not in html
    # nor do the other site-wide files list the accounts
    for f in ("robots.txt", "_headers", os.path.join("_portico", "nginx.conf")):
        p = os.path.join(fixture_site.site, f)
        data = open(p, "rb").read()
        for slug, acct in fixture_site.accounts.items():
            assert acct.path.encode() not in data, (f, acct.path)


@pytest.mark.parametrize("slug", ["alpha", "beta"])
def test_gate_shells_carry_no_account_name(fixture_site, slug):
    acct = fixture_site.accounts[slug]
    root = os.path.join(fixture_site.site, acct.path)
    pages = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".html")]
    assert pages
    for p in pages:
        html = open(p, encoding="utf-8").read()
        # gate.show_name is off: nothing but the neutral shell around the keyring, the payload and gate.js
        shell = re.sub(r"(<script[^>]*>).*?(</script>)", r"\1\2", html, flags=re.S)
        assert "MARKER" not in shell and "标记" not in shell
        assert '<main id="portico-gate"' in shell


def test_scan_would_catch_a_leak(tmp_path):
    # guard against a scan that can never fail: the unencrypted build does show the markers
    out = str(tmp_path / "plain")
    T.build(T.FIXTURE_CONTENT, out, T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY, extra=["--unencrypted"])
    seen = set()
    for p in all_files(out):
        if os.path.isfile(p):
            data = open(p, "rb").read()
            seen.update(m for m in MARKERS if m.encode() in data)
    # viewers (and their e-mails) are never rendered, not even unencrypted; everything else is
    missing = sorted(set(MARKERS) - seen)
    assert all(m.startswith(("markermail", "MARKERVIEWER", "标记读者")) for m in missing), missing
    assert "MARKERTITLEALPHA1" in seen and "标记文字甲" in seen
