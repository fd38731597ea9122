"""One language per page and phone width, in headless chromium: what a reader sees.

Visible text only (icons' ligature names, the language switch's own "中文 / English" and
anything hidden are left out); text inside “…” is a verbatim quote of the original
document and may be Chinese on an English page.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.support import ARTIFACTS, browser_page, serve_app
from tests.test_figures import PROVINCES, write_provinces

# Run alone: beside another test (pytest -n 2) the language switch once missed its wait.
pytestmark = [pytest.mark.browser, pytest.mark.serial]

PAGES = ("", "domain-scale", "provinces", "task-list")
VISIBLE_TEXT_JS = r"""() => {
  const skip = el => el.closest('[data-testid="stIconMaterial"], script, style,'
    + ' [data-testid="stSidebar"] [role="radiogroup"]');
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode, el = node.parentElement;
    if (!el || skip(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  return out;
}"""
OVERFLOW_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const right = main.getBoundingClientRect().right;
  const wide = [...main.querySelectorAll('.js-plotly-plot, [data-testid="stDataFrame"],'
    + ' [data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]')]
    .filter(e => e.getBoundingClientRect().right > right + 1).length;
  return {scroll: main.scrollWidth - main.clientWidth,
          page: document.documentElement.scrollWidth - window.innerWidth, wide: wide};
}"""
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
CJK = re.compile(r"[\u3400-\u9fff]")
QUOTED = re.compile(r"“[^”]*”")
# File formats are written by their names in Chinese too.
FORMAT_NAMES = {"CSV", "XLSX", "Excel", "PNG", "SVG", "PDF"}


def settle(page: object, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_timeout(3000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


@pytest.fixture
def db_with_provinces(store, tmp_path) -> Path:
    write_provinces(store, PROVINCES)
    path = tmp_path / "provinces.duckdb"
    shutil.copy(store.path, path)
    return path


def test_chinese_pages_show_no_english_and_english_pages_no_chinese_outside_quotes(
    db_with_provinces,
):
    found: dict[str, list[str]] = {}
    with serve_app(db_with_provinces) as url, browser_page(1440, 900) as page:
        for path in PAGES:
            settle(page, f"{url}/{path}?lang=zh")
            words = {w for t in page.evaluate(VISIBLE_TEXT_JS) for w in LATIN_WORD.findall(t)}
            # Test data: the provincial figures' source is named "… test release".
            words -= {"test", "release"} | FORMAT_NAMES
            if words:
                found[f"zh /{path}"] = sorted(words)
            assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
            settle(page, f"{url}/{path}?lang=en")
            visible = page.evaluate(VISIBLE_TEXT_JS)
            chinese = [
                t for t in visible if CJK.search(QUOTED.sub("", t).replace("省通信管理局", ""))
            ]
            if path == "domain-scale":
                # a quoted original is read in English beside it, labelled as the original
                assert any(
                    "in English: “By 2020, the scale of information consumption is "
                    "expected to reach 6 trillion yuan"
                    in t
                    and "Original: “到2020年,信息消費規模預計達到6萬億元" in t
                    for t in visible
                ), visible
            if chinese:
                found[f"en /{path}"] = chinese[:5]
            assert page.evaluate("() => document.documentElement.lang") == "en"
    assert found == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_phone_wide_page_has_no_horizontal_overflow(db_with_provinces, lang):
    with serve_app(db_with_provinces) as url, browser_page(390, 844) as page:
        for path in PAGES:
            settle(page, f"{url}/{path}?lang={lang}")
            assert page.evaluate(OVERFLOW_JS) == {"scroll": 0, "page": 0, "wide": 0}, path
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(
                path=str(ARTIFACTS / f"phone-{path or 'overview'}-{lang}.png"), full_page=True
            )
