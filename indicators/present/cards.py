"""The overview's headline cards: every number and word a card shows, ready to lay out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from indicators.base.catalog import NATIONAL, Lang, Target
from indicators.base.i18n import _
from indicators.base.sources import shipped_derivation
from indicators.base.status import DISPLAY_ORDER, STATUS_COLOURS, VERDICTS, Status, is_verdict
from indicators.domain.metrics import Progress
from indicators.domain.regional import progress_at
from indicators.domain.snapshot import Snapshot
from indicators.domain.wording import (
    ARROWS,
    derivation_text,
    gap_text,
    pct_text,
    status_detail,
    status_label,
    target_text,
    trend_direction,
    value_with_unit,
)


@dataclass(frozen=True)
class Card:
    target_id: str
    domain_id: str
    name: str
    value: str  # latest actual with its unit, or "–"
    period: str | None
    target: str  # "6 万亿元 (2020)"
    pct_achieved: str
    gap: str
    status: Status
    status_label: str
    colour: str
    arrow: str
    arrow_label: str
    detail: str | None  # the verdict spelt out, or the pace behind the trend word
    has_data: bool
    # What the headline value is: 'Latest actual (2021)', 'Derived figure (2020)', or for an
    # unverified target 'last figure 2018-06: about 34%' (the headline is then the verdict).
    caption: str = ""
    derivation: str | None = None  # how a derived figure was computed, from what
    # In a preview: "Pending (upload #N, not published): 2023, 2024"; else None.
    pending: str | None = None


def target_card(snap: Snapshot, target_id: str, lang: Lang, region_code: str = NATIONAL) -> Card:
    """One target's card, nationally or for a province."""
    t = snap.catalog.targets[target_id]
    p = progress_at(snap, target_id, region_code)
    direction = trend_direction(p)
    # Once the year has passed only the verdict speaks: no latest-change arrow beside it.
    closed = is_verdict(p.status)
    if p.latest_value is None:
        value = _("views.no_data", lang)
    elif t.kind == "milestone" and p.first_met_period:
        value = _("views.words.happened_on", lang, period=p.first_met_period)
    else:
        value = value_with_unit(p.latest_value, t.unit, lang, p.latest_qualifier, p.latest_high)
    derivation = derivation_of(t, p, lang)
    caption = (
        _("views.card.derived" if derivation else "views.card.latest", lang, period=p.latest_period)
        if p.latest_period
        else ""
    )
    pct, gap = pct_text(p), gap_text(p, lang)
    if p.status == "unverified" and p.latest_period and t.kind != "milestone":
        # Nothing is known of the target year: lead with that and the dated last figure,
        # not with an old shortfall.
        caption = _("views.card.last_figure", lang, period=p.latest_period, value=value)
        value, pct, gap = status_label(p, lang), "–", "–"
    goal = (
        target_text(t, lang)
        if p.target_value is not None or t.kind == "milestone"
        else _("status.no_target", lang)
    )
    return Card(
        target_id=t.id,
        domain_id=t.domain_id,
        name=t.name(lang),
        value=value,
        period=p.latest_period,
        target=goal,
        pct_achieved=pct,
        gap=gap,
        status=p.status,
        status_label=status_label(p, lang),
        colour=STATUS_COLOURS[p.status],
        arrow="" if closed else ARROWS[direction],
        arrow_label="" if closed else _(f"views.trend.{direction}", lang),
        detail=status_detail(p, lang),
        has_data=p.latest_value is not None,
        caption=caption,
        derivation=derivation,
        pending=pending_text(
            snap, [t.id, *([t.derived_from] if t.derived_from else [])], region_code, lang
        ),
    )


def derivation_of(t: Target, p: Progress, lang: Lang) -> str | None:
    """How the latest figure was derived (a rate from the level series, or a share a source
    computed from two counts), or None for a figure as published."""
    if (how := derivation_text(p, lang)) is not None:
        return how
    inputs = shipped_derivation(
        t.id, p.region_code == NATIONAL, p.latest_period, p.latest_value, lang
    )
    if inputs is None:
        return None
    return _(
        "views.words.derived_share",
        lang,
        formula=inputs,
        value=value_with_unit(p.latest_value, t.unit, lang, p.latest_qualifier, p.latest_high),
    )


def pending_text(
    snap: Snapshot, indicator_ids: list[str], region_code: str, lang: Lang
) -> str | None:
    """Which of these figures a preview shows before they are published, or None."""
    periods = snap.pending_periods(indicator_ids, region_code)
    if snap.preview is None or not periods:
        return None
    return _("preview.card", lang, id=snap.preview, periods=", ".join(periods))


def headline_cards(snap: Snapshot, lang: Lang) -> list[Card]:
    """Cards for the catalog's headline targets that have a figure to track."""
    return [
        target_card(snap, t.id, lang)
        for t in sorted(snap.catalog.headline_targets, key=lambda t: t.sort)
        if t.quantitative
    ]


def verdict_summary(cards: list[Card], lang: Lang) -> str:
    """'7 headline targets: Met on time 2 · Met late 1 · Missed 2 · Unverified 2', for the
    first screen of a phone, where one card fills it: every verdict counted (0 included),
    then any other status in use (a target whose year has not come)."""
    counts = Counter(c.status for c in cards)
    shown = [*VERDICTS, *(s for s in DISPLAY_ORDER if s not in VERDICTS and counts[s])]
    parts = [f"{_(f'status.{s}', lang)} {counts[s]}" for s in shown]
    return _("views.overview.summary", lang, n=len(cards), counts=" · ".join(parts))
