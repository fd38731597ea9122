"""The briefing-pack page and the download buttons, in Streamlit's AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from indicators.domain.snapshot import load_snapshot


def _downloads_app() -> None:
    import pandas as pd
    import plotly.graph_objects as go

    from ui.downloads import figure_downloads, table_downloads

    fig = go.Figure(go.Bar(x=["北京", "上海"], y=[98.0, 99.0], name="2021"))
    fig.update_layout(title="行政村通光纤比例")
    figure_downloads(fig, "fibre", "zh")
    table_downloads(pd.DataFrame({"目标": ["=1+1"]}), "targets", "zh")


def test_every_chart_offers_png_svg_pdf_at_a_size_preset_and_its_data():
    at = AppTest.from_function(_downloads_app, default_timeout=30).run()
    assert not at.exception
    assert at.radio(key="dl.fibre.preset").options == ["幻灯片 16:9", "A4 报告", "方形（社交媒体）"]
    labels = {b.key: b.label for b in at.get("download_button")}
    assert [labels[f"dl.fibre.{f}"] for f in ("png", "svg", "pdf")] == ["PNG", "SVG", "PDF"]
    assert labels["dl.fibre-data.csv"] == "下载 CSV"
    assert {"dl.targets.csv", "dl.targets.xlsx"} <= set(labels)


@pytest.mark.browser  # the pack draws its charts through kaleido and chromium
def test_briefing_pack_page_builds_the_pack_in_the_chosen_language(dashboard, store):
    at = dashboard(store.path, lang="en", timeout=120)
    at.switch_page("pages/export.py").run()
    assert not at.exception
    assert at.title[0].value == "Briefing pack"
    # the as-of line the cover and footers print, on the page before the pack is built
    newest = load_snapshot(store).summary["newest_period"]
    assert [c.value for c in at.caption if c.value.startswith(f"Data as of {newest}; last upload")]
    at.radio(key="pack.lang").set_value("zh").run()
    at.button(key="pack.build").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Built (")
    buttons = {b.key: b for b in at.get("download_button")}
    assert buttons["pack.download"].label == "Download the briefing pack"


@pytest.mark.browser  # the pack draws its charts through kaleido and chromium
def test_the_pack_is_dated_and_cached_on_its_snapshot_not_on_the_server_clock(
    dashboard, store, monkeypatch
):
    import io
    from datetime import date

    from pypdf import PdfReader

    import ui.common

    # the day progress is judged on (ui.common.today) is the pack's day, cover and key
    monkeypatch.setattr(ui.common, "today", lambda: date(2024, 6, 1))
    at = dashboard(store.path, lang="zh", timeout=120)
    at.switch_page("pages/export.py").run()
    at.button(key="pack.build").click().run()
    assert not at.exception
    request, data, _seconds = at.session_state["pack.result"]
    assert request == ((store.location, store.data_version(), date(2024, 6, 1), None), "zh", "pdf")
    assert "2024-06-01" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
