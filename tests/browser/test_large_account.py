"""An account too large for one list page or one search shard, in real headless Chromium: the fixture portal
plus 130 generated insights for alpha (3 list pages of 50, a search index of 2 shards of 100 entries).

- Search finds pages in every shard, each once, the title hit first, in the gated build (shards sealed like
  pages, fetched and decrypted by the gate script) and in the unencrypted one.
- The tag filter on page 2 of the list leads to the tag's own list, which holds every tagged piece of the kind
  (not only those of page 2), itself paginated.
"""
import os
import re
import shutil

import pytest
from selenium.webdriver.common.by import By

import portico_testlib as T
from test_gate import open_with, url
from test_gate import severe_logs as all_severe_logs


def severe_logs(driver):
    # a new origin's first page makes Chromium ask for /favicon.ico, which the site has not
    return [l for l in all_severe_logs(driver) if "/favicon.ico " not in l["message"]]
from test_search import results, search

BULK = 130
TRIAD = [n for n in range(1, BULK + 1) if n % 3 == 0]


def bulk_page(n):
    # Newest first: bulk-001 is the newest; every date is before the fixture's build date.
    day = 28 - (n - 1) % 28
    month = 5 - (n - 1) // 28
    tags = "[bulktag, triad]" if n % 3 == 0 else "[bulktag]"
    rare = " The zyzzogeton appears in this one only." if n == BULK else ""
    return (f"---\ntitle: \"Bulk piece {n:03d}\"\ndate: 2026-{month:02d}-{day:02d}\nsummary: Generated piece {n}.\n"
            f"tags: {tags}\n---\n\nThis bulkword piece number {n} fills the list.{rare}\n")


@pytest.fixture(scope="module")
def large(tmp_root):
    content = tmp_root / "large-content"
    shutil.copytree(T.FIXTURE_CONTENT, content)
    insights = content / "accounts" / "alpha" / "insights"
    for n in range(1, BULK + 1):
        (insights / f"bulk-{n:03d}.md").write_text(bulk_page(n), encoding="utf-8")
    # One piece names its title's word so the title hit can be told from body hits.
    (insights / "bulk-title.md").write_text(
        "---\ntitle: \"Bulkword in the title\"\ndate: 2025-01-02\nsummary: Oldest.\ntags: [other]\n---\n\nNothing else.\n",
        encoding="utf-8")
    gated = T.build(str(content), str(tmp_root / "large-gated"), T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
    plain = T.build(str(content), str(tmp_root / "large-plain"), T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY,
                    extra=["--unencrypted"])
    servers = {"gated": T.Server(gated), "plain": T.Server(plain)}
    acct = T.Account(str(content), "alpha", T.FIXTURE_SECRET_HEX, T.FIXTURE_TODAY)
    yield servers, acct, {"gated": gated, "plain": plain}
    for s in servers.values():
        s.close()


def plain_url(server, rel):
    return "%s/alpha/%s" % (server.base, rel)


def open_page(drv, mode, servers, acct, rel):
    if mode == "gated":
        assert open_with(drv, servers["gated"], acct, rel, acct.token("a-active")) == "unlocked"
        return lambda r: url(servers["gated"], acct, r)
    drv.get(plain_url(servers["plain"], rel))
    return lambda r: plain_url(servers["plain"], r)


def test_the_index_is_published_in_shards_not_in_the_search_page(large):
    _, acct, sites = large
    search_dir = os.path.join(sites["plain"], "alpha", "search")
    assert sorted(os.listdir(search_dir)) == ["index.html", "shard-1.json", "shard-2.json"]
    page = open(os.path.join(search_dir, "index.html"), encoding="utf-8").read()
    assert '{"shards":["shard-1.json","shard-2.json"]}' in page
    assert "bulkword" not in page
    gated_dir = os.path.join(sites["gated"], acct.path, "search")
    sealed = open(os.path.join(gated_dir, "shard-2.json"), encoding="utf-8").read()
    assert "zyzzogeton" not in sealed and "Bulk piece" not in sealed
    opened = T.decrypt_page(sealed, acct.path, acct.content_key)
    assert "zyzzogeton" in opened


@pytest.mark.parametrize("mode", ["gated", "plain"])
def test_search_finds_pages_in_every_shard(driver, large, mode):
    servers, acct, _ = large
    at = open_page(driver, mode, servers, acct, "search/")
    T.wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[data-portico-search]"), what="the search box")
    box = driver.find_element(By.CSS_SELECTOR, "input[data-portico-search]")
    T.wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "[aria-busy]"), what="every shard")
    # only in the oldest generated piece, which sits in the second shard
    assert [h for h, _ in search(driver, box, "zyzzogeton")] == [at("insights/bulk-130/")]
    got = search(driver, box, "bulkword")
    assert len(got) == BULK + 1
    assert len(set(h for h, _ in got)) == BULK + 1
    # the title hit first although it is the oldest piece, then index order (newest first) across both shards
    assert tuple(got[0]) == (at("insights/bulk-title/"), "Bulkword in the title")
    assert [t for _, t in got[1:]] == ["Bulk piece %03d" % n for n in range(1, BULK + 1)]
    assert not severe_logs(driver)


@pytest.mark.parametrize("mode", ["gated", "plain"])
def test_the_tag_filter_on_page_two_covers_the_whole_list(driver, large, mode):
    servers, acct, _ = large
    at = open_page(driver, mode, servers, acct, "insights/page/2/")
    T.wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".pt-pagination"), what="the pagination")
    nav = driver.find_element(By.CSS_SELECTOR, "nav.pt-pagination")
    assert nav.get_attribute("aria-label")
    current = nav.find_elements(By.CSS_SELECTOR, "a[aria-current=page]")
    assert [a.get_attribute("href") for a in current] == [at("insights/page/2/")]
    assert nav.find_element(By.CSS_SELECTOR, "a[rel=prev]").get_attribute("href") == at("insights/")
    assert nav.find_element(By.CSS_SELECTOR, "a[rel=next]").get_attribute("href") == at("insights/page/3/")
    assert len(driver.find_elements(By.CSS_SELECTOR, ".pt-grid .pt-card")) == 50
    triad_here = len([c for c in driver.find_elements(By.CSS_SELECTOR, ".pt-grid .pt-card")
                      if " triad " in c.get_attribute("data-tags")])
    assert 0 < triad_here < len(TRIAD)

    chip = [a for a in driver.find_elements(By.CSS_SELECTOR, "a.pt-chip") if a.text.startswith("triad")][0]
    assert chip.find_element(By.CSS_SELECTOR, ".pt-chip-count").text == str(len(TRIAD))
    target = chip.get_attribute("href")
    # the tag's folder is numbered, never named (file names are public in a gated build)
    assert re.fullmatch(re.escape(at("insights/tags/")) + r"\d+/", target), target
    bulk = [a for a in driver.find_elements(By.CSS_SELECTOR, "a.pt-chip") if a.text.startswith("bulktag")][0]
    bulk_target = bulk.get_attribute("href")
    chip.click()
    T.wait_for(driver, lambda d: d.current_url == target, what="the tag's list")
    if mode == "gated":
        assert T.settle(driver) == "unlocked"
    T.wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".pt-grid .pt-card"), what="the tagged cards")
    cards = driver.find_elements(By.CSS_SELECTOR, ".pt-grid .pt-card")
    titles = [c.find_element(By.CSS_SELECTOR, ".pt-card-title").text for c in cards]
    assert titles == ["Bulk piece %03d" % n for n in TRIAD]
    pressed = driver.find_elements(By.CSS_SELECTOR, "a.pt-chip[aria-current=page]")
    assert [re.sub(r"\s+\d+$", "", a.text) for a in pressed] == ["triad"]
    assert "triad" in driver.find_element(By.TAG_NAME, "h1").text
    assert not driver.find_elements(By.CSS_SELECTOR, ".pt-pagination")   # 43 fit one page

    # a tag with more pieces than a page holds is paginated too; "All topics" leads back to the whole list
    driver.find_elements(By.CSS_SELECTOR, "a.pt-chip")[0].click()
    T.wait_for(driver, lambda d: d.current_url == at("insights/"), what="the whole list")
    if mode == "gated":
        assert T.settle(driver) == "unlocked"
    driver.get(bulk_target + "page/3/")
    if mode == "gated":
        assert T.settle(driver) == "unlocked"
    T.wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".pt-grid .pt-card"), what="page 3 of the tag")
    assert len(driver.find_elements(By.CSS_SELECTOR, ".pt-grid .pt-card")) == BULK - 100
    assert not severe_logs(driver)
