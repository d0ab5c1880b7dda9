"""The search page at / in headless Chromium against a real `qawl dev` with the seeds."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.expected_conditions import staleness_of

from tests.browser.conftest import DevServer, screenshot, wait_for, wait_state

pytestmark = pytest.mark.browser

FACETS_QUERY = """
query($filter: ClaimFilter, $first: Int!) {
  claims(filter: $filter, first: $first) {
    totalCount
    edges { node { claimId claimant } }
    facets { claimants { value count } places { value count } people { value count }
             organizations { value count } sources { value count } }
  }
}"""
FACET_FIELDS = {
    "claimants": "claimant",
    "people": "person",
    "organizations": "organization",
    "places": "place",
    "sources": "source",
}


def cards(driver: WebDriver) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, "#cards > li.card")


def card_ids(driver: WebDriver) -> list[str]:
    ids: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('#cards > li.card')].map(li => li.dataset.claimId)"
    )
    return ids


def page_facets(driver: WebDriver) -> dict[str, dict[str, int]]:
    rows = driver.execute_script(
        "return [...document.querySelectorAll('#facets button.facet-value')]"
        ".map(b => [b.dataset.facet, b.dataset.value, Number(b.dataset.count)])"
    )
    out: dict[str, dict[str, int]] = {}
    for field, value, count in rows:
        out.setdefault(field, {})[value] = count
    return out


def api_facets(data: dict[str, Any]) -> dict[str, dict[str, int]]:
    facets = data["claims"]["facets"]
    return {
        FACET_FIELDS[name]: {f["value"]: f["count"] for f in values}
        for name, values in facets.items()
        if values
    }


def test_typing_lavrov_shows_his_claim_with_2000(dev_server: DevServer, page: WebDriver) -> None:
    page.get(dev_server.url + "/")
    assert page.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    wait_state(page, "ready")
    box = page.find_element(By.ID, "q")
    # the search box is labelled and reachable from the keyboard ("/" focuses it)
    assert (
        page.find_element(By.CSS_SELECTOR, "label[for=q]").get_attribute("textContent") or ""
    ).strip()
    page.find_element(By.TAG_NAME, "body").send_keys("/")
    assert page.switch_to.active_element == box
    box.send_keys("لافروف")

    def lavrov_card(d: WebDriver) -> WebElement | None:
        for card in cards(d):
            if "2000" in card.find_element(By.CSS_SELECTOR, ".claim-text").text:
                return card
        return None

    # the URL follows the search (replaceState as you type), then the results settle
    wait_for(page, lambda d: parse_qs(urlparse(d.current_url).query).get("q") == ["لافروف"])
    wait_state(page, "ready")
    card = lavrov_card(page)
    assert card is not None, [c.text for c in cards(page)]
    assert any("لافروف" in m.text for m in page.find_elements(By.CSS_SELECTOR, "#cards mark")), (
        "query words are highlighted"
    )
    highlighted = [n.text for n in card.find_elements(By.CSS_SELECTOR, ".claim-text .num")]
    chips = [
        c.get_attribute("data-value") for c in card.find_elements(By.CSS_SELECTOR, ".chip-number")
    ]
    assert "2000" in highlighted, highlighted
    assert any(float(v or "nan") == 2000 for v in chips), chips
    screenshot(page, "lavrov-desktop")

    # the search is in the URL, and the URL reproduces it
    assert parse_qs(urlparse(page.current_url).query)["q"] == ["لافروف"]
    ids = card_ids(page)
    page.get(page.current_url)
    wait_state(page, "ready")
    assert page.find_element(By.ID, "q").get_attribute("value") == "لافروف"
    assert card_ids(page) == ids

    # phone width: nothing overflows sideways, the results come first, filters open on demand
    page.set_window_size(390, 844)
    assert page.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1"
    )
    toggle = page.find_element(By.ID, "filters-toggle")
    assert toggle.is_displayed() and not page.find_element(By.ID, "sidebar").is_displayed()
    screenshot(page, "lavrov-phone")
    toggle.click()
    assert (
        page.find_element(By.ID, "sidebar").is_displayed()
        and toggle.get_attribute("aria-expanded") == "true"
    )
    screenshot(page, "filters-phone")


def test_claimant_facet_narrows_and_counts_agree_with_api(
    dev_server: DevServer, page: WebDriver
) -> None:
    page.get(dev_server.url + "/?first=100")
    wait_state(page, "ready")
    everything = dev_server.graphql(FACETS_QUERY, {"filter": None, "first": 100})
    total = everything["claims"]["totalCount"]
    assert len(cards(page)) == total
    assert page_facets(page) == api_facets(everything)

    claimants = everything["claims"]["facets"]["claimants"]
    chosen = next(f for f in claimants if f["count"] < total)
    button = next(
        b
        for b in page.find_elements(By.CSS_SELECTOR, "#facets button.facet-value")
        if b.get_attribute("data-facet") == "claimant"
        and b.get_attribute("data-value") == chosen["value"]
    )
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    wait_for(page, lambda d: len(cards(d)) == chosen["count"])
    wait_state(page, "ready")

    narrowed = dev_server.graphql(
        FACETS_QUERY, {"filter": {"claimant": [chosen["value"]]}, "first": 100}
    )
    assert narrowed["claims"]["totalCount"] == chosen["count"] < total
    assert sorted(card_ids(page)) == sorted(
        e["node"]["claimId"] for e in narrowed["claims"]["edges"]
    )
    assert {c.find_element(By.CSS_SELECTOR, ".claimant").text for c in cards(page)} == {
        chosen["value"]
    }
    assert page_facets(page) == api_facets(narrowed)
    assert parse_qs(urlparse(page.current_url).query)["claimant"] == [chosen["value"]]
    pressed = page.find_element(By.CSS_SELECTOR, "#facets button.facet-value[aria-pressed=true]")
    assert pressed.get_attribute("data-value") == chosen["value"]
    screenshot(page, "facet-claimant")

    # keyboard: Enter on the active-filter chip removes it and brings every claim back
    chip = page.find_element(By.CSS_SELECTOR, "#active-filters button.chip-active")
    chip.send_keys(Keys.ENTER)
    wait_for(page, lambda d: len(cards(d)) == total)
    assert "claimant" not in parse_qs(urlparse(page.current_url).query)


def test_load_more_appends_without_duplicates(dev_server: DevServer, page: WebDriver) -> None:
    page.get(dev_server.url + "/?first=3")
    wait_state(page, "ready")
    everything = dev_server.graphql(FACETS_QUERY, {"filter": None, "first": 100})
    total = everything["claims"]["totalCount"]
    assert total > 6, "the seeds give enough claims for three pages"
    assert len(cards(page)) == 3
    more = page.find_element(By.ID, "load-more")
    seen = card_ids(page)
    while more.is_displayed():
        before = len(seen)
        more.click()

        def grown(d: WebDriver, before: int = before) -> bool:
            return len(cards(d)) > before

        wait_for(page, grown)
        now = card_ids(page)
        assert now[:before] == seen, "earlier cards stay in place"
        seen = now
        assert len(seen) - before <= 3
    assert len(seen) == len(set(seen)) == total
    assert set(seen) == {e["node"]["claimId"] for e in everything["claims"]["edges"]}
    assert page.find_element(By.ID, "status").text


def test_similar_claims_action_and_paste_box(dev_server: DevServer, page: WebDriver) -> None:
    page.get(dev_server.url + "/?q=" + quote("لافروف"))
    wait_state(page, "ready")
    first = cards(page)[0]
    first_id = first.get_attribute("data-claim-id")
    first.find_element(By.CSS_SELECTOR, "button.find-similar").click()
    panel = page.find_element(By.ID, "similar")
    wait_for(
        page,
        lambda d: panel.get_attribute("data-state") in {"ready", "empty", "error", "unavailable"},
    )
    assert panel.get_attribute("data-state") == "ready", page.find_element(
        By.ID, "similar-status"
    ).text
    listed = panel.find_elements(By.CSS_SELECTOR, "#similar-list > li.card")
    assert listed and first_id not in {c.get_attribute("data-claim-id") for c in listed}
    assert all(c.find_element(By.CSS_SELECTOR, ".badge-score").text for c in listed)
    screenshot(page, "similar-claims")
    panel.find_element(By.ID, "similar-close").click()
    assert not panel.is_displayed()

    # a pasted paragraph that repeats a seed claim finds it
    seed_claim = dev_server.graphql(FACETS_QUERY, {"filter": None, "first": 100})
    paragraph = "وفي تصريح جديد، " + next(
        e["node"]["claimant"] for e in seed_claim["claims"]["edges"] if e["node"]["claimant"]
    )
    page.find_element(By.CSS_SELECTOR, "#paste-panel summary").click()
    lavrov_text = first.find_element(By.CSS_SELECTOR, ".claim-text").text
    page.find_element(By.ID, "paste").send_keys(paragraph + " " + lavrov_text)
    page.find_element(By.CSS_SELECTOR, "#paste-form button[type=submit]").click()
    wait_for(
        page,
        lambda d: panel.get_attribute("data-state") in {"ready", "empty", "error", "unavailable"},
    )
    assert panel.get_attribute("data-state") == "ready"
    assert first_id in {
        c.get_attribute("data-claim-id")
        for c in panel.find_elements(By.CSS_SELECTOR, "#similar-list > li.card")
    }


def test_hostile_article_renders_as_text(dev_server: DevServer, page: WebDriver) -> None:
    page.get(dev_server.url + "/?q=" + quote("وزارة الصحة"))
    wait_state(page, "ready")
    api = dev_server.graphql(
        "query($q: String) { claims(query: $q, first: 50) {"
        " edges { node { claimId text highlight source articleId } } } }",
        {"q": "وزارة الصحة"},
    )
    hostile = next(
        e["node"] for e in api["claims"]["edges"] if e["node"]["articleId"] == "zz_hostile"
    )
    assert "<img" in hostile["text"] and "<img" not in hostile["highlight"], (
        "the server escapes the highlight"
    )
    card = next(c for c in cards(page) if c.get_attribute("data-claim-id") == hostile["claimId"])
    text = card.find_element(By.CSS_SELECTOR, ".claim-text").get_attribute("textContent")
    assert text == hostile["text"], "the claim is shown exactly, as text"
    assert "<img" in (
        card.find_element(By.CSS_SELECTOR, ".meta .source").get_attribute("textContent") or ""
    )
    assert not card.find_element(By.CSS_SELECTOR, ".article-link").is_displayed(), (
        "javascript: links are dropped"
    )
    card.find_element(By.CSS_SELECTOR, "button.show-article").click()
    body = card.find_element(By.CSS_SELECTOR, ".article-body")
    wait_for(page, lambda d: body.get_attribute("data-loaded") == "1")
    assert "<script>" in (body.find_element(By.TAG_NAME, "h4").get_attribute("textContent") or "")
    screenshot(page, "hostile-as-text")
    # nothing ran and no element came from the data
    assert page.execute_script("return window.__qawlPwned === undefined")
    assert not page.find_elements(By.CSS_SELECTOR, "main img, main script, main svg, main iframe")
    # the page's own parser: only <mark> becomes markup, entities decode once, the rest is text
    parsed = page.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import('./static/highlight.js').then(m => done(m.parseHighlight(arguments[0])));",
        "&lt;b&gt;<mark>x &amp;amp; y</mark><img src=x onerror=alert(1)><mark></mark>z",
    )
    assert parsed == [
        {"text": "<b>", "mark": False},
        {"text": "x &amp; y", "mark": True},
        {"text": "<img src=x onerror=alert(1)>", "mark": False},
        {"text": "z", "mark": False},
    ]
    tags = set(
        page.execute_script(
            "return [...document.querySelectorAll('.claim-text *')].map(e => e.tagName)"
        )
    )
    assert tags <= {"MARK", "SPAN"}


def test_empty_state(dev_server: DevServer, page: WebDriver) -> None:
    page.get(dev_server.url + "/?q=" + quote("كلمةغيرموجودةإطلاقاً"))
    assert wait_state(page, "empty") == "empty"
    notice = page.find_element(By.ID, "notice")
    assert notice.is_displayed() and notice.get_attribute("data-kind") == "empty"
    assert not cards(page)


def test_meilisearch_down_shows_unavailable(fresh_server: DevServer, page: WebDriver) -> None:
    page.get(fresh_server.url + "/")
    wait_state(page, "ready")
    assert cards(page)
    fresh_server.stop_meilisearch()
    box = page.find_element(By.ID, "q")
    box.send_keys("لافروف", Keys.ENTER)
    assert wait_state(page, "unavailable", timeout=30) == "unavailable"
    notice = page.find_element(By.ID, "notice")
    assert notice.is_displayed() and notice.get_attribute("data-kind") == "unavailable"
    assert notice.find_element(By.TAG_NAME, "button").is_enabled(), "a retry button"
    assert box.is_enabled()  # the page still works: the search box is there and usable
    screenshot(page, "unavailable")
    # it is the API's own answer the page reflects
    body = httpx.post(
        f"{fresh_server.url}/graphql",
        json={"query": '{ claims(query: "x") { totalCount } }'},
        timeout=30,
    ).json()
    assert body["errors"][0]["extensions"]["code"] == "SEARCH_UNAVAILABLE"


READ_KEY = "browser-test-read-key-0123456789"


@pytest.mark.parametrize("fresh_server", [{"QAWL_API_KEYS": f"read:{READ_KEY}"}], indirect=True)
def test_api_keys_asks_for_a_key_and_sends_it(fresh_server: DevServer, page: WebDriver) -> None:
    page.get(fresh_server.url + "/")
    assert wait_state(page, "error") == "error"
    key_box = page.find_element(By.ID, "api-key")
    assert page.find_element(By.CSS_SELECTOR, "label[for=api-key]").is_displayed()
    key_box.send_keys("wrong-key", Keys.ENTER)
    wait_for(page, staleness_of(key_box))  # asked again: the wrong key was refused
    wait_state(page, "error")
    page.find_element(By.ID, "api-key").send_keys(READ_KEY, Keys.ENTER)
    wait_state(page, "ready")
    assert cards(page)
    assert page.execute_script("return sessionStorage.getItem('qawl-api-key')") == READ_KEY
    page.execute_script("sessionStorage.clear()")
