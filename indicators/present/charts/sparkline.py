"""A small inline SVG of a target's figures, for the overview's cards."""

from __future__ import annotations

import html

from indicators.base.catalog import Lang
from indicators.base.i18n import _
from indicators.base.status import STATUS_COLOURS
from indicators.domain.regional import progress_at
from indicators.domain.snapshot import Snapshot
from indicators.present.chart_parts import ACTUAL_COLOUR, TARGET_COLOUR


def sparkline_svg(
    snap: Snapshot, target_id: str, lang: Lang, width: int = 240, height: int = 56
) -> str:
    """The card's sparkline as a small inline SVG: the series, the latest point in its
    status colour, the target as a dashed line. Plain SVG rather than a plotly chart, so
    a card paints before plotly.js (some 4 MB) has loaded; ``role="img"`` with a label
    says what it shows. Empty without figures."""
    target = snap.catalog.targets[target_id]
    p = progress_at(snap, target_id)
    pts = [(pt.t, pt.value) for pt in p.series]
    if not pts:
        return ""
    goal = p.target_value if target.kind != "milestone" else None
    ys = [v for _t, v in pts] + ([goal] if goal is not None else [])
    lo, hi = min(ys), max(ys)
    t0, t1 = pts[0][0], pts[-1][0]
    pad = 5

    def x(t: float) -> float:
        return pad + (width - 2 * pad) * ((t - t0) / (t1 - t0) if t1 > t0 else 0.5)

    def y(v: float) -> float:
        return pad + (height - 2 * pad) * ((hi - v) / (hi - lo) if hi > lo else 0.5)

    line = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in pts)
    last_t, last_v = pts[-1]
    label = _(
        "views.card.sparkline",
        lang,
        name=target.name(lang),
        first=p.series[0].period,
        last=p.series[-1].period,
        n=len(pts),
    )
    parts = [
        f'<svg role="img" aria-label="{html.escape(label, quote=True)}" '
        f'viewBox="0 0 {width} {height}" width="100%" height="{height}" '
        f'preserveAspectRatio="none" style="display:block">'
    ]
    if goal is not None:
        parts.append(
            f'<line x1="0" x2="{width}" y1="{y(goal):.1f}" y2="{y(goal):.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="1" stroke-dasharray="4 3" '
            'vector-effect="non-scaling-stroke"/>'
        )
    parts.append(
        f'<polyline points="{line}" fill="none" stroke="{ACTUAL_COLOUR}" '
        'stroke-width="2" vector-effect="non-scaling-stroke"/>'
    )
    parts.append(
        f'<circle cx="{x(last_t):.1f}" cy="{y(last_v):.1f}" r="4" '
        f'fill="{STATUS_COLOURS.get(p.status, ACTUAL_COLOUR)}" stroke="#333"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
