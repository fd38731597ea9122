"""The overview and a domain page in headless chromium, in Chinese and English, at 1280×720."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import ARTIFACTS, browser_page, serve_app, wait_for_app

pytestmark = pytest.mark.browser

MAIN = '[data-testid="stMain"]'
OVERFLOW_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const right = main.getBoundingClientRect().right;
  const wide = [...document.querySelectorAll('.js-plotly-plot, [data-testid="stDataFrame"]')]
    .filter(e => e.getBoundingClientRect().right > right + 1).length;
  return {scroll: main.scrollWidth - main.clientWidth, wide: wide};
}"""


def full_screenshot(page: object, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to it."""
    height = page.evaluate(f"() => document.querySelector('{MAIN}').scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 20, 8000)})
    page.wait_for_timeout(800)  # plotly redraws at the new size
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def chart_titles(page: object) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')].map(e => e.textContent)"
    )


def test_overview_and_domain_page_render_their_charts_in_both_languages(store):
    expected = {
        "zh": (
            "信息消费与“互联网+”目标监测",
            "重点目标",
            "信息消费规模：实际值与目标",
            "信息消费规模：走势与所需路径",
        ),
        "en": (
            "target tracker",
            "Headline targets",
            "Information consumption scale: actual against target",
            "Information consumption scale: trajectory and required path",
        ),
    }
    with serve_app(store.path) as url, browser_page() as page:
        for lang, (title, cards, bullet, trajectory) in expected.items():
            page.goto(f"{url}/?lang={lang}")
            wait_for_app(page)
            assert title in page.inner_text("h1")
            assert cards in page.inner_text(MAIN)
            # A card's worked-out detail starting with ">" is text, not a Markdown quote.
            detail = {"zh": "2019-08 为 >98%", "en": ">98% in 2019-08, met early"}[lang]
            assert detail in page.inner_text(MAIN)
            assert not page.locator(f"{MAIN} blockquote").count()
            # The progress chart, and a labelled inline-SVG sparkline on each card.
            page.wait_for_function(
                "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1"
                " && document.querySelectorAll('svg[role=\"img\"][aria-label]').length >= 4"
            )
            assert page.evaluate(OVERFLOW_JS) == {"scroll": 0, "wide": 0}
            assert full_screenshot(page, f"views-overview-{lang}").stat().st_size > 30_000

            page.goto(f"{url}/domain-scale?lang={lang}")
            wait_for_app(page)
            page.wait_for_function(
                "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 6"
            )
            # Chart titles are page text (they wrap on a phone, a screen reader reads them);
            # the plots no longer repeat them.
            text = page.inner_text(MAIN)
            assert bullet in text and trajectory in text
            assert chart_titles(page) == [""] * len(chart_titles(page))
            # the plotted line of actuals has its points (2013-2021: seven published years)
            assert page.locator(".js-plotly-plot .scatterlayer .point").count() >= 7
            assert page.evaluate(OVERFLOW_JS) == {"scroll": 0, "wide": 0}
            assert f"lang={lang}" in page.url
            full_screenshot(page, f"views-domain-scale-{lang}")

            # A stale or bookmarked /overview link opens the overview, with no English
            # "Page not found" dialog on top of it.
            page.goto(f"{url}/overview?lang={lang}")
            wait_for_app(page)
            page.wait_for_function(
                "() => document.querySelectorAll('svg[role=\"img\"][aria-label]').length >= 4"
            )
            assert cards in page.inner_text(MAIN)
            assert "Page not found" not in page.inner_text("body")


def test_the_cards_and_the_domain_facts_show_before_the_html_renderer_arrives(store):
    # Streamlit loads its HTML-in-Markdown renderer (rehype-raw) only when an element first
    # needs it; an element that does waits for it, and on this machine the cards then painted
    # 1-2 s after the title. Held back here for good: the figures must show without it.
    held: list[object] = []
    with serve_app(store.path) as url, browser_page() as page:
        page.route("**/static/js/rehype-raw.*.js", lambda route: held.append(route))
        page.goto(f"{url}/?lang=zh")
        page.wait_for_selector("text=/完成度 \\d+%/", timeout=60_000)
        main = page.inner_text(MAIN)
        assert "信息消费规模" in main and "6.8 万亿元" in main and "逾期实现" in main
        assert "目标：98%（2020年）" in main
        page.goto(f"{url}/domain-rural_access?lang=zh")
        page.wait_for_selector("text=按期实现", timeout=60_000)
        main = page.inner_text(MAIN)
        assert "最新实际值" in main and ">99%" in main and "**" not in main
        assert held, "the page asked for the HTML renderer: the sparklines still use it"
        for route in held:
            route.abort()
