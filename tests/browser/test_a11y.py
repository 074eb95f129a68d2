"""Accessibility (axe-core 4.9 from PyPI selenium-axe-python) and narrow-screen layout, in
headless Chromium, on the gated demo (content/) after unlocking with a viewer's token:
home, list and article pages of the English account (bank) and the Chinese one (auto-oem),
and the gate page itself."""
import os
import re

import pytest

import portico_testlib as T

ACCOUNTS = {"bank": ("m-alvarez", "en", "insights/instant-payments-review/"),
            "auto-oem": ("li-na", "zh-CN", "insights/ev-platform-cost-review/")}
PAGES = [(slug, kind) for slug in ACCOUNTS for kind in ("home", "list", "article", "search")]
BLOCKING = ("serious", "critical")

def axe():
    try:
        from selenium_axe_python import Axe
    except ImportError as e:
        raise T.ToolMissing("selenium-axe-python not installed: pip install selenium-axe-python") from e
    return Axe


def rel_of(slug, kind):
    return {"home": "", "list": "insights/", "article": ACCOUNTS[slug][2], "search": "search/"}[kind]


def open_unlocked(drv, server, built, slug, kind):
    acct = built.accounts[slug]
    viewer, lang, _ = ACCOUNTS[slug]
    drv.get("%s/%s/%s#k=%s" % (server.base, acct.path, rel_of(slug, kind), acct.token(viewer)))
    assert T.settle(drv) == "unlocked"
    # both articles are the account's own pages: they are in the account's locale
    assert drv.execute_script("return document.documentElement.lang") == lang
    # images decrypted, fonts loaded: the page as a reader sees it
    T.wait_for(drv, lambda d: d.execute_script(
        "return [].every.call(document.querySelectorAll('img'),function(i){return i.complete && "
        "(!i.hasAttribute('data-portico-asset') || i.src.indexOf('blob:')===0)})"), what="images")
    drv.execute_async_script("var d=arguments[arguments.length-1];document.fonts.ready.then(function(){d()})")


def run_axe(drv):
    Axe = axe()
    a = Axe(drv)
    a.inject()
    res = a.run()
    bad = [v for v in res["violations"] if v.get("impact") in BLOCKING]
    return res, bad


def check_violations(bad):
    """No serious or critical violation at all."""
    assert not bad, axe().report(bad)


def color_scheme(drv, scheme):
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia",
                        {"features": [{"name": "prefers-color-scheme", "value": scheme}]})


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("slug,kind", PAGES)
def test_axe_unlocked_pages(driver, demo_server, demo_site, slug, kind, scheme):
    color_scheme(driver, scheme)
    open_unlocked(driver, demo_server, demo_site, slug, kind)
    assert driver.execute_script("return matchMedia('(prefers-color-scheme: %s)').matches" % scheme)
    res, bad = run_axe(driver)
    assert res["passes"], "axe checked nothing?"
    check_violations(bad)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("slug", list(ACCOUNTS))
@pytest.mark.parametrize("state", ["locked", "invalid"])
def test_axe_gate_page(driver, demo_server, demo_site, slug, state, scheme):
    color_scheme(driver, scheme)
    acct = demo_site.accounts[slug]
    tail = "" if state == "locked" else "#k=" + T.M.b64u(bytes(16))
    driver.get("%s/%s/%s%s" % (demo_server.base, acct.path, ACCOUNTS[slug][2], tail))
    assert T.settle(driver) == state
    res, bad = run_axe(driver)
    assert res["passes"]
    check_violations(bad)


@pytest.mark.parametrize("slug,kind", PAGES)
def test_no_horizontal_overflow_at_360px(driver, demo_server, demo_site, slug, kind):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 360, "height": 780, "deviceScaleFactor": 2, "mobile": True})
    open_unlocked(driver, demo_server, demo_site, slug, kind)
    m = driver.execute_script(
        "var de=document.documentElement;return {sw: de.scrollWidth, iw: innerWidth, cw: de.clientWidth,"
        "wide: [].filter.call(document.querySelectorAll('body *'), function(e){"
        "  var r=e.getBoundingClientRect(); return r.width>0 && r.right > innerWidth + 1 &&"
        "  !e.closest('.pt-table-wrap,.pt-prose pre,.pt-skip,.pt-visually-hidden,.pt-hp');"
        "}).slice(0,8).map(function(e){return e.tagName+'.'+e.className+' right='+Math.round(e.getBoundingClientRect().right)})}")
    assert m["iw"] == 360, m
    assert m["sw"] <= m["iw"], m


@pytest.mark.parametrize("slug", list(ACCOUNTS))
def test_gate_page_no_overflow_at_360px(driver, demo_server, demo_site, slug):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 360, "height": 780, "deviceScaleFactor": 2, "mobile": True})
    acct = demo_site.accounts[slug]
    driver.get("%s/%s/" % (demo_server.base, acct.path))
    assert T.settle(driver) == "locked"
    assert driver.execute_script("return document.documentElement.scrollWidth <= innerWidth")
