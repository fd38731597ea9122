"""Progress metrics: how far each target is from being met and whether it is on track.

Method (Statistics Canada's, as used by Open SDG's progress calculation):

    CAGR_obs = (y_t / y_0) ** (1 / (t - t0)) - 1        observed, baseline -> latest
    CAGR_req = (y_T / y_0) ** (1 / (T - t0)) - 1        required, baseline -> target
    R = CAGR_obs / |CAGR_req|                           sign flipped where lower is better

Target met by the latest value -> "achieved"; else R >= 0.95 "on_track", 0.60 <= R < 0.95
"moderate", 0 <= R < 0.60 "limited", R < 0 "deterioration"; no trend (fewer than two
points) -> "no_data". Counts, and series that start at zero, use the same ratio on
per-year changes (linear), since compound growth from zero is undefined. Growth-rate
targets compare the observed rate with the stated one (R = observed / stated); milestones are
met when the dated event happened.

Two additions officials need: a final *verdict* once the target year has passed (met on
time, met late, missed by x % of the target) judged on the figure at the target year, and
"time elapsed vs gap closed" (时间过半、任务过半).

Rates and shares in the results are in percent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date

import pandas as pd

from .catalog import NATIONAL, Catalog, Target
from .periods import parse_period, t_of_date

ON_TRACK = 0.95
MODERATE = 0.60
STATUSES = (
    "achieved", "on_track", "moderate", "limited", "deterioration", "no_data", "no_target",
)
VERDICTS = ("met_on_time", "met_late", "missed", "no_data")
_EPS = 1e-9


@dataclass(frozen=True)
class Point:
    period: str
    t: float
    value: float
    qualifier: str | None = None
    derived: bool = False


@dataclass(frozen=True)
class Progress:
    target_id: str
    region_code: str
    kind: str
    unit: str
    target_value: float | None
    target_year: int
    n_points: int = 0
    latest_value: float | None = None
    latest_qualifier: str | None = None
    latest_period: str | None = None
    baseline_value: float | None = None
    baseline_period: str | None = None
    baseline_source: str | None = None  # "catalog" | "first_actual"
    pct_achieved: float | None = None
    gap: float | None = None
    method: str | None = None  # compound | linear | rate | event
    required_cagr: float | None = None
    observed_cagr: float | None = None
    required_annual_change: float | None = None
    observed_annual_change: float | None = None
    ratio: float | None = None
    projected_value: float | None = None
    projected_linear: float | None = None
    status: str = "no_data"
    target_year_passed: bool = False
    verdict: str | None = None
    verdict_period: str | None = None
    verdict_value: float | None = None
    shortfall_pct: float | None = None
    first_met_period: str | None = None
    met_early: bool | None = None
    time_elapsed_pct: float | None = None
    gap_closed_pct: float | None = None
    series: tuple[Point, ...] = field(default=(), repr=False)

    def as_dict(self, *, with_series: bool = False) -> dict[str, object]:
        out = asdict(self)
        if not with_series:
            out.pop("series")
        return out


def classify(ratio: float) -> str:
    if ratio >= ON_TRACK:
        return "on_track"
    if ratio >= MODERATE:
        return "moderate"
    if ratio >= 0:
        return "limited"
    return "deterioration"


def meets(target: Target, value: float, target_value: float | None = None) -> bool:
    goal = target.target_value if target_value is None else target_value
    if target.kind == "milestone":
        return value > 0
    if goal is None:
        return False
    if target.operator == "<=":
        return value <= goal + _EPS
    return value >= goal - _EPS


def cagr(start: float, end: float, years: float) -> float | None:
    """Compound annual growth in percent; None where undefined (non-positive or no time)."""
    if years <= 0 or start <= 0 or end <= 0:
        return None
    return ((end / start) ** (1 / years) - 1) * 100


def points_from_frame(frame: pd.DataFrame) -> list[Point]:
    return [
        Point(r.period, float(r.t), float(r.value),
              None if (q := r.qualifier) is None or (isinstance(q, float) and math.isnan(q))
              else str(q))
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
        if p.t > t0 and rate is not None:
            out.append(Point(p.period, p.t, rate, p.qualifier, derived=True))
    return out


def assess(
    target: Target,
    points: Iterable[Point],
    *,
    as_of: date,
    region_code: str = NATIONAL,
) -> Progress:
    # Judge as on `as_of`: figures for periods that had not ended then are left out.
    pts = sorted((p for p in points if p.t <= t_of_date(as_of) + _EPS), key=lambda p: p.t)
    national = region_code == NATIONAL
    goal = target.target_value if (national or target.regional) else None
    T = float(target.target_year)
    passed = as_of > date(target.target_year, 12, 31)
    base = {
        "target_id": target.id, "region_code": region_code, "kind": target.kind,
        "unit": target.unit, "target_value": goal, "target_year": target.target_year,
        "n_points": len(pts), "series": tuple(pts), "target_year_passed": passed,
    }
    if not pts:
        return Progress(**base, status="no_data" if goal is not None or target.kind ==
                        "milestone" else "no_target", verdict="no_data" if passed else None)
    latest = pts[-1]
    base.update(latest_value=latest.value, latest_qualifier=latest.qualifier,
                latest_period=latest.period)
    if target.kind == "milestone":
        return _assess_milestone(target, pts, base, T, passed)
    if goal is None:
        return Progress(**base, status="no_target")

    increase = target.operator != "<="
    met_now = meets(target, latest.value, goal)
    gap = (goal - latest.value) if increase else (latest.value - goal)
    if target.kind == "growth_rate":
        pct = latest.value / goal * 100 if goal else None
        ratio = latest.value / goal if goal > 0 else None
        status = "achieved" if met_now else (classify(ratio) if ratio is not None else "no_data")
        return Progress(
            **base, pct_achieved=pct, gap=gap, method="rate", ratio=ratio, status=status,
            **_verdict(target, pts, goal, T, passed, allow_late=False),
        )

    pct = (latest.value / goal * 100 if increase else goal / latest.value * 100) \
        if latest.value and goal else None
    if national and target.baseline_value is not None and target.baseline_period:
        start = Point(target.baseline_period, parse_period(target.baseline_period).t,
                      target.baseline_value)
        baseline_source = "catalog"
    else:
        start, baseline_source = pts[0], "first_actual"
    base.update(baseline_value=start.value, baseline_period=start.period,
                baseline_source=baseline_source)
    trend = _trend(target, start, latest, goal, T)
    if met_now:
        status = "achieved"
    elif trend["ratio"] is not None:
        status = classify(trend["ratio"])
    elif trend["observed_per_year"] is not None:
        # No required path (target year at or before the start): the direction decides.
        toward = trend["observed_per_year"] * (1 if increase else -1)
        status = "limited" if toward > 0 else "deterioration"
    else:
        status = "no_data"
    trend.pop("observed_per_year")
    elapsed = closed = None
    if latest.t > start.t and T > start.t and abs(goal - start.value) > _EPS:
        elapsed = (min(latest.t, T) - start.t) / (T - start.t) * 100
        closed = (latest.value - start.value) / (goal - start.value) * 100
    return Progress(
        **base, pct_achieved=pct, gap=gap, status=status, time_elapsed_pct=elapsed,
        gap_closed_pct=closed, **trend, **_verdict(target, pts, goal, T, passed),
    )


def _trend(target: Target, start: Point, latest: Point, goal: float, T: float) -> dict:
    out: dict[str, float | str | None] = {
        "method": None, "required_cagr": None, "observed_cagr": None,
        "required_annual_change": None, "observed_annual_change": None, "ratio": None,
        "projected_value": None, "projected_linear": None, "observed_per_year": None,
    }
    elapsed = latest.t - start.t
    if elapsed <= 0:
        return out
    sign = -1 if target.operator == "<=" else 1
    slope = (latest.value - start.value) / elapsed
    ahead = T - latest.t
    linear = target.kind == "count" or start.value <= 0 or latest.value <= 0
    if ahead > 0:
        out["projected_linear"] = latest.value + slope * ahead
    if linear:
        out["method"] = "linear"
        out["observed_annual_change"] = slope
        out["observed_per_year"] = slope
        if T > start.t:
            required = (goal - start.value) / (T - start.t)
            out["required_annual_change"] = required
            if abs(required) > _EPS:
                out["ratio"] = sign * slope / abs(required)
        return out
    out["method"] = "compound"
    observed = cagr(start.value, latest.value, elapsed)
    out["observed_cagr"] = observed
    out["observed_per_year"] = observed
    if ahead > 0 and observed is not None:
        out["projected_value"] = latest.value * (1 + observed / 100) ** ahead
    if T > start.t:
        required = cagr(start.value, goal, T - start.t)
        out["required_cagr"] = required
        if required is not None and abs(required) > _EPS and observed is not None:
            out["ratio"] = sign * observed / abs(required)
    return out


def _verdict(
    target: Target, pts: list[Point], goal: float, T: float, passed: bool,
    *, allow_late: bool = True,
) -> dict:
    first_any = next((p for p in pts if meets(target, p.value, goal)), None)
    if not passed:
        return {"first_met_period": first_any.period if first_any else None}
    at_T = next((p for p in reversed(pts) if p.t <= T + _EPS), None)
    judged = at_T or pts[0]
    out: dict[str, object] = {"verdict_period": judged.period, "verdict_value": judged.value}
    if at_T is not None and meets(target, at_T.value, goal):
        first = next(p for p in pts if meets(target, p.value, goal))
        return {**out, "verdict": "met_on_time", "first_met_period": first.period,
                "met_early": parse_period(first.period).year < target.target_year}
    if goal:
        out["shortfall_pct"] = abs(goal - judged.value) / abs(goal) * 100
    late = next((p for p in pts if p.t > T + _EPS and meets(target, p.value, goal)), None)
    if allow_late and late is not None:
        return {**out, "verdict": "met_late", "first_met_period": late.period, "met_early": False}
    return {**out, "verdict": "missed", "first_met_period": None}


def _assess_milestone(
    target: Target, pts: list[Point], base: dict, T: float, passed: bool
) -> Progress:
    event = next((p for p in pts if p.value > 0), None)
    if event is None:
        return Progress(**base, method="event", pct_achieved=0.0, status="no_data",
                        verdict="missed" if passed else None)
    on_time = event.t <= T + _EPS
    verdict = ("met_on_time" if on_time else "met_late") if passed else None
    return Progress(
        **base, method="event", pct_achieved=100.0, status="achieved", verdict=verdict,
        verdict_period=event.period if verdict else None, first_met_period=event.period,
        met_early=parse_period(event.period).year < target.target_year,
    )


def series_for(
    catalog: Catalog, target: Target, actuals: pd.DataFrame, region_code: str = NATIONAL
) -> list[Point]:
    """The points a target is judged on, from a frame of current actuals."""
    def own(indicator_id: str) -> list[Point]:
        rows = actuals[(actuals["indicator_id"] == indicator_id)
                       & (actuals["region_code"] == region_code)]
        return points_from_frame(rows)

    if target.kind == "growth_rate" and target.derived_from and region_code == NATIONAL:
        derived = derived_growth_points(
            catalog.targets[target.derived_from], own(target.derived_from)
        )
        if derived:
            return derived
    return own(target.id)


def assess_all(
    catalog: Catalog,
    actuals: pd.DataFrame,
    *,
    as_of: date | None = None,
    region_code: str = NATIONAL,
    targets: Iterable[Target] | None = None,
) -> list[Progress]:
    as_of = as_of or date.today()
    chosen = targets if targets is not None else catalog.targets.values()
    return [
        assess(t, series_for(catalog, t, actuals, region_code), as_of=as_of,
               region_code=region_code)
        for t in chosen if t.quantitative
    ]


def assess_regions(
    catalog: Catalog, target: Target, actuals: pd.DataFrame, *, as_of: date | None = None
) -> list[Progress]:
    """One result per province that has figures for the target."""
    as_of = as_of or date.today()
    rows = actuals[actuals["indicator_id"] == target.id]
    codes = sorted(set(rows["region_code"]) - {NATIONAL})
    return [
        assess(target, points_from_frame(rows[rows["region_code"] == code]), as_of=as_of,
               region_code=code)
        for code in codes
    ]


def today_t(as_of: date | None = None) -> float:
    return t_of_date(as_of or date.today())
