"""Bench step: list and search-index bytes of the corpus's largest account, and the time to the first search
result in headless Chromium (gated build, a session already opened by the magic link, as a reader who searches).

Used by bench/run.py (a section of RESULTS.md; `--only-lists` runs this step alone). Needs selenium and
chromium + chromedriver (scripts/install-deps.sh test); without them the step reports why and the rest goes on.
"""
import functools
import http.server
import os
import re
import statistics
import subprocess
import threading

CHROMIUM = os.environ.get("PORTICO_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PORTICO_CHROMEDRIVER", "/usr/bin/chromedriver")
QUERY = "telemetry"   # one of gen_corpus.py's words: many pages hold it
TRIALS = 5

# Records when the first result appears, from navigation start (the page's time origin), on every document.
FIRST_RESULT_PROBE = """
window.__porticoFirstResult = null;
new MutationObserver(function () {
  if (window.__porticoFirstResult === null && document.querySelector('[data-portico-search-results] li'))
    window.__porticoFirstResult = performance.now();
}).observe(document, { childList: true, subtree: true });
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def folder_bytes(folder, match):
    sizes = []
    for base, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            if match(os.path.relpath(path, folder)):
                sizes.append(os.path.getsize(path))
    return sizes


def run(binary, content, out, env, slug):
    """Builds `content` gated into `out`; measures the account `slug`. Returns a dict for `report_lines`."""
    subprocess.run([binary, "build", "--content", content, "--out", out], env=env, check=True,
                   capture_output=True, timeout=1800)
    links = subprocess.run([binary, "token", "list", "--links", "--content", content], env=env, check=True,
                           capture_output=True, text=True, timeout=300).stdout
    rows = links.splitlines()
    link = next(rows[i + 1].strip() for i, row in enumerate(rows)
                if row.split("\t")[0] == slug and i + 1 < len(rows) and "#k=" in rows[i + 1])
    path = re.search(r"/([^/]+)/#k=", link).group(1)
    account = os.path.join(out, path)
    kinds = ("insights", "solutions", "case-studies")
    lists = folder_bytes(account, lambda p: p.split("/")[0] in kinds and ("/page/" in p or "/tags/" in p or p.count("/") == 1)
                         and p.endswith("index.html"))
    first_pages = [os.path.getsize(os.path.join(account, k, "index.html")) for k in kinds]
    shards = folder_bytes(os.path.join(account, "search"), lambda p: p.endswith(".json"))
    result = {
        "slug": slug,
        "list_pages": len(lists), "list_bytes": sum(lists), "largest_list": max(lists), "first_list_pages": first_pages,
        "search_page": os.path.getsize(os.path.join(account, "search", "index.html")),
        "shards": len(shards), "shard_bytes": sum(shards), "largest_shard": max(shards) if shards else 0,
        "first_result_ms": [], "error": None,
    }
    try:
        result["first_result_ms"] = first_result_times(out, path, link.split("#", 1)[1])
    except Exception as error:  # noqa: BLE001 - a missing browser must not sink the rest of the bench
        result["error"] = str(error)
    return result


def first_result_times(site, path, fragment):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=site))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d/%s/" % (httpd.server_address[1], path)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-proxy-server",
                "--disable-background-networking", "--disable-extensions", "--no-first-run"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FIRST_RESULT_PROBE})
        driver.get(base + "#" + fragment)   # the magic link: leaves the session behind
        wait(driver, "return !document.getElementById('portico-gate')", "the gate to open")
        times = []
        for _ in range(TRIALS):
            driver.get("about:blank")
            driver.get(base + "search/?q=" + QUERY)
            times.append(wait(driver, "return window.__porticoFirstResult", "the first search result"))
        return times
    finally:
        driver.quit()
        httpd.shutdown()
        httpd.server_close()


def wait(driver, script, what, timeout=60):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout, poll_frequency=0.02).until(lambda d: d.execute_script(script),
                                                                     message="timed out waiting for " + what)


def report_lines(result, pages):
    out = ["## Lists and search on the largest account\n"]
    out.append(f"Account `{result['slug']}` ({pages:,} pages), gated build. Lists hold 50 cards a page (each tag has "
               f"its own paginated list); the search index is published in shards of 100 entries beside a small search "
               f"page. First search result: a fresh navigation to `search/?q={QUERY}` after the magic link opened the "
               f"session (browser cache off), navigation start → first result in the DOM, {TRIALS} trials.\n")
    out.append("| list pages | list bytes (all) | largest list page | first page of each kind | search page | shards | "
               "shard bytes (all) | largest shard | first result median ms | min | max |")
    out.append("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    ms = result["first_result_ms"]
    timing = (f"{statistics.median(ms):.0f} | {min(ms):.0f} | {max(ms):.0f}" if ms else "— | — | —")
    out.append(f"| {result['list_pages']:,} | {result['list_bytes']:,} | {result['largest_list']:,} | "
               f"{' / '.join(f'{b:,}' for b in result['first_list_pages'])} | {result['search_page']:,} | {result['shards']} | "
               f"{result['shard_bytes']:,} | {result['largest_shard']:,} | {timing} |")
    if result.get("error"):
        out.append(f"\nChromium step failed: `{result['error']}`")
    out.append("")
    return out
