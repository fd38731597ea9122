"""The overview on a phone (390 × 844) and on a desktop (1440), in headless chromium."""

from __future__ import annotations

import pytest

from indicators.base.i18n import _
from indicators.base.status import VERDICTS
from tests.support import ARTIFACTS, browser_page, serve_app, wait_for_app

pytestmark = pytest.mark.browser

LIST = ".st-key-verdict-list"
FIRST_SCREEN_JS = """(sel) => {
  const box = document.querySelector(sel).getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, shown: box.height > 0};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_phones_first_screen_counts_every_verdict_and_names_each_targets(store, lang):
    with serve_app(store.path) as url, browser_page(390, 844) as page:
        page.goto(f"{url}/?lang={lang}")
        wait_for_app(page)
        page.wait_for_selector(LIST)
        box = page.evaluate(FIRST_SCREEN_JS, LIST)
        # the counts and every target's status word above the fold, no scrolling
        assert box["shown"] and box["bottom"] <= 844, box
        summary = page.get_by_text(_("views.overview.summary", lang, n=7, counts="")[:6])
        assert summary.first.bounding_box()["y"] < box["top"]
        words = page.inner_text(LIST)
        for verdict in VERDICTS:
            label = _(f"status.{verdict}", lang)
            assert label in page.inner_text('[data-testid="stMain"]')
        assert words.count("\n") >= 6  # seven targets, one line each
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"phone-overview-{lang}.png"))
        # a desktop has the cards side by side: the list is left out there
        page.set_viewport_size({"width": 1440, "height": 900})
        page.wait_for_timeout(300)
        assert not page.evaluate(FIRST_SCREEN_JS, LIST)["shown"]
