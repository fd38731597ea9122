"""Figures exported for real through kaleido and Debian's chromium: PNG, SVG, PDF."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest
from PIL import Image
from pypdf import PdfReader

from indicators.export.static import PNG_SCALE, PRESETS, figure_bytes, pixel_size

TITLE = "行政村通光纤比例 Fibre to villages"


def _figure() -> go.Figure:
    fig = go.Figure(go.Bar(x=["北京", "上海", "广东"], y=[98.5, 99.1, 97.2], name="2021"))
    fig.update_layout(title=TITLE, yaxis_title="%", showlegend=True)
    fig.add_annotation(
        text="来源：工业和信息化部", xref="paper", yref="paper", x=0, y=-0.15, showarrow=False
    )
    return fig


@pytest.mark.parametrize("preset", ["slide", "square"])
def test_png_export_decodes_at_twice_the_preset_size(preset):
    png = figure_bytes(_figure(), "png", preset)
    image = Image.open(io.BytesIO(png))
    image.load()
    p = PRESETS[preset]
    assert image.format == "PNG"
    assert image.size == (p.width * PNG_SCALE, p.height * PNG_SCALE) == pixel_size(preset)


def test_slide_preset_is_16_by_9_at_1600_by_900():
    assert (PRESETS["slide"].width, PRESETS["slide"].height) == (1600, 900)
    assert pixel_size("slide") == (3200, 1800)


def test_svg_export_parses_and_contains_the_chinese_title_as_text():
    svg = figure_bytes(_figure(), "svg", "a4")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert float(root.get("width")) == PRESETS["a4"].width
    texts = "".join(root.itertext())
    assert TITLE in texts
    assert "来源：工业和信息化部" in texts


def test_pdf_export_opens_as_one_page_with_the_preset_aspect_ratio():
    reader = PdfReader(io.BytesIO(figure_bytes(_figure(), "pdf", "slide")))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) / float(box.height) == pytest.approx(16 / 9, rel=0.01)


def test_the_exported_picture_is_not_blank():
    image = Image.open(io.BytesIO(figure_bytes(_figure(), "png", "square"))).convert("L")
    lo, hi = image.getextrema()
    assert hi - lo > 100  # bars and text drawn on white


def test_an_unchanged_figure_is_rendered_once():
    fig = _figure()
    assert figure_bytes(fig, "svg", "slide") is figure_bytes(fig, "svg", "slide")


def test_exports_use_the_figure_in_the_language_it_was_built_in():
    en = _figure().update_layout(title="Fibre to villages")
    assert "Fibre to villages" in figure_bytes(en, "svg").decode()
    assert "行政村" not in figure_bytes(en, "svg").decode()


@pytest.mark.parametrize(("fmt", "preset"), [("gif", "slide"), ("png", "poster")])
def test_unknown_format_or_preset_is_refused(fmt, preset):
    with pytest.raises(ValueError, match="unknown"):
        figure_bytes(_figure(), fmt, preset)
