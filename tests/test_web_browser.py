"""The search page in a real browser: Debian's headless Chromium, driven by Selenium.

A person's path through the page: type a query, tick facets, remove a chip, click a bar of the
date histogram, page on, open a release, go back. Every step is checked against what the
library says for the same search, and the URL must carry the state (so back works). Hostile
titles must show as text with no script run. Screenshots of the results page (desktop and
phone width) are written to benchmarks/out/web/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

import newsindex.web
from newsindex import NewsIndex, Release, load_releases
from webtools import chromium, serving

FIXTURE = Path(__file__).parent / "fixtures" / "newsroom_sample.txt"
SHOTS = Path(__file__).resolve().parent.parent / "benchmarks" / "out" / "web"
HOSTILE = [
    Release(title="<script>window.__xss = 1</script> Hostile headline", date=dt.date(2021, 5, 5),
            body='Hong Kong police said <img src=x onerror="window.__xss = 2"> nothing.', url="javascript:window.__xss = 3"),
    Release(title='<img src=x onerror="window.__xss = 4"> Picture headline', date=dt.date(2021, 5, 6), summary="Hostile summary"),
]


@pytest.fixture(scope="module")
def index_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "idx"
    with NewsIndex.create(path) as index:
        index.add(list(load_releases(FIXTURE)) + HOSTILE)
    return path


@pytest.fixture(scope="module")
def index(index_path):
    with NewsIndex.open(index_path) as opened:
        yield opened


@pytest.fixture(scope="module")
def server(index_path):
    with serving(newsindex.web.app(str(index_path))) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


def params(driver) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)


def total(driver) -> int:
    return int(driver.find_element(By.ID, "total").get_attribute("data-total"))


def titles(driver) -> list[str]:
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".hit h3 a")]


def click_and_wait(driver, element) -> None:
    """Click a link and wait for the next page (the old one going stale)."""
    element.click()
    WebDriverWait(driver, 10).until(EC.staleness_of(element))


def shot(driver, name: str, tmp_path: Path) -> Path:
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / name
    except OSError:  # a read-only checkout: the test's own tmp dir
        path = tmp_path / name
    assert driver.save_screenshot(str(path)) and path.stat().st_size > 10_000
    print(f"screenshot: {path}")
    return path


def test_type_a_query_tick_facets_and_remove_a_chip(server, browser, index, tmp_path):
    browser.get(server.base + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("hong kong", Keys.ENTER)
    WebDriverWait(browser, 10).until(EC.url_contains("q=hong"))
    assert total(browser) == index.search("hong kong").total
    assert titles(browser)[0] == index.search("hong kong").hits[0].title
    shot(browser, "results.png", tmp_path)

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, '[data-facet=country] a[data-value="HK"]'))
    assert params(browser)["country"] == ["HK"] and params(browser)["q"] == ["hong kong"]
    assert total(browser) == index.search("hong kong", country="HK").total
    assert [c.text for c in browser.find_elements(By.CSS_SELECTOR, ".chip")] == ["Country: Hong Kong ✕"]

    # A second country is OR within the facet: the total grows to the library's.
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, '[data-facet=country] a[data-value="CN"]'))
    assert sorted(params(browser)["country"]) == ["CN", "HK"]
    assert total(browser) == index.search("hong kong", country=["HK", "CN"]).total
    # And another facet is AND.
    issue = browser.find_element(By.CSS_SELECTOR, "[data-facet=issue] li:not(.selected) a")
    slug = issue.get_attribute("data-value")
    click_and_wait(browser, issue)
    assert total(browser) == index.search("hong kong", country=["HK", "CN"], issue=slug).total

    chip = next(c for c in browser.find_elements(By.CSS_SELECTOR, ".chip") if c.text.startswith("Country: Hong Kong"))
    click_and_wait(browser, chip)
    assert params(browser)["country"] == ["CN"] and params(browser)["issue"] == [slug]
    assert total(browser) == index.search("hong kong", country="CN", issue=slug).total


def test_a_histogram_bar_narrows_the_dates_and_back_undoes_it(server, browser, index):
    browser.get(server.base + "/?country=CN")
    before = total(browser)
    bar = browser.find_element(By.CSS_SELECTOR, ".histogram a.bar")
    bucket, count = bar.get_attribute("data-bucket"), int(bar.get_attribute("data-count"))
    click_and_wait(browser, bar)
    p = params(browser)
    assert p["since"][0].startswith(bucket[:4]) and p["country"] == ["CN"]
    assert total(browser) == count == index.search("", country="CN", since=p["since"][0], until=p["until"][0]).total
    assert any(c.text.startswith("Dates:") for c in browser.find_elements(By.CSS_SELECTOR, ".chip"))
    browser.back()
    WebDriverWait(browser, 10).until(lambda d: "since" not in params(d))
    assert total(browser) == before


def test_paging_opening_a_release_and_going_back(server, browser, index):
    browser.get(server.base + "/?sort=newest&limit=5")
    first_page = titles(browser)
    expected = index.search("", sort="newest", limit=5, page=2)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, '.pages a[rel="next"]'))
    assert params(browser)["page"] == ["2"] and titles(browser) == [h.title for h in expected.hits]
    page_two = browser.current_url

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".hit h3 a"))
    assert browser.find_element(By.ID, "title").text == expected.hits[0].title
    assert browser.find_element(By.ID, "release").get_attribute("data-id") == expected.hits[0].id
    assert browser.find_elements(By.CSS_SELECTOR, ".similar li")  # more like this

    browser.back()
    WebDriverWait(browser, 10).until(EC.url_to_be(page_two))
    assert titles(browser) == [h.title for h in expected.hits]
    # The release page's own link back leads to the same search.
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".hit h3 a"))
    click_and_wait(browser, browser.find_element(By.ID, "back"))
    assert params(browser) == urllib.parse.parse_qs(urllib.parse.urlparse(page_two).query)
    for _ in range(3):  # the back link, the release, page 2: back to page 1
        browser.back()
    WebDriverWait(browser, 10).until(lambda d: "page" not in params(d))
    assert titles(browser) == first_page


def test_hostile_titles_show_as_text_and_run_nothing(server, browser, index):
    browser.get(server.base + "/?q=hostile+OR+picture")
    shown = titles(browser)
    assert "<script>window.__xss = 1</script> Hostile headline" in shown
    assert '<img src=x onerror="window.__xss = 4"> Picture headline' in shown
    assert browser.execute_script("return typeof window.__xss") == "undefined"
    assert not browser.find_elements(By.CSS_SELECTOR, "main img, main script")
    hostile = next(h for h in index.search("hostile").hits if h.title.startswith("<script>"))
    browser.get(f"{server.base}/release/{hostile.id}")
    assert browser.find_element(By.ID, "title").text == hostile.title
    assert 'onerror="window.__xss = 2"' in browser.find_element(By.CSS_SELECTOR, ".body").text
    assert not browser.find_elements(By.CSS_SELECTOR, 'a[href^="javascript"]')
    assert browser.execute_script("return typeof window.__xss") == "undefined"


def test_the_page_works_without_javascript_and_reads_on_a_phone(server, index, tmp_path):
    with chromium(width=390, height=844) as phone:
        phone.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
        phone.get(server.base + "/?q=china")
        assert "js" not in (phone.find_element(By.TAG_NAME, "html").get_attribute("class") or "")  # app.js did not run
        assert total(phone) == index.search("china").total
        shot(phone, "results-phone.png", tmp_path)
        click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "[data-facet=year] a"))
        assert "since" in params(phone) and total(phone) < index.search("china").total + 1
        phone.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
