"""The home page in Streamlit's AppTest: every target listed with its latest actual."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import ROOT


def run_home(monkeypatch, db_path, lang: str = "zh") -> AppTest:
    monkeypatch.setenv("INDICATORS_DB", str(db_path))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    return at.run()


def page_text(at: AppTest) -> str:
    """Everything the page shows as text, tables included."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption")
             for e in getattr(at, kind)]
    parts += [df.value.to_string() for df in at.dataframe]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_lists_every_quantitative_target_with_latest_actual(monkeypatch, store, lang):
    at = run_home(monkeypatch, store.path, lang)
    assert not at.exception
    text = page_text(at)
    for t in store.catalog().targets.values():
        if t.quantitative:
            assert t.name(lang) in text, t.id
    assert "6.8" in text and "2021" in text  # information consumption scale, latest


def test_home_on_an_empty_database_says_no_data(monkeypatch, empty_store):
    at = run_home(monkeypatch, empty_store.path, "en")
    assert not at.exception
    assert "No data" in page_text(at)


def test_home_without_a_database_explains_how_to_build_one(monkeypatch, tmp_path):
    at = run_home(monkeypatch, tmp_path / "missing.duckdb", "en")
    assert not at.exception
    assert any("init-db" in e.value for e in at.error)
