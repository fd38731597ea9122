"""The real app in headless chromium: the home page shows the targets table and a chart."""

from __future__ import annotations

import pytest

from tests.support import browser_page, screenshot, serve_app, wait_for_app

pytestmark = pytest.mark.browser


def test_home_page_renders_targets_and_chart_in_both_languages(store):
    with serve_app(store.path) as url, browser_page() as page:
        page.goto(f"{url}/?lang=zh")
        wait_for_app(page)
        page.wait_for_selector('[data-testid="stDataFrame"]')
        assert "信息消费与“互联网+”目标监测" in page.inner_text("h1")
        shot = screenshot(page, "home-zh")
        assert shot.stat().st_size > 10_000

        page.goto(f"{url}/?lang=en")
        wait_for_app(page)
        assert "target tracker" in page.inner_text("h1")
        assert page.locator(".js-plotly-plot").count() >= 1
        screenshot(page, "home-en")


def test_a_pasted_link_to_a_page_opens_it_inside_the_navigation(store):
    # Streamlit's legacy pages/ lookup used to run pages/tasks.py alone on a deep link.
    with serve_app(store.path) as url, browser_page() as page:
        page.goto(f"{url}/task-list?lang=en")
        page.wait_for_selector('[data-testid="stSidebarNav"]')
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
        assert page.get_by_role("dialog").count() == 0
        nav = page.inner_text('[data-testid="stSidebarNav"]')
        assert "Overview" in nav and "overview" not in nav  # titles, not file names
        assert " more" not in nav  # every page listed; no English-only "View N more" link
        # The language switch: a radio, whose script Streamlit loads on first use, so it
        # may be drawn a moment after the run has ended.
        page.wait_for_selector('[data-testid="stSidebar"] [role="radiogroup"]', timeout=15_000)
