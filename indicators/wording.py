"""Short sentences about one target's progress, shared by cards, charts and tables."""

from __future__ import annotations

from functools import cache

import opencc

from .catalog import Lang, Target
from .chart_parts import unit_suffix
from .i18n import _
from .metrics import Progress
from .tables import format_value

ARROWS = {"up": "↑", "down": "↓", "flat": "→", "none": "", "empty": ""}


def value_with_unit(value: float | None, unit: str, lang: Lang, qualifier: str | None = None
                    ) -> str:
    if value is None:
        return "–"
    return f"{format_value(value, qualifier, lang)}{unit_suffix(unit, lang)}"


def target_text(target: Target, lang: Lang) -> str:
    """'6 万亿元 (2020)': what the document asks for and by when."""
    if target.kind == "milestone":
        return _("views.words.milestone_by", lang, year=target.target_year)
    op = "≤ " if target.operator == "<=" else ""
    return _("views.words.target_by", lang, value=op + value_with_unit(
        target.target_value, target.unit, lang), year=target.target_year)


def pct_text(p: Progress) -> str:
    return "–" if p.pct_achieved is None else f"{p.pct_achieved:.0f}%"


def gap_text(p: Progress, lang: Lang) -> str:
    """The gap in the target's unit; a negative gap means the target is exceeded."""
    if p.gap is None:
        return "–"
    # A gap in a percentage is in percentage points, and says so.
    size = _("views.words.points", lang, value=format_value(round(abs(p.gap), 3))) \
        if p.unit == "%" else value_with_unit(round(abs(p.gap), 3), p.unit, lang)
    if p.gap <= 1e-9:
        return _("views.words.exceeded_by", lang, value=size) if p.gap < -1e-9 \
            else _("views.words.gap_closed", lang)
    return _("views.words.short_by", lang, value=size)


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


def verdict_text(p: Progress, lang: Lang) -> str | None:
    """The final word once the target year has passed; None before."""
    if p.verdict is None:
        return None
    if p.verdict == "met_on_time":
        text = _("verdict.met_on_time", lang)
        if p.met_early and p.first_met_period:
            text += _("views.words.met_early", lang, period=p.first_met_period)
        return text
    if p.verdict == "met_late":
        return _("views.words.met_late", lang, period=p.first_met_period or "–")
    if p.verdict == "missed":
        if p.shortfall_pct is not None:
            return _("views.words.missed_by", lang, pct=f"{p.shortfall_pct:.1f}",
                     period=p.verdict_period or "–")
        return _("verdict.missed", lang)
    return _("verdict.no_data", lang)


def trend_text(p: Progress, lang: Lang) -> str | None:
    """Required against observed pace, in the method's own terms."""
    if p.method == "compound" and p.required_cagr is not None and p.observed_cagr is not None:
        return _("views.words.pace_compound", lang, required=f"{p.required_cagr:.1f}",
                 observed=f"{p.observed_cagr:.1f}")
    if p.method == "linear" and p.required_annual_change is not None \
            and p.observed_annual_change is not None:
        return _("views.words.pace_linear", lang,
                 required=value_with_unit(round(p.required_annual_change, 2), p.unit, lang),
                 observed=value_with_unit(round(p.observed_annual_change, 2), p.unit, lang))
    if p.method == "rate" and p.target_value is not None and p.latest_value is not None:
        return _("views.words.pace_rate", lang, observed=f"{p.latest_value:.1f}",
                 required=f"{p.target_value:g}")
    return None


def summary_line(p: Progress, lang: Lang) -> str:
    """Status, % achieved and verdict in one line, e.g. for a chart's subtitle."""
    parts = [_(f"status.{p.status}", lang)]
    if p.pct_achieved is not None:
        parts.append(_("views.words.pct_achieved", lang, pct=pct_text(p)))
    if (trend := trend_text(p, lang)) is not None:
        parts.append(trend)
    if (verdict := verdict_text(p, lang)) is not None:
        parts.append(verdict)
    return " · ".join(parts)


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def quote_text(target: Target, lang: Lang) -> str:
    """The document's own words; the catalog keeps them in traditional characters, so a
    Simplified Chinese page shows them converted (the English page shows the original)."""
    return _t2s().convert(target.quote) if lang == "zh" else target.quote
