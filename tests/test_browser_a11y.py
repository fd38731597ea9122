"""Accessibility as a screen reader and a keyboard meet the pages, in headless chromium:
charts named by what they show and their verdict, Streamlit's own words in the page's
language, no unlabelled frame in the tab order; axe-core's serious and critical findings."""

from __future__ import annotations

import pytest

from indicators.base.i18n import _
from tests.support import browser_page, serve_app, wait_for_app

pytestmark = pytest.mark.browser

STATE_JS = """() => {
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .map(c => [c.getAttribute('role'), c.getAttribute('aria-label') || '']);
  const frames = [...document.querySelectorAll('iframe')]
    .map(f => [f.tabIndex, f.getAttribute('aria-hidden'), f.title]);
  const named = [...document.querySelectorAll('[aria-label], [title]')]
    .flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title')]).filter(Boolean);
  return {charts, frames, named, lang: document.documentElement.lang};
}"""
ENGLISH = ("Link to heading", "Show/hide columns", "Download as CSV", "Search", "Fullscreen")


def _serious(page) -> list[tuple[str, str, int]]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_charts_are_named_and_streamlits_words_are_in_the_pages_language(store, lang):
    verdicts = [_(f"status.{s}", lang) for s in ("met_on_time", "met_late", "missed", "unverified")]
    with serve_app(store.path) as url, browser_page(1440, 900) as page:
        for path in ("", "domain-scale"):
            page.goto(f"{url}/{path}?lang={lang}")
            wait_for_app(page)
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
                ".every(c => c.getAttribute('role') === 'img')"
            )
            state = page.evaluate(STATE_JS)
            assert state["lang"] == ("zh-CN" if lang == "zh" else "en")
            assert state["charts"]
            for role, label in state["charts"]:
                # what it shows (its title) and where it stands (a verdict word)
                assert role == "img" and any(v in label for v in verdicts), label
            # the sidebar's script frame is no tab stop and hidden from screen readers
            assert all(tab == -1 and hidden == "true" for tab, hidden, _t in state["frames"])
            if lang == "zh":
                assert not [n for n in state["named"] if n in ENGLISH or n.startswith("Help for")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_axe_finds_nothing_serious_on_the_overview_a_domain_provinces_and_upload(store, lang):
    with serve_app(store.path) as url, browser_page(1440, 900) as page:
        found = {}
        for path in ("", "domain-scale", "provinces", "upload"):
            page.goto(f"{url}/{path}?lang={lang}")
            page.wait_for_selector('[data-testid="stApp"]')
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                " && document.getElementById('ind-focus')"
            )
            page.wait_for_timeout(1500)  # charts drawn, the a11y script's pass done
            found[path or "overview"] = _serious(page)
        assert found == {p: [] for p in found}
