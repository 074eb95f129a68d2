#!/usr/bin/env python3
"""Screenshots of the demo portal (content/) for docs/screenshots/ (`make screenshots`).

Builds the demo gated with a temporary secret, serves it on 127.0.0.1:<ephemeral port>, opens
each page in headless Chromium with a viewer's link and writes PNGs at 390x844 and 1440x900:
  home-<lang>-<width>.png, article-<lang>-<width>.png, gate-<lang>-<width>.png
for the English account (bank) and the Chinese one (auto-oem).
Needs: .build/debug/portico (or PORTICO_BIN), chromium + chromedriver, selenium, cryptography,
PyYAML, and CJK fonts for the Chinese pages (Debian: apt-get install -y fonts-noto-cjk).

Usage: python3 tests/tools/screenshots.py [--out DIR]
"""
import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "browser"))
import portico_testlib as T  # noqa: E402

ACCOUNTS = [  # (slug, viewer, lang, article)
    ("bank", "m-alvarez", "en", "insights/instant-payments-review/"),
    ("auto-oem", "li-na", "zh-CN", "insights/ev-platform-cost-review/"),
]
SIZES = [(390, 844, True), (1440, 900, False)]


def check_cjk_fonts():
    try:
        out = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True,
                             timeout=30).stdout
    except FileNotFoundError:
        out = ""
    if not out.strip():
        sys.exit("no CJK font found (fc-list :lang=zh-cn): Chinese would render as boxes. "
                 "Install one: apt-get install -y fonts-noto-cjk")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(T.ROOT, "docs", "screenshots"))
    args = ap.parse_args()
    check_cjk_fonts()
    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="portico-shots-")
    secret = secrets.token_hex(32)   # never the portal's real secret
    srv = drv = None
    written = []
    try:
        site = T.build(T.DEMO_CONTENT, os.path.join(tmp, "site"), secret, T.DEMO_TODAY)
        srv = T.Server(site)
        drv = T.chromium()
        for slug, viewer, lang, article in ACCOUNTS:
            acct = T.Account(T.DEMO_CONTENT, slug, secret, T.DEMO_TODAY)
            base = "%s/%s/" % (srv.base, acct.path)
            for w, h, mobile in SIZES:
                drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": mobile})
                T.clear_storage(drv, srv.base)
                shots = [("gate", base, "locked"),
                         ("home", base + "#k=" + acct.token(viewer), "unlocked"),
                         ("article", base + article, "unlocked")]   # opened from the session
                for name, url, want in shots:
                    drv.get(url)
                    state = T.settle(drv)
                    if state != want:
                        raise SystemExit("%s %s: gate state %r, expected %r" % (slug, name, state, want))
                    T.wait_for(drv, lambda d: d.execute_script(
                        "return [].every.call(document.images,function(i){return i.complete && "
                        "(!i.hasAttribute('data-portico-asset') || i.src.indexOf('blob:')===0)})"),
                        what="images")
                    drv.execute_async_script(
                        "var d=arguments[arguments.length-1];document.fonts.ready.then(function(){"
                        "requestAnimationFrame(function(){requestAnimationFrame(function(){d()})})})")
                    path = os.path.join(args.out, "%s-%s-%d.png" % (name, lang, w))
                    with open(path, "wb") as f:
                        f.write(drv.get_screenshot_as_png())
                    written.append(path)
    finally:
        if drv:
            drv.quit()
        if srv:
            srv.close()
        shutil.rmtree(tmp, ignore_errors=True)
    for p in written:
        print("wrote " + os.path.relpath(p, T.ROOT))


if __name__ == "__main__":
    main()
