"""The tile map: one tile per province, in its rough place on the map."""

from __future__ import annotations

import re

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from indicators.base.catalog import Lang
from indicators.base.i18n import _
from indicators.base.status import DISPLAY_ORDER, STATUS_COLOURS, STATUS_SYMBOLS, Status
from indicators.domain.regional import province_rows, ranked_provinces
from indicators.domain.snapshot import Snapshot
from indicators.domain.wording import value_with_unit
from indicators.present.chart_parts import finish, no_data_figure, source_line
from indicators.present.charts.common import (
    PCT_SCALE,
    PCT_SCALE_MAX,
    TILE_FONT,
    TILE_LABEL_CHARS,
    TILE_VALUE_FONT,
    _rgb_to_hex,
    _text_colour,
)
from indicators.present.charts.provinces import _province_hover
from indicators.present.tables import regions_table


def tile_map(snap: Snapshot, target_id: str, lang: Lang, metric: str = "status") -> go.Figure:
    """China as a grid of equal squares, one per province, coloured by status or % achieved.

    Squares instead of boundaries: a map of China's borders must come from an approved
    source, and equal tiles also keep small provinces visible.
    """
    cat = snap.catalog
    target = cat.targets[target_id]
    title = _("views.fig.tiles.title", lang, name=target.name(lang))
    by_code = {p.region_code: p for p in ranked_provinces(snap, target_id)}
    rows = province_rows(snap, target_id)
    if not by_code:
        return no_data_figure(
            title, _("views.no_data", lang), source_line(snap, [target], lang, rows), lang, 300
        )
    # (province, column, row) for the provinces placed on the grid.
    tiles = [
        (r, r.tile_col, r.tile_row)
        for r in cat.provinces
        if r.tile_row is not None and r.tile_col is not None
    ]
    fig = go.Figure()
    groups: dict[str, list] = {}
    for r, col, row in tiles:
        p = by_code.get(r.code)
        if metric == "pct_achieved":
            symbol = ""  # the colour scale is the share achieved: no status word to mark
            if p is None or p.pct_achieved is None:
                colour, key = STATUS_COLOURS["no_data"], "no_data"
            else:
                scaled = min(max(p.pct_achieved, 0.0), PCT_SCALE_MAX) / PCT_SCALE_MAX
                colour, key = _rgb_to_hex(sample_colorscale(PCT_SCALE, [scaled])[0]), "pct"
        else:
            status: Status = p.status if p is not None else "no_data"
            key, colour, symbol = status, STATUS_COLOURS[status], STATUS_SYMBOLS[status]
        fig.add_shape(
            type="rect",
            x0=col - 0.46,
            x1=col + 0.46,
            y0=row - 0.46,
            y1=row + 0.46,
            fillcolor=colour,
            line={"color": "white", "width": 1},
            layer="below",
        )
        # The province's figure in the target's unit, as published (97.6%, 约98%): a rounded
        # ratio read as the share itself ("✗ 100%" for 97.6% of a 100% target).
        value = (
            value_with_unit(p.latest_value, target.unit, lang, p.latest_qualifier)
            if p is not None and p.latest_value is not None
            else _("status.no_data", lang)
        )
        if metric != "pct_achieved":
            value = f"{symbol} {value}".strip()
        hover = (
            _province_hover(snap, target, p, lang)
            if p is not None
            else f"<b>{r.name(lang)}</b><br>{_('status.no_data', lang)}"
        )
        groups.setdefault(key, []).append(
            (
                r,
                (
                    f"<b>{tile_label(r.name(lang))}</b><br>"
                    f"<span style='font-size:{TILE_VALUE_FONT}px'>"
                    f"{value}</span>"
                ),
                _text_colour(colour),
                hover,
            )
        )
    for items in groups.values():
        fig.add_trace(
            go.Scatter(
                x=[r.tile_col for r, *_rest in items],
                y=[r.tile_row for r, *_rest in items],
                mode="text",
                text=[t for _r, t, _c, _h in items],
                cliponaxis=False,
                textfont={"color": [c for _r, _t, c, _h in items], "size": TILE_FONT[lang]},
                hovertext=[h for *_rest, h in items],
                hoverinfo="text",
                showlegend=False,
            )
        )
    if metric == "pct_achieved":
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                showlegend=False,
                hoverinfo="skip",
                marker={
                    "colorscale": PCT_SCALE,
                    "cmin": 0,
                    "cmax": PCT_SCALE_MAX,
                    "color": [0],
                    "showscale": True,
                    "colorbar": {
                        "title": {"text": _("col.pct_achieved", lang)},
                        "thickness": 12,
                        "len": 0.8,
                        "ticksuffix": "%",
                    },
                },
            )
        )
        legend = False
    else:
        for status in DISPLAY_ORDER:
            if status in groups:
                symbol = STATUS_SYMBOLS.get(status, "")
                fig.add_trace(
                    go.Scatter(
                        x=[None],
                        y=[None],
                        mode="markers",
                        name=f"{symbol} {_(f'status.{status}', lang)}".strip(),
                        marker={"symbol": "square", "size": 14, "color": STATUS_COLOURS[status]},
                    )
                )
        legend = True
    cols = [col for _r, col, _row in tiles]
    tile_rows = [row for _r, _col, row in tiles]
    # Only the grid itself: squares as large as the column allows, kept square by the
    # scale anchor (plotly widens the other axis' range rather than stretching them).
    fig.update_xaxes(visible=False, range=[min(cols) - 0.55, max(cols) + 0.55])
    fig.update_yaxes(
        visible=False,
        range=[max(tile_rows) + 0.55, min(tile_rows) - 0.55],
        scaleanchor="x",
        scaleratio=1,
    )
    metric_name = _("col.pct_achieved", lang) if metric == "pct_achieved" else _("col.status", lang)
    subtitle = _("views.fig.tiles.subtitle", lang, metric=metric_name)
    finish(
        fig,
        title=title,
        subtitle=subtitle,
        source=source_line(snap, [target], lang, rows),
        height=480,
        lang=lang,
        legend=legend,
        width_chars=60,
    )
    fig.update_layout(meta={**fig.layout.meta, "data": _tile_data(snap, target_id, lang)})
    return fig


def _tile_data(snap: Snapshot, target_id: str, lang: Lang) -> dict[str, list]:
    """What the tiles say, for the chart's data download: the provinces table with every
    province (one definition, ``tables.regions_table``), units in the header."""
    table = regions_table(snap, target_id, lang, every_province=True)
    units = table.attrs.get("units", {})
    columns = [f"{c} ({units[c]})" if units.get(c) else str(c) for c in table.columns]
    # Plotly's meta is JSON: a missing number is None, not NaN.
    rows = table.astype(object).where(table.notna(), None).values.tolist()
    return {"columns": columns, "rows": rows}


_PINYIN_VOWELS = set("aeiouü")


def _syllable_starts(word: str) -> list[int]:
    """Where a pinyin syllable may start inside a romanised name (Hei|long|jiang)."""
    low = word.lower()
    out = []
    for i in range(1, len(low) - 1):
        c, nxt, prev = low[i], low[i + 1], low[i - 1]
        if c in _PINYIN_VOWELS or not c.isalpha():
            continue
        if not (nxt in _PINYIN_VOWELS or (c in "zcs" and nxt == "h")):
            continue
        if c == "h" and prev in "zcs":
            continue
        if prev in _PINYIN_VOWELS or low[i - 2 : i] == "ng" or (prev in "nr" and c != "g"):
            out.append(i)
    return out


def _split_word(word: str, width: int) -> list[str]:
    if len(word) <= width or re.search(r"[^\x00-\x7f]", word):
        return [word]
    cuts = [i for i in _syllable_starts(word) if i <= width - 1]
    cut = cuts[-1] if cuts else width - 1
    return [word[:cut] + "-", *_split_word(word[cut:], width)]


def tile_label(name: str, width: int = TILE_LABEL_CHARS) -> str:
    """A province name broken with <br> into lines of at most ``width`` characters, so it
    fits its tile: words on their own lines, long romanised names at a syllable
    ("Heilong-<br>jiang"). Chinese short names (三个字) are left whole."""
    lines: list[str] = []
    for word in name.split():
        for part in _split_word(word, width):
            if lines and len(lines[-1]) + 1 + len(part) <= width and not lines[-1].endswith("-"):
                lines[-1] += " " + part
            else:
                lines.append(part)
    return "<br>".join(lines)
