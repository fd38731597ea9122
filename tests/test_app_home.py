"""The home page in Streamlit's AppTest: every target listed with its latest actual."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest


def page_text(at: AppTest) -> str:
    """Everything the page shows as text, tables included."""
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption")
        for e in getattr(at, kind)
    ]
    parts += [df.value.to_string() for df in at.dataframe]
    # As the reader sees it: worked-out text is escaped for Markdown where it is drawn.
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", "\n".join(str(p) for p in parts))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_lists_every_quantitative_target_with_latest_actual(dashboard, store, lang):
    at = dashboard(store.path, lang=lang)
    assert not at.exception
    text = page_text(at)
    for t in store.catalog().targets.values():
        if t.quantitative:
            assert t.name(lang) in text, t.id
    assert "6.8" in text and "2021" in text  # information consumption scale, latest


def test_home_on_an_empty_database_says_no_data(dashboard, empty_store):
    at = dashboard(empty_store.path, lang="en")
    assert not at.exception
    assert "No data" in page_text(at)


def test_home_without_a_database_explains_how_to_build_one(dashboard, tmp_path):
    at = dashboard(tmp_path / "missing.duckdb", lang="en")
    assert not at.exception
    assert any("init-db" in e.value for e in at.error)
