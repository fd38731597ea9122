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
