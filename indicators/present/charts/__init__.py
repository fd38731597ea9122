"""Plotly figure builders, one module per chart kind, and their public names in one place.
Pure functions of the snapshot and the language; no Streamlit.

Each figure stands on its own (it is also exported for slides): a title, axis titles with
the unit, a legend where there is more than one trace, and a bottom line citing the
publications shown, the document clause of the target and the newest period. Status is
never shown by colour alone: its name sits next to the colour in the legend or the label.
"""

from indicators.base.status import STATUS_COLOURS, TASK_STATUS_COLOURS
from indicators.present.chart_parts import FONT_FAMILY
from indicators.present.charts.bullet import bullet_chart
from indicators.present.charts.common import (
    DEPARTMENTS_SHOWN,
    PCT_LABEL_INSIDE,
    TILE_LABEL_CHARS,
    status_legend,
)
from indicators.present.charts.completion import pct_achieved_bar
from indicators.present.charts.departments import department_summary
from indicators.present.charts.milestones import milestone_timeline
from indicators.present.charts.provinces import regions_bar
from indicators.present.charts.sparkline import sparkline_svg
from indicators.present.charts.tiles import tile_label, tile_map
from indicators.present.charts.trajectory import trajectory_chart

__all__ = [
    "DEPARTMENTS_SHOWN",
    "FONT_FAMILY",
    "PCT_LABEL_INSIDE",
    "STATUS_COLOURS",
    "TASK_STATUS_COLOURS",
    "TILE_LABEL_CHARS",
    "bullet_chart",
    "department_summary",
    "milestone_timeline",
    "pct_achieved_bar",
    "regions_bar",
    "sparkline_svg",
    "status_legend",
    "tile_label",
    "tile_map",
    "trajectory_chart",
]
