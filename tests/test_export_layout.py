"""Exported charts as laid out by plotly (positions read from the SVG kaleido writes, not
from pixels): the axis title clears the source line, every label stays in the picture."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date

import pytest

from indicators.domain.snapshot import load_snapshot
from indicators.export.static import PRESETS, figure_bytes
from indicators.present import charts as F

SVG = "{http://www.w3.org/2000/svg}"
AS_OF = date(2026, 11, 23)


@dataclass(frozen=True)
class Box:
    text: str
    left: float
    top: float
    right: float
    bottom: float


def _classes(el: ET.Element) -> set[str]:
    return set((el.get("class") or "").split())


def _translate(el: ET.Element) -> tuple[float, float]:
    m = re.search(r"translate\(([-\d.]+),\s*([-\d.]+)\)", el.get("transform") or "")
    return (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)


def annotations(svg: bytes) -> list[Box]:
    out = []
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if "cursor-pointer" not in _classes(g):
            continue
        rect = next((r for r in g.iter(f"{SVG}rect") if "bg" in _classes(r)), None)
        if rect is None:
            continue
        x, y = _translate(g)
        w, h = float(rect.get("width")), float(rect.get("height"))
        out.append(Box("".join(g.itertext()), x, y, x + w, y + h))
    return out


def x_title(svg: bytes) -> Box:
    for t in ET.fromstring(svg).iter(f"{SVG}text"):
        if "xtitle" in _classes(t):
            size = float(re.search(r"font-size:\s*([\d.]+)px", t.get("style")).group(1))
            y = float(t.get("y"))
            # The baseline is at y: capitals reach a font size above, descenders a third below.
            return Box("".join(t.itertext()), 0, y - size, 0, y + size / 3)
    raise AssertionError("no x-axis title in the SVG")


def source_box(svg: bytes, lang: str) -> Box:
    start = "来源" if lang == "zh" else "Source"
    found = [a for a in annotations(svg) if a.text.startswith(start)]
    assert len(found) == 1, [a.text for a in annotations(svg)]
    return found[0]


def svg_width(svg: bytes) -> float:
    return float(ET.fromstring(svg).get("width"))


BUILDERS = {
    "pct": lambda s, lang: F.pct_achieved_bar(s, lang),
    "trajectory": lambda s, lang: F.trajectory_chart(s, "info_consumption_scale", lang),
    "bullet": lambda s, lang: F.bullet_chart(s, "fibre_village_share", lang),
    "departments": lambda s, lang: F.department_summary(s, lang),
}


@pytest.mark.parametrize("preset", list(PRESETS))
@pytest.mark.parametrize("kind", list(BUILDERS))
def test_exported_axis_title_ends_above_the_source_line(store, kind, preset):
    lang = "zh"
    svg = figure_bytes(BUILDERS[kind](load_snapshot(store, as_of=AS_OF), lang), "svg", preset)
    title, source = x_title(svg), source_box(svg, lang)
    # A clear band of white between them, not a touch: fonts differ between machines.
    assert source.top - title.bottom >= 6, (title, source)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_department_export_names_every_row_and_keeps_its_source_inside_the_picture(store, lang):
    snap = load_snapshot(store, as_of=AS_OF)
    fig = F.department_summary(snap, lang)
    svg = figure_bytes(fig, "svg", "square")
    ticks = [t for t in ET.fromstring(svg).iter(f"{SVG}g") if "ytick" in _classes(t)]
    rows = list(fig.layout.yaxis.categoryarray)
    # The 15 busiest departments by name, then one row for the rest (34 involved in all).
    assert len(rows) == F.DEPARTMENTS_SHOWN + 1
    assert len(ticks) == len(rows)
    other = "其余 19 个部门（合计）" if lang == "zh" else "Other 19 departments (total)"
    assert rows[-1] == other
    source = source_box(svg, lang)
    assert 0 <= source.left and source.right <= svg_width(svg)


def test_completion_chart_labels_its_100_percent_line_and_keeps_values_off_it(store):
    fig = F.pct_achieved_bar(load_snapshot(store, as_of=AS_OF), "en")
    assert "Target 100 %" in [a.text for a in fig.layout.annotations]
    # Long bars carry their label at the bar's start, short ones past their end.
    for trace in fig.data:
        for x, pos in zip(trace.x, trace.textposition, strict=True):
            assert pos == ("inside" if x >= F.PCT_LABEL_INSIDE else "outside")
        assert trace.insidetextanchor == "start"


def test_pack_table_cells_in_english_break_between_words_and_chinese_ones_between_characters():
    from indicators.export.content import OVERVIEW_COLUMNS, OVERVIEW_SHARES
    from indicators.export.pack_pdf import MARGIN, PAGE, _cell, _styles

    st = _styles()

    def lines(text: str, width: float) -> list[list[str]]:
        p = _cell(text, st)
        p.wrap(width, 1000)
        return [line[1] for line in p.blPara.lines]

    # A heading too wide for its column goes onto two lines at the space ("Latest actu|al"
    # before), and a Chinese one breaks between characters, having no spaces.
    assert lines("Latest actual", 40) == [["Latest"], ["actual"]]
    assert len(lines("信息消费规模年均增速", 40)) > 1
    # A day fits its column whole in the overview table (cell padding 6 pt either side).
    period = OVERVIEW_SHARES[OVERVIEW_COLUMNS.index("col.period")] * (PAGE[0] - 2 * MARGIN) - 12
    assert lines("2019-10-31", period) == [["2019-10-31"]]
