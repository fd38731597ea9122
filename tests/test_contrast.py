"""Text on a status colour meets WCAG AA (4.5:1) wherever it is written: table cells, tiles,
labels inside bars."""

from __future__ import annotations

import pytest

from indicators.base.status import STATUS_COLOURS, TASK_STATUS_COLOURS, contrast, ink_on


def test_contrast_is_the_wcag_ratio():
    assert round(contrast("#FFFFFF", "#000000"), 1) == 21.0
    assert round(contrast("#FFFFFF", "#FFFFFF"), 1) == 1.0
    # by hand: #D55E00 is R 0.665, G 0.112 linear, luminance 0.2214: white 1.05 / 0.2714
    # = 3.87 (below AA: the white-on-orange labels), black 0.2714 / 0.05 = 5.43
    assert round(contrast("#FFFFFF", "#D55E00"), 2) == 3.87
    assert round(contrast("#000000", "#D55E00"), 2) == 5.43


@pytest.mark.parametrize(
    "colour", sorted({*STATUS_COLOURS.values(), *TASK_STATUS_COLOURS.values()})
)
def test_the_ink_on_every_status_colour_meets_aa(colour):
    assert contrast(ink_on(colour), colour) >= 4.5


def test_tables_and_bars_write_in_that_ink(_built_db):
    from indicators.domain.snapshot import load_snapshot
    from indicators.present.charts import bullet_chart, pct_achieved_bar
    from indicators.present.tables import status_cell_styles
    from indicators.store import Store
    from tests.conftest import AS_OF

    styles = status_cell_styles("en")
    assert styles["Missed"] == "background-color: #D55E00; color: #000000"
    assert styles["Met on time"] == "background-color: #009E73; color: #000000"
    snap = load_snapshot(Store(_built_db), as_of=AS_OF)
    chart = bullet_chart(snap, "info_consumption_growth", "en")  # missed: vermillion
    growth = next(t for t in chart.data if t.type == "bar" and t.text)
    assert growth.insidetextfont.color == "#000000"  # plotly's own pick was white, 3.87:1
    for trace in pct_achieved_bar(snap, "en").data:
        if trace.type == "bar":
            assert contrast(trace.insidetextfont.color, trace.marker.color) >= 4.5
