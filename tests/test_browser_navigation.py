"""Addresses in headless chromium: a likely or mistyped path opens a page in the reader's
language instead of Streamlit's English "Page not found" dialog, and Back leaves it; the
method page draws its symbols (y_T) as formulas."""

from __future__ import annotations

import pytest

from tests.support import browser_page, screenshot, serve_app

pytestmark = pytest.mark.browser

MAIN = '[data-testid="stMain"]'
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
HAS_HEADING = "h => [...document.querySelectorAll('h1')].some(e => e.innerText.includes(h))"


def _open(page, url: str, path: str, heading: str) -> None:
    page.goto(f"{url}/{path}")
    page.wait_for_selector('[data-testid="stSidebarNav"]')
    page.wait_for_function(HAS_HEADING, arg=heading)
    page.wait_for_function(IDLE)


def test_a_likely_or_mistyped_address_opens_a_page_never_the_english_dialog(store):
    with serve_app(store.path) as url, browser_page() as page:
        # the legacy file name of the task page: the task page, at the address typed
        _open(page, url, "tasks?lang=zh", "任务分工与进展")
        assert page.url == f"{url}/tasks?lang=zh"
        assert page.get_by_role("dialog").count() == 0

        _open(page, url, "pack?lang=en", "Briefing pack")
        assert page.url == f"{url}/pack?lang=en"

        # anything else: the overview, saying so in the page's language
        _open(page, url, "nonsense?lang=zh", "目标监测")
        assert page.url == f"{url}/nonsense?lang=zh"
        assert page.get_by_role("dialog").count() == 0
        assert "没有 /nonsense 这个页面，已为您打开总览。" in page.inner_text(MAIN)
        assert "Page not found" not in page.inner_text("body")
        screenshot(page, "nav-unknown-path-zh")

        _open(page, url, "home?lang=en", "target tracker")
        assert page.url == f"{url}/home?lang=en"
        assert page.get_by_role("dialog").count() == 0
        assert "There is no page" not in page.inner_text(MAIN)  # said once, where it applies


def _back(page, heading: str) -> None:
    page.go_back()
    page.wait_for_function(HAS_HEADING, arg=heading)
    page.wait_for_function(IDLE)


def _follow(page, url: str, link: str, path: str) -> None:
    """Click `link` in the navigation and wait until /`path` has been drawn."""
    page.get_by_role("link", name=link).first.click()
    page.wait_for_url(f"{url}/{path}")
    page.wait_for_function(IDLE)


def _settled(page, heading: str) -> None:
    """Still on the page with `heading` two seconds on: a redirect would have moved on."""
    page.wait_for_timeout(2000)
    page.wait_for_function(IDLE)
    assert heading in page.inner_text("h1"), page.url


def test_back_from_a_likely_or_mistyped_address_returns_to_the_page_before(store):
    with serve_app(store.path) as url, browser_page() as page:
        _open(page, url, "?lang=en", "target tracker")
        _open(page, url, "tasks?lang=en", "Tasks: who leads them")
        _settled(page, "Tasks: who leads them")
        _back(page, "target tracker")
        assert page.url == f"{url}/?lang=en"
        _settled(page, "target tracker")  # not sent forward to the task page again

        # a click in the navigation after an alias, then Back twice
        _open(page, url, "method?lang=en", "How the numbers are computed")
        _follow(page, url, "Provinces", "provinces?lang=en")
        _back(page, "How the numbers are computed")
        assert page.url == f"{url}/method?lang=en"
        _settled(page, "How the numbers are computed")
        _back(page, "target tracker")
        assert page.url == f"{url}/?lang=en"

        # a mistyped address: Back from it, and from a page opened after it
        _open(page, url, "nonsense?lang=zh", "目标监测")
        _follow(page, url, "任务", "task-list?lang=zh")
        _back(page, "目标监测")
        assert page.url == f"{url}/nonsense?lang=zh"
        assert "没有 /nonsense 这个页面" in page.inner_text(MAIN)
        _settled(page, "目标监测")
        _back(page, "target tracker")
        assert page.url == f"{url}/?lang=en"


def test_a_nested_address_opens_the_overview_saying_so_in_the_pages_language(store):
    with serve_app(store.path) as url, browser_page() as page:
        _open(page, url, "task-list?lang=en", "Tasks: who leads them")
        # a stale link under a page's address: Streamlit served an empty page
        _open(page, url, "overview/x?lang=en", "target tracker")
        assert page.url == f"{url}/?lang=en&missing=overview%2Fx"
        assert "There is no page /overview/x: here is the overview." in page.inner_text(MAIN)
        assert page.get_by_role("dialog").count() == 0
        # the redirect added no history entry: Back is the page before
        _back(page, "Tasks: who leads them")
        assert page.url == f"{url}/task-list?lang=en"

        _open(page, url, "foo/bar/baz?lang=zh", "目标监测")
        assert "没有 /foo/bar/baz 这个页面，已为您打开总览。" in page.inner_text(MAIN)
        screenshot(page, "nav-nested-path-zh")
        # said on the overview it was sent to, not on the next page
        page.get_by_role("link", name="任务分工").first.click()
        page.wait_for_function(HAS_HEADING, arg="任务分工与进展")
        page.wait_for_function(IDLE)
        assert "没有 /" not in page.inner_text(MAIN)


def test_the_method_page_draws_its_symbols_as_formulas_in_both_languages(store):
    with serve_app(store.path) as url, browser_page() as page:
        for lang, heading in (("en", "How the numbers are computed"), ("zh", "计算方法")):
            _open(page, url, f"methodology?lang={lang}", heading)
            page.wait_for_selector(f"{MAIN} p .katex")
            text = page.inner_text(MAIN)
            assert "y_T" not in text and "$" not in text, lang
            # y₀, t₀, T, y_T, Δ in the required-growth text, t in the observed one
            assert page.locator(f"{MAIN} p .katex").count() >= 6, lang
            screenshot(page, f"method-{lang}")
