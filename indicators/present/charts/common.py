"""Shared parts of the charts: scales, tile sizes, axis titles, colours, the legend of
status words, and the empty-chart notice."""

from __future__ import annotations

import plotly.graph_objects as go

from indicators.base.catalog import NATIONAL, Lang, Target
from indicators.base.formatting import unit_label
from indicators.base.i18n import _
from indicators.base.status import DISPLAY_ORDER, STATUS_COLOURS, ink_on
from indicators.domain.metrics import Progress
from indicators.domain.snapshot import Snapshot
from indicators.domain.wording import derivation_text, summary_line
from indicators.present.cards import derivation_of
from indicators.present.chart_parts import no_data_figure, source_line

# Colour-blind safe and readable in greyscale, for % achieved.
PCT_SCALE = "Cividis"
PCT_SCALE_MAX = 120.0
PCT_LABEL_INSIDE = 45.0  # % achieved from which a bar holds its own label
# A tile is about 40 px wide when the map has half of a 1280 px window: its label lines
# must stay within this many characters at TILE_FONT sizes.
TILE_LABEL_CHARS = 8
TILE_FONT = {"en": 9, "zh": 11}
TILE_VALUE_FONT = 9  # "数据不足" (four characters) must fit a tile too
DEPARTMENTS_SHOWN = 15
OTHER_DEPARTMENTS = "_other"


def subtitle(target: Target, p: Progress, lang: Lang) -> str:
    """The status line; a share a source computed from two counts says so (a derived rate's
    formula is already in the summary)."""
    line = summary_line(p, lang)
    if derivation_text(p, lang) is None and (how := derivation_of(target, p, lang)):
        line += f" · {how}"
    return line


def _region_suffix(snap: Snapshot, region_code: str, lang: Lang) -> str:
    if region_code == NATIONAL:
        return ""
    region = snap.catalog.regions.get(region_code)
    return f" · {region.name(lang) if region else region_code}"


def _axis_title(target: Target, lang: Lang) -> str:
    unit = unit_label(target.unit, lang) if target.unit and target.unit != "event" else ""
    kind = _(f"kind.{target.kind}", lang)
    return f"{kind}（{unit}）" if lang == "zh" and unit else (f"{kind} ({unit})" if unit else kind)


def _text_colour(hex_colour: str) -> str:
    if hex_colour.startswith("rgb"):
        return "#000000"
    return ink_on(hex_colour)


def _rgb_to_hex(colour: str) -> str:
    if colour.startswith("#"):
        return colour
    nums = [int(float(x)) for x in colour[colour.index("(") + 1 : colour.index(")")].split(",")]
    return "#" + "".join(f"{n:02X}" for n in nums[:3])


def _no_data(
    snap: Snapshot, target: Target, title: str, lang: Lang, height: int = 240
) -> go.Figure:
    return no_data_figure(
        title,
        _("views.no_data", lang),
        source_line(snap, [target], lang, snap.actuals.iloc[0:0]),
        lang,
        height,
    )


# A preview's pending points: an open ring round the point, in a colour no status uses.
PENDING_COLOUR = "#D81B60"


def _pending_trace(snap: Snapshot, xs: list, ys: list, lang: Lang) -> go.Scatter:
    """Rings round the points a preview shows before they are published (legend: which
    upload)."""
    return go.Scatter(
        x=xs,
        y=ys,
        mode="markers",
        hoverinfo="name",
        marker={"symbol": "circle-open", "size": 20, "color": PENDING_COLOUR, "line": {"width": 3}},
        name=_("preview.fig.pending", lang, id=snap.preview),
        cliponaxis=False,  # whole, like the points they ring
    )


def status_legend(lang: Lang, statuses: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(status, label, colour) in display order, for legends drawn outside a figure; only
    the given statuses when a view knows which it shows."""
    shown = [s for s in DISPLAY_ORDER if statuses is None or s in statuses]
    return [(s, _(f"status.{s}", lang), STATUS_COLOURS[s]) for s in shown]
