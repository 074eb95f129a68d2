"""Search in real headless Chromium on the fixture portal (Tests/Fixtures/portals/gated/content),
after unlocking an account with a viewer token: the index travels encrypted inside the search
page, so it only exists once the gate has opened it.

Queries are picked from the fixture's existing text (see the search index in the built page):
- beta (zh-CN): "进展" occurs only in insights/annual-plan ("## 进展", "…数字化的进展"); "试点" occurs
  in case-studies/pilot-results (title "试点结果") and insights/annual-plan (body "试点产线…").
- alpha (en): "steering" occurs only in insights/quarterly-review ("…for the steering group");
  "rollout" is in the title of solutions/rollout-plan and in the body of insights/quarterly-review
  ("Read the rollout plan…"): title hits are listed first.
"""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import portico_testlib as T
from test_gate import body_text, open_with, severe_logs, url

RESULT_LINKS = "[data-portico-search-results] a"


def open_search(drv, server, acct, viewer):
    """Opens the account's search page with the viewer's magic link; returns the search box."""
    assert open_with(drv, server, acct, "search/", acct.token(viewer)) == "unlocked"
    T.wait_for(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "input[data-portico-search]"),
               what="the search box")
    # the index is only in the decrypted page
    assert drv.execute_script("return !!document.getElementById('portico-search-index')")
    return drv.find_element(By.CSS_SELECTOR, "input[data-portico-search]")


def results(drv):
    """[(absolute href, link text)] of the rendered results, in order."""
    return drv.execute_script(
        "return [].map.call(document.querySelectorAll(arguments[0]),"
        "function(a){return [a.href, a.textContent]})", RESULT_LINKS)


def search(drv, box, text):
    """Empties the box and types `text` as a person would; returns the results once rendered."""
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    T.wait_for(drv, lambda d: box.get_attribute("value") == "" and not results(d),
               what="an empty search box and no results")
    box.send_keys(text)
    T.wait_for(drv, lambda d: box.get_attribute("value") == text, what="the typed query")
    # results are rendered synchronously on each `input` event; give a slow machine a moment
    prev = {}

    def stable(d):
        r = results(d)
        same = prev.get("r") == r
        prev["r"] = r
        return same
    T.wait_for(drv, stable, what="the results to settle")
    return prev["r"]


def hrefs(server, acct, *rels):
    return [url(server, acct, r) for r in rels]


def test_chinese_two_character_queries_find_exactly_their_pages(driver, fixture_server, beta):
    box = open_search(driver, fixture_server, beta, "b-active")
    # only in the annual plan
    got = search(driver, box, "进展")
    assert [h for h, _ in got] == hrefs(fixture_server, beta, "insights/annual-plan/"), got
    assert "标记标题乙一" in got[0][1]
    # in both of the account's own pages, the title hit first; never in the English library pages
    got = search(driver, box, "试点")
    assert [h for h, _ in got] == hrefs(fixture_server, beta, "case-studies/pilot-results/",
                                        "insights/annual-plan/"), got
    assert "标记标题乙二" in got[0][1] and "标记标题乙一" in got[1][1]
    # only in the pilot results ("良品率")
    got = search(driver, box, "良品")
    assert [h for h, _ in got] == hrefs(fixture_server, beta, "case-studies/pilot-results/"), got
    assert not severe_logs(driver)


def test_english_word_finds_exactly_its_pages(driver, fixture_server, alpha):
    box = open_search(driver, fixture_server, alpha, "a-active")
    got = search(driver, box, "steering")
    assert [h for h, _ in got] == hrefs(fixture_server, alpha, "insights/quarterly-review/"), got
    assert got[0][1] == "MARKERTITLEALPHA1 quarterly review"
    # case does not matter; the page with the word in its title comes first
    got = search(driver, box, "Rollout")
    assert [h for h, _ in got] == hrefs(fixture_server, alpha, "solutions/rollout-plan/",
                                        "insights/quarterly-review/"), got
    # library pages the account includes are searchable too ("every ledger")
    got = search(driver, box, "ledger")
    assert [h for h, _ in got] == hrefs(fixture_server, alpha, "solutions/platform-overview/"), got
    # the other account's pages are not in this account's index
    assert search(driver, box, "试点") == []
    assert not severe_logs(driver)


@pytest.mark.parametrize("slug,viewer,query", [("alpha", "a-active", "zeppelin"),
                                                ("beta", "b-active", "火箭"),
                                                ("beta", "b-active", "steering")])
def test_query_matching_nothing_shows_no_results(driver, fixture_server, fixture_site, slug, viewer,
                                                 query):
    acct = fixture_site.accounts[slug]
    box = open_search(driver, fixture_server, acct, viewer)
    assert search(driver, box, query) == []
    assert driver.find_elements(By.CSS_SELECTOR, "[data-portico-search-results] li a") == []
    # and a query that does match right after it shows results again (the list is live)
    again = "试点" if slug == "beta" else "rollout"
    assert search(driver, box, again)


@pytest.mark.parametrize("slug,viewer,query", [("alpha", "a-active", "zeppelin"),
                                                ("beta", "b-active", "火箭")])
def test_query_matching_nothing_says_so(driver, fixture_server, fixture_site, slug, viewer, query):
    acct = fixture_site.accounts[slug]
    box = open_search(driver, fixture_server, acct, viewer)
    empty = driver.find_element(By.CSS_SELECTOR, "[data-portico-search-empty]")
    assert not empty.is_displayed()   # nothing typed yet
    assert search(driver, box, query) == []
    T.wait_for(driver, lambda d: empty.is_displayed() or
               d.find_elements(By.CSS_SELECTOR, "[data-portico-search-results] li"),
               timeout=3, what="a 'nothing matches' message")
    assert empty.is_displayed() and empty.text.strip()


@pytest.mark.parametrize("slug,viewer,query,rel,title", [
    ("beta", "b-active", "进展", "insights/annual-plan/", "标记标题乙一"),
    ("alpha", "a-second", "steering", "insights/quarterly-review/", "MARKERTITLEALPHA1"),
])
def test_result_link_opens_the_page_without_the_token(driver, fixture_server, fixture_site, slug,
                                                      viewer, query, rel, title):
    acct = fixture_site.accounts[slug]
    box = open_search(driver, fixture_server, acct, viewer)
    assert "#" not in driver.current_url
    got = search(driver, box, query)
    assert [h for h, _ in got] == [url(fixture_server, acct, rel)], got
    driver.find_element(By.CSS_SELECTOR, RESULT_LINKS).click()
    T.wait_for(driver, lambda d: d.current_url == url(fixture_server, acct, rel),
               what="navigation to the result")
    # no token in this navigation: the session the magic link left behind opens the page
    assert T.settle(driver) == "unlocked"
    T.wait_for(driver, lambda d: title in d.find_element(By.TAG_NAME, "h1").text,
               what="the result page's title")
    assert "#" not in driver.current_url
    assert acct.name(viewer) in driver.find_element(By.CSS_SELECTOR, "[data-portico-watermark]").text
    assert title in body_text(driver)
    assert not severe_logs(driver)


def test_query_in_the_address_runs_the_search(driver, fixture_server, alpha):
    # unlock once, then open search/?q=… without a token
    assert open_with(driver, fixture_server, alpha, "", alpha.token("a-active")) == "unlocked"
    driver.get(url(fixture_server, alpha, "search/?q=steering"))
    assert T.settle(driver) == "unlocked"
    T.wait_for(driver, lambda d: results(d), what="results for ?q=steering")
    assert [h for h, _ in results(driver)] == hrefs(fixture_server, alpha, "insights/quarterly-review/")
    assert driver.find_element(By.CSS_SELECTOR, "input[data-portico-search]").get_attribute("value") == "steering"
