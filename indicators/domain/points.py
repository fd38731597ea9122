"""A target's figures as points in time, and the figures derived from them: average annual
growth computed from a level series (what "年均增长11%以上" measures), with its inputs named
so every surface can say it is derived and how."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from indicators.base.catalog import Target
from indicators.base.periods import parse_period

Input = tuple[str, float, str | None, str]


@dataclass(frozen=True)
class Point:
    period: str
    t: float
    value: float
    qualifier: str | None = None
    derived: bool = False
    # A derived point's inputs: (period, value, qualifier, unit) of the level it is computed
    # from, the baseline first; shown with the formula wherever the figure is.
    inputs: tuple[Input, ...] = ()
    high: float | None = None  # a published range's high end ("5.4-5.5": value 5.4)


def cagr(start: float, end: float, years: float) -> float | None:
    """Compound annual growth in percent; None where undefined (non-positive or no time)."""
    if years <= 0 or start <= 0 or end <= 0:
        return None
    return ((end / start) ** (1 / years) - 1) * 100


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def points_from_frame(frame: pd.DataFrame) -> list[Point]:
    ranged = "value_high" in frame.columns
    return [
        Point(
            r.period,
            float(r.t),
            float(r.value),
            str(r.qualifier) if _present(r.qualifier) else None,
            high=float(r.value_high) if ranged and _present(r.value_high) else None,
        )
        for r in frame.sort_values("t").itertuples()
    ]


def derived_growth_points(level_target: Target, level_points: list[Point]) -> list[Point]:
    """Average annual growth since the level target's baseline, at each later level figure.

    This is what "年均增长11%以上" measures; a single year's year-on-year rate is not.
    """
    if level_target.baseline_value is None or level_target.baseline_period is None:
        return []
    t0 = parse_period(level_target.baseline_period).t
    out = []
    for p in level_points:
        rate = cagr(level_target.baseline_value, p.value, p.t - t0)
        # from a range of levels, a range of rates: both ends grown from the baseline
        high = cagr(level_target.baseline_value, p.high, p.t - t0) if p.high else None
        if p.t > t0 and rate is not None:
            unit = level_target.unit
            inputs: tuple[Input, ...] = (
                (level_target.baseline_period, level_target.baseline_value, None, unit),
                (p.period, p.value, p.qualifier, unit),
            )
            out.append(
                Point(p.period, p.t, rate, p.qualifier, derived=True, inputs=inputs, high=high)
            )
    return out
