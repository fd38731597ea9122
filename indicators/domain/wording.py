"""Short sentences about one target's progress, shared by cards, charts and tables."""

from __future__ import annotations

from functools import cache

import opencc

from indicators.base.catalog import Lang, Target
from indicators.base.formatting import format_value, unit_suffix
from indicators.base.i18n import _
from indicators.base.periods import parse_period
from indicators.base.qualifiers import is_approximate, kind_of
from indicators.base.typography import zh_marks
from indicators.domain.metrics import Bound, Progress

ARROWS = {"up": "↑", "down": "↓", "flat": "→", "none": "", "empty": ""}


def value_with_unit(
    value: float | None,
    unit: str,
    lang: Lang,
    qualifier: str | None = None,
    high: float | None = None,
) -> str:
    if value is None:
        return "–"
    n = _shown_n(value) if high is None else None
    return f"{format_value(value, qualifier, lang, high)}{unit_suffix(unit, lang, n)}"


def target_text(target: Target, lang: Lang) -> str:
    """'6 万亿元 (2020)': what the document asks for and by when."""
    if target.kind == "milestone":
        return _("views.words.milestone_by", lang, year=target.target_year)
    op = "≤ " if target.lower_is_better else ""
    return _(
        "views.words.target_by",
        lang,
        value=op + value_with_unit(target.target_value, target.unit, lang),
        year=target.target_year,
    )


def _shown_n(value: float) -> int | None:
    """1 where the value reads as "1" (1.004 is written 1): the unit then takes the singular."""
    return 1 if format_value(value) == "1" else None


# A bounded figure's share of the target is bounded the same way: "<98" of 98 is "<100%".
_PCT_SIGNS = {"below": "<", "above": ">", "approximate": "≈"}


def pct_text(p: Progress) -> str:
    if p.pct_achieved is None:
        return "–"
    kind = kind_of(p.latest_qualifier)
    if p.lower_is_better and kind in ("below", "above"):
        # achieved = target / figure there: a figure under its number is a share over it
        kind = "above" if kind == "below" else "below"
    sign = _PCT_SIGNS[kind] if kind is not None else ""
    return f"{sign}{p.pct_achieved:.0f}%"


def status_label(p: Progress, lang: Lang) -> str:
    """The status word; where it rests on an approximate figure ("约34%"), with the
    qualifier beside it, so no surface quotes a verdict on an estimate as exact."""
    word = _(f"status.{p.status}", lang)
    resting = p.verdict_qualifier if p.verdict is not None else p.latest_qualifier
    # unverified rests on no figure: the last one is context, shown with its own qualifier
    if p.status in ("met_on_time", "met_late", "missed", "achieved") and (is_approximate(resting)):
        return _("views.words.status_approx", lang, status=word)
    return word


def amount_text(amount: float, unit: str, lang: Lang) -> str:
    """A difference in the target's own terms: percentage points for shares and rates."""
    size = round(abs(amount), 3)
    if unit == "%":
        return _("views.words.points", lang, value=format_value(size), n=_shown_n(size))
    return value_with_unit(size, unit, lang)


def gap_text(p: Progress, lang: Lang) -> str:
    """The gap in the target's unit; a negative gap means the target is exceeded."""
    if p.gap is None:
        return "–"
    size = amount_text(p.gap, p.unit, lang)
    if p.gap_bound is not None:
        return bounded_short(size, p.gap_bound, lang)
    if p.gap <= 1e-9:
        return (
            _("views.words.exceeded_by", lang, value=size)
            if p.gap < -1e-9
            else _("views.words.gap_closed", lang)
        )
    return _("views.words.short_by", lang, value=size)


def derivation_text(p: Progress, lang: Lang) -> str | None:
    """How a derived latest figure was computed, with its inputs, or None for a figure as
    published: 'derived: (5.8 ÷ 3.9)^(1/4) − 1 = 10.43%, from 3.9 万亿元 (2016) and …'."""
    if len(p.latest_inputs) != 2 or p.latest_value is None:
        return None
    (p0, y0, q0, unit), (p1, y1, q1, _u) = p.latest_inputs
    years = parse_period(p1).t - parse_period(p0).t
    return _(
        "views.words.derived_growth",
        lang,
        formula=f"({format_value(y1)} ÷ {format_value(y0)})^(1/{years:g}) − 1",
        value=value_with_unit(p.latest_value, p.unit, lang, p.latest_qualifier, p.latest_high),
        start=value_with_unit(y0, unit, lang, q0),
        start_period=p0,
        end=value_with_unit(y1, unit, lang, q1),
        end_period=p1,
    )


def trend_direction(p: Progress) -> str:
    """Direction of the latest change, 'up' / 'down' / 'flat', or 'none' with one point."""
    if not p.series:
        return "empty"
    if len(p.series) < 2:
        return "none"
    change = p.series[-1].value - p.series[-2].value
    if abs(change) < 1e-9:
        return "flat"
    return "up" if change > 0 else "down"


def bounded_short(size: str, bound: Bound, lang: Lang) -> str:
    """'short by more than 0 percentage points' / 'short by up to 5 percentage points'."""
    return _(f"views.words.short_by.{bound}", lang, value=size)


def _shortfall_text(p: Progress, lang: Lang) -> str:
    if p.shortfall_max is not None and p.shortfall is not None:
        # a range entirely short: by between what its two ends are short by
        low, high = round(p.shortfall, 3), round(p.shortfall_max, 3)
        size = format_value(low, high=high)
        return (
            _("views.words.points", lang, value=size)
            if p.unit == "%"
            else f"{size}{unit_suffix(p.unit, lang)}"
        )
    short = amount_text(p.shortfall or 0.0, p.unit, lang)
    if p.shortfall_bound is not None:
        return _(f"views.words.bound.{p.shortfall_bound}", lang, value=short)
    if p.shortfall_pct is None:
        return short
    return _("views.words.shortfall_rel", lang, short=short, pct=f"{p.shortfall_pct:.1f}")


def verdict_text(p: Progress, lang: Lang) -> str | None:
    """The verdict spelt out once the target year has passed (None before): the figure it
    was judged on and by how much it fell short, or why it cannot be judged."""
    if p.verdict is None:
        return None
    value = (
        value_with_unit(p.verdict_value, p.unit, lang, p.verdict_qualifier, p.verdict_high)
        if p.kind != "milestone"
        else ""
    )
    if p.verdict == "met_on_time":
        if p.kind == "milestone":
            return _("views.words.happened_on", lang, period=p.first_met_period or "–")
        text = _("views.words.met_on_time", lang, period=p.verdict_period or "–", value=value)
        if p.met_early and p.first_met_period == p.verdict_period:
            text += _("views.words.met_early", lang)
        elif p.met_early and p.first_met_period:
            text += _("views.words.first_met_early", lang, period=p.first_met_period)
        return text
    if p.verdict == "met_late":
        if p.kind == "milestone":
            return _("views.words.happened_on", lang, period=p.first_met_period or "–")
        return _(
            "views.words.met_late",
            lang,
            period=p.verdict_period or "–",
            value=value,
            short=_shortfall_text(p, lang),
            first=p.first_met_period or "–",
        )
    if p.verdict == "missed":
        if p.kind == "milestone":
            return _("views.words.missed_event", lang, period=p.verdict_period or "–")
        return _(
            "views.words.missed_by",
            lang,
            period=p.verdict_period or "–",
            value=value,
            short=_shortfall_text(p, lang),
        )
    if p.verdict_straddles:
        # a published range across the target: named, and neither met nor missed
        return _(
            "views.words.unverified_range",
            lang,
            period=p.verdict_period or "–",
            value=value,
            target=value_with_unit(p.target_value, p.unit, lang),
        )
    # unverified: the last figure is context, never the outcome
    if p.verdict_period is None or p.kind == "milestone":
        return _("views.words.unverified_none", lang, year=p.target_year)
    if p.shortfall is not None and p.shortfall <= 1e-9 and p.shortfall_bound is None:
        return _(
            "views.words.unverified_reached",
            lang,
            year=p.target_year,
            period=p.verdict_period,
            value=value,
        )
    return _(
        "views.words.unverified",
        lang,
        year=p.target_year,
        period=p.verdict_period,
        value=value,
        short=_shortfall_text(p, lang),
    )


def trend_text(p: Progress, lang: Lang) -> str | None:
    """Required against observed pace, in the method's own terms."""
    if p.method == "compound" and p.required_cagr is not None and p.observed_cagr is not None:
        return _(
            "views.words.pace_compound",
            lang,
            required=f"{p.required_cagr:.1f}",
            observed=f"{p.observed_cagr:.1f}",
        )
    if (
        p.method == "linear"
        and p.required_annual_change is not None
        and p.observed_annual_change is not None
    ):
        return _(
            "views.words.pace_linear",
            lang,
            required=value_with_unit(round(p.required_annual_change, 2), p.unit, lang),
            observed=value_with_unit(round(p.observed_annual_change, 2), p.unit, lang),
        )
    if p.method == "rate" and p.target_value is not None and p.latest_value is not None:
        return _(
            "views.words.pace_rate",
            lang,
            observed=f"{p.latest_value:.1f}",
            required=f"{p.target_value:g}",
        )
    return None


def status_detail(p: Progress, lang: Lang) -> str | None:
    """What stands behind the status word: the verdict spelt out once the year has passed,
    else the pace against the required one (never a trend beside a verdict)."""
    if p.verdict is not None:
        return verdict_text(p, lang)
    if p.status == "insufficient_data":
        return _("views.words.insufficient", lang)
    return trend_text(p, lang)


def summary_line(p: Progress, lang: Lang) -> str:
    """Status word, % achieved while the year is open, and the detail, in one line."""
    parts = [status_label(p, lang)]
    if p.verdict is None and p.pct_achieved is not None:
        parts.append(_("views.words.pct_achieved", lang, pct=pct_text(p)))
    if (detail := status_detail(p, lang)) is not None:
        parts.append(detail)
    if (how := derivation_text(p, lang)) is not None:
        parts.append(how)
    return " · ".join(parts)


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def quote_text(target: Target, lang: Lang) -> str:
    """The document's words in the page's language: the catalog keeps them in traditional
    characters, so a Simplified Chinese page shows them converted and an English page the
    catalog's English rendering (the original itself beside it: ``target.quote``)."""
    if lang == "zh":
        return zh_marks(_t2s().convert(target.quote))
    # A store migrated but not yet reloaded has no rendering: the original, rather than none.
    return target.quote_en or target.quote


def quote_caption(target: Target, document: str, clause: str, lang: Lang) -> str:
    """The quote under a target's heading; in English the rendering, then the original."""
    if lang == "en" and target.quote_en:
        return _(
            "views.quote.rendered",
            lang,
            document=document,
            clause=clause,
            quote=target.quote_en,
            original=target.quote,
        )
    return _("views.quote", lang, document=document, clause=clause, quote=quote_text(target, lang))
