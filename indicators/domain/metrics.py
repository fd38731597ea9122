"""Progress metrics and the one status model every surface shows.

Method (Statistics Canada's, as used by Open SDG's progress calculation):

    CAGR_obs = (y_t / y_0) ** (1 / (t - t0)) - 1        observed, baseline -> latest
    CAGR_req = (y_T / y_0) ** (1 / (T - t0)) - 1        required, baseline -> target
    R = CAGR_obs / |CAGR_req|                           sign flipped where lower is better

Counts, and series that start, end or aim at zero, use the same ratio on per-year changes
(linear), since compound growth from or to zero is undefined. Growth-rate targets compare
the observed rate with the stated one (R = observed / stated); milestones are met when the
dated event happened.

The status has two phases, and one word at a time (see ``indicators.base.status``):

* while the target year is open: ``achieved`` (met before the deadline), else R >= 0.95
  ``on_track``, 0.60 <= R < 0.95 ``moderate``, 0 <= R < 0.60 ``limited``, R < 0
  ``deterioration``; ``insufficient_data`` with one figure and nothing to draw a trend from,
  ``no_data`` with none;
* once it has passed, the status IS the verdict, judged on the figures of the target year:
  ``met_on_time`` (the last figure at or before the deadline meets the target; early when
  first met in an earlier year), ``met_late`` (the target-year figure falls short and a
  later one meets it), ``missed`` (the target-year figure falls short and no later one
  meets it), ``unverified`` (no figure inside the target year, so the outcome cannot be
  known; the last figure is kept as context, never as the outcome). Growth rates are judged
  on the target year's figure only and are never "met late".

Shortfalls and gaps are in the target's own unit (percentage points for shares and rates);
the shortfall relative to the target is given for levels only. Rates and shares are in
percent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, Literal, TypedDict

import pandas as pd

from indicators.base.catalog import NATIONAL, Catalog, Target, TargetKind
from indicators.base.periods import parse_period, t_of_date
from indicators.base.qualifiers import kind_of
from indicators.base.status import Status
from indicators.domain.points import Input, Point, cagr, derived_growth_points, points_from_frame

ON_TRACK = 0.95
MODERATE = 0.60
_EPS = 1e-9
# How a shortfall from a bounded figure reads: "<98" against 98 is short by more than 0;
# ">75" against 80 by up to 5. None: the shortfall is the figure's own.
Bound = Literal["more_than", "up_to"]


@dataclass(frozen=True)
class Progress:
    target_id: str
    region_code: str
    kind: TargetKind
    unit: str
    target_value: float | None
    target_year: int
    lower_is_better: bool = False
    n_points: int = 0
    latest_value: float | None = None
    latest_qualifier: str | None = None
    latest_period: str | None = None
    latest_high: float | None = None  # a range's high end
    latest_inputs: tuple[Input, ...] = ()  # a derived latest figure's inputs
    baseline_value: float | None = None
    baseline_period: str | None = None
    baseline_source: str | None = None  # "catalog" | "first_actual"
    met_at_baseline: bool = False  # no required path to draw: the start already meets it
    pct_achieved: float | None = None
    gap: float | None = None
    gap_bound: Bound | None = None
    method: str | None = None  # compound | linear | rate | event
    required_cagr: float | None = None
    observed_cagr: float | None = None
    required_annual_change: float | None = None
    observed_annual_change: float | None = None
    ratio: float | None = None
    projected_value: float | None = None
    projected_linear: float | None = None
    status: Status = "no_data"
    target_year_passed: bool = False
    verdict: Status | None = None  # == status once the target year has passed
    verdict_period: str | None = None  # the figure judged (or, if unverified, the last one)
    verdict_value: float | None = None
    verdict_qualifier: str | None = None
    verdict_high: float | None = None
    verdict_straddles: bool = False  # a range across the target: unverified, range named
    shortfall: float | None = None  # target's unit; > 0 short of the target
    shortfall_pct: float | None = None  # of the target value; levels only
    shortfall_bound: Bound | None = None
    shortfall_max: float | None = None  # a range entirely short: short by shortfall..max
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


def classify(ratio: float) -> Status:
    if ratio >= ON_TRACK:
        return "on_track"
    if ratio >= MODERATE:
        return "moderate"
    if ratio >= 0:
        return "limited"
    return "deterioration"


def meets(
    target: Target,
    value: float,
    target_value: float | None = None,
    qualifier: str | None = None,
    high: float | None = None,
) -> bool:
    """Whether a figure meets the goal. A figure published as below its number ("近80",
    "<98") is under it, so it never meets a goal at or above that number; one published as
    above its number likewise never meets a ceiling at or below it."""
    goal = target.target_value if target_value is None else target_value
    if target.kind == "milestone":
        return value > 0
    if goal is None:
        return False
    if high is not None:
        # a range meets only when the whole of it does: its worse end
        value = high if target.lower_is_better else value
    kind = kind_of(qualifier)
    if target.lower_is_better:
        return value < goal - _EPS if kind == "above" else value <= goal + _EPS
    return value > goal + _EPS if kind == "below" else value >= goal - _EPS


def meets_point(target: Target, p: Point, goal: float) -> bool:
    return meets(target, p.value, goal, p.qualifier, p.high)


def straddles(target: Target, p: Point, goal: float) -> bool:
    """A range with one end meeting the goal and the other not: cannot be judged."""
    if p.high is None or meets_point(target, p, goal):
        return False
    best = p.value if target.lower_is_better else p.high
    return meets(target, best, goal)


def bound_of(target: Target, value: float, goal: float, qualifier: str | None) -> Bound | None:
    """How the shortfall of a figure that does not meet the goal is bounded by its qualifier:
    a figure known to lie on the short side is short by more than its number says; one known
    to lie on the far side, by up to its number's shortfall."""
    kind = kind_of(qualifier)
    if kind not in ("below", "above") or meets(target, value, goal, qualifier):
        return None
    short_side = "above" if target.lower_is_better else "below"
    return "more_than" if kind == short_side else "up_to"


def shortfall_of(target: Target, value: float, goal: float) -> float:
    """How far ``value`` is from ``goal`` in the target's unit; negative once exceeded."""
    return value - goal if target.lower_is_better else goal - value


@dataclass(frozen=True)
class _Trend:
    method: str | None = None
    required_cagr: float | None = None
    observed_cagr: float | None = None
    required_annual_change: float | None = None
    observed_annual_change: float | None = None
    ratio: float | None = None
    projected_value: float | None = None
    projected_linear: float | None = None
    observed_per_year: float | None = None  # whichever of the two observed paces applies


@dataclass(frozen=True)
class _Verdict:
    verdict: Status
    period: str | None = None
    value: float | None = None
    qualifier: str | None = None
    shortfall: float | None = None
    shortfall_pct: float | None = None
    first_met_period: str | None = None
    met_early: bool | None = None
    shortfall_bound: Bound | None = None
    shortfall_max: float | None = None
    high: float | None = None
    straddles: bool = False


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
    passed = as_of > date(target.target_year, 12, 31)
    if passed and target.kind == "growth_rate":
        # "年均增长 11% by 2020" is the rate up to 2020; a later average is another measure
        # and, shown beside the verdict, would contradict it.
        pts = [p for p in pts if p.t <= target.target_year + _EPS]
    base = Progress(
        target_id=target.id,
        region_code=region_code,
        kind=target.kind,
        unit=target.unit,
        target_value=goal,
        target_year=target.target_year,
        lower_is_better=target.lower_is_better,
        n_points=len(pts),
        series=tuple(pts),
        target_year_passed=passed,
    )
    if goal is None and target.kind != "milestone":
        # A province of a national-only target: nothing to judge it against.
        return replace(_with_latest(base, pts[-1] if pts else None), status="no_target")
    if not pts:
        return _closed(base, _Verdict("unverified")) if passed else base
    latest = pts[-1]
    base = _with_latest(base, latest)
    if target.kind == "milestone":
        return _assess_milestone(target, pts, base, passed)
    assert goal is not None
    if target.kind == "growth_rate":
        return _assess_rate(target, pts, base, goal, passed)

    met_now = meets_point(target, latest, goal)
    if national and target.baseline_value is not None and target.baseline_period:
        start = Point(
            target.baseline_period, parse_period(target.baseline_period).t, target.baseline_value
        )
        baseline_source = "catalog"
    else:
        start, baseline_source = pts[0], "first_actual"
    T = float(target.target_year)
    trend = _trend(target, start, latest, goal, T)
    elapsed = closed = None
    if latest.t > start.t and T > start.t and abs(goal - start.value) > _EPS:
        elapsed = (min(latest.t, T) - start.t) / (T - start.t) * 100
        closed = (latest.value - start.value) / (goal - start.value) * 100
    out = replace(
        base,
        baseline_value=start.value,
        baseline_period=start.period,
        baseline_source=baseline_source,
        met_at_baseline=meets(target, start.value, goal),
        pct_achieved=_pct_achieved(target, latest.value, goal),
        **_gap(target, latest, goal),
        time_elapsed_pct=elapsed,
        gap_closed_pct=closed,
        method=trend.method,
        required_cagr=trend.required_cagr,
        observed_cagr=trend.observed_cagr,
        required_annual_change=trend.required_annual_change,
        observed_annual_change=trend.observed_annual_change,
        ratio=trend.ratio,
        projected_value=trend.projected_value,
        projected_linear=trend.projected_linear,
    )
    if passed:
        return _closed(out, _judge(target, pts, goal, allow_late=True, early_counts=True))
    first = next((p for p in pts if meets_point(target, p, goal)), None)
    out = replace(out, first_met_period=first.period if first else None)
    if met_now:
        return replace(out, status="achieved")
    if trend.ratio is not None:
        return replace(out, status=classify(trend.ratio))
    if trend.observed_per_year is not None:
        # No required path (the series starts at or after the target year): direction decides.
        toward = trend.observed_per_year * (-1 if target.lower_is_better else 1)
        return replace(out, status="limited" if toward > 0 else "deterioration")
    return replace(out, status="insufficient_data")


def _with_latest(p: Progress, latest: Point | None) -> Progress:
    if latest is None:
        return p
    return replace(
        p,
        latest_value=latest.value,
        latest_qualifier=latest.qualifier,
        latest_period=latest.period,
        latest_inputs=latest.inputs,
        latest_high=latest.high,
    )


class _Gap(TypedDict):
    gap: float
    gap_bound: Bound | None


def _gap(target: Target, p: Point, goal: float) -> _Gap:
    """The gap of the latest figure and its bound; a bounded short figure's gap is never
    written as closed (0 at least)."""
    bound = bound_of(target, p.value, goal, p.qualifier)
    gap = shortfall_of(target, p.value, goal)
    return {"gap": max(gap, 0.0) if bound == "more_than" else gap, "gap_bound": bound}


def _pct_achieved(target: Target, value: float, goal: float) -> float | None:
    if target.lower_is_better:
        return goal / value * 100 if value > 0 and goal > 0 else None
    return value / goal * 100 if goal > 0 else None


def _closed(p: Progress, v: _Verdict) -> Progress:
    """Once the target year has passed the verdict is the status: one word everywhere."""
    return replace(
        p,
        status=v.verdict,
        verdict=v.verdict,
        verdict_period=v.period,
        verdict_value=v.value,
        verdict_qualifier=v.qualifier,
        verdict_high=v.high,
        verdict_straddles=v.straddles,
        shortfall_max=v.shortfall_max,
        shortfall=v.shortfall,
        shortfall_pct=v.shortfall_pct,
        shortfall_bound=v.shortfall_bound,
        first_met_period=v.first_met_period,
        met_early=v.met_early,
    )


def _assess_rate(
    target: Target, pts: list[Point], base: Progress, goal: float, passed: bool
) -> Progress:
    latest = pts[-1]
    ratio = latest.value / goal if goal > 0 else None
    out = replace(
        base,
        method="rate",
        ratio=ratio,
        # no "% achieved" for a rate: 10 %/yr against 11 %/yr is not 91 % of anything
        **_gap(target, latest, goal),
    )
    if passed:
        # Average growth "by 2020" is the 2020 figure: an earlier fast year proves nothing.
        return _closed(out, _judge(target, pts, goal, allow_late=False, early_counts=False))
    # An average rate "by 2020" is judged on 2020: before the year has passed it is never
    # achieved, only on track (or slower) on the average so far, which the latest figure is
    # (a rate since the baseline, derived or published as such).
    return replace(out, status=classify(ratio) if ratio is not None else "insufficient_data")


def _trend(target: Target, start: Point, latest: Point, goal: float, T: float) -> _Trend:
    elapsed = latest.t - start.t
    if elapsed <= 0:
        return _Trend()
    sign = -1 if target.lower_is_better else 1
    slope = (latest.value - start.value) / elapsed
    ahead = T - latest.t
    projected_linear = latest.value + slope * ahead if ahead > 0 else None
    linear = target.kind == "count" or min(start.value, latest.value, goal) <= 0
    if linear:
        ratio = required = None
        if T > start.t:
            required = (goal - start.value) / (T - start.t)
            if abs(required) > _EPS:
                ratio = sign * slope / abs(required)
        return _Trend(
            method="linear",
            observed_annual_change=slope,
            required_annual_change=required,
            ratio=ratio,
            projected_linear=projected_linear,
            observed_per_year=slope,
        )
    observed = cagr(start.value, latest.value, elapsed)
    required_cagr = cagr(start.value, goal, T - start.t) if T > start.t else None
    ratio = None
    if required_cagr is not None and abs(required_cagr) > _EPS and observed is not None:
        ratio = sign * observed / abs(required_cagr)
    projected = (
        latest.value * (1 + observed / 100) ** ahead if ahead > 0 and observed is not None else None
    )
    return _Trend(
        method="compound",
        observed_cagr=observed,
        required_cagr=required_cagr,
        ratio=ratio,
        projected_value=projected,
        projected_linear=projected_linear,
        observed_per_year=observed,
    )


def _judge(
    target: Target, pts: list[Point], goal: float, *, allow_late: bool, early_counts: bool
) -> _Verdict:
    """The verdict on a target whose year has passed (see the module's docstring)."""
    T = float(target.target_year)
    at_T = next((p for p in reversed(pts) if p.t <= T + _EPS), None)
    in_year = at_T if at_T is not None and at_T.t > T - 1 + _EPS else None
    judged = in_year if in_year is not None else (at_T if early_counts else None)
    if judged is not None and meets_point(target, judged, goal):
        first = next(p for p in pts if p.t <= T + _EPS and meets_point(target, p, goal))
        return _on(
            "met_on_time",
            judged,
            first_met_period=first.period,
            met_early=parse_period(first.period).year < target.target_year,
        )
    late = next((p for p in pts if p.t > T + _EPS and meets_point(target, p, goal)), None)
    if in_year is not None and straddles(target, in_year, goal):
        # "5.4-5.5" against 5.45: the range says neither met nor short
        return _on(
            "unverified",
            in_year,
            **_shortfall(target, in_year, goal),
            first_met_period=late.period if late else None,
            straddles=True,
        )
    if in_year is not None:
        short = _shortfall(target, in_year, goal)
        if allow_late and late is not None:
            return _on("met_late", in_year, **short, first_met_period=late.period, met_early=False)
        return _on("missed", in_year, **short)
    # Nothing measured in the target year: the last figure is context, not the outcome.
    last = pts[-1]
    return _on(
        "unverified",
        last,
        **_shortfall(target, last, goal),
        first_met_period=late.period if late else None,
    )


def _on(verdict: Status, p: Point, **kw: Any) -> _Verdict:
    """A verdict judged on (or, if unverified, told beside) the figure ``p``."""
    return _Verdict(verdict, p.period, p.value, p.qualifier, high=p.high, **kw)


class _Short(TypedDict):
    shortfall: float
    shortfall_pct: float | None
    shortfall_bound: Bound | None
    shortfall_max: float | None


def _shortfall(target: Target, p: Point, goal: float) -> _Short:
    bound = bound_of(target, p.value, goal, p.qualifier)
    short = shortfall_of(target, p.value, goal)
    most = None
    if p.high is not None:
        # a range: short by between its better end's shortfall and its worse end's
        best, worst = (p.value, p.high) if target.lower_is_better else (p.high, p.value)
        short, most = shortfall_of(target, best, goal), shortfall_of(target, worst, goal)
    if bound == "more_than":
        short = max(short, 0.0)
    relative = abs(short) / abs(goal) * 100 if target.kind == "level" and goal else None
    return {
        "shortfall": short,
        "shortfall_pct": relative,
        "shortfall_bound": bound,
        "shortfall_max": most,
    }


def _assess_milestone(target: Target, pts: list[Point], base: Progress, passed: bool) -> Progress:
    event = next((p for p in pts if p.value > 0), None)
    base = replace(base, method="event", pct_achieved=100.0 if event else 0.0)
    T = float(target.target_year)
    if event is not None:
        early = parse_period(event.period).year < target.target_year
        if not passed:
            return replace(base, status="achieved", first_met_period=event.period, met_early=early)
        on_time = event.t <= T + _EPS
        return _closed(
            base,
            _Verdict(
                "met_on_time" if on_time else "met_late",
                event.period,
                event.value,
                first_met_period=event.period,
                met_early=early and on_time,
            ),
        )
    if not passed:
        # A recorded "not yet" is a figure, but nothing to project from.
        return replace(base, status="insufficient_data")
    # Recorded as not happened at or after the deadline: missed; only earlier: unknown.
    last = pts[-1]
    return _closed(
        base, _Verdict("missed" if last.t >= T - _EPS else "unverified", last.period, last.value)
    )


def series_for(
    catalog: Catalog, target: Target, actuals: pd.DataFrame, region_code: str = NATIONAL
) -> list[Point]:
    """The points a target is judged on, from a frame of current actuals."""

    def own(indicator_id: str) -> list[Point]:
        rows = actuals[
            (actuals["indicator_id"] == indicator_id) & (actuals["region_code"] == region_code)
        ]
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
        assess(
            t, series_for(catalog, t, actuals, region_code), as_of=as_of, region_code=region_code
        )
        for t in chosen
        if t.quantitative
    ]


def assess_regions(
    catalog: Catalog, target: Target, actuals: pd.DataFrame, *, as_of: date | None = None
) -> list[Progress]:
    """One result per province that has figures for the target."""
    as_of = as_of or date.today()
    rows = actuals[actuals["indicator_id"] == target.id]
    codes = sorted(set(rows["region_code"]) - {NATIONAL})
    return [
        assess(
            target,
            points_from_frame(rows[rows["region_code"] == code]),
            as_of=as_of,
            region_code=code,
        )
        for code in codes
    ]
