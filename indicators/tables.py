"""The tables views show, as DataFrames with labels in the chosen language."""

from __future__ import annotations

import pandas as pd

from .catalog import Lang
from .i18n import _
from .snapshot import Snapshot


def unit_label(unit: str, lang: Lang) -> str:
    key = f"unit.{unit}"
    try:
        return _(key, lang)
    except KeyError:
        return unit


def format_value(value: float | None, qualifier: str | None = None) -> str:
    if value is None or value != value:
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{qualifier}{text}" if qualifier else text


def targets_table(snap: Snapshot, lang: Lang) -> pd.DataFrame:
    """Every quantitative target with its latest actual, progress and status."""
    cat = snap.catalog
    rows = []
    for target in sorted(cat.targets.values(), key=lambda t: t.sort):
        if not target.quantitative:
            continue
        p = snap.national[target.id]
        rows.append({
            "id": target.id,
            _("col.target", lang): target.name(lang),
            _("col.domain", lang): cat.domains[target.domain_id].name(lang),
            _("col.latest", lang): format_value(p.latest_value, p.latest_qualifier),
            _("col.period", lang): p.latest_period or "–",
            _("col.target_value", lang): format_value(target.target_value)
            if target.kind != "milestone" else str(target.target_year),
            _("col.unit", lang): unit_label(target.unit, lang),
            _("col.target_year", lang): target.target_year,
            _("col.pct_achieved", lang): None if p.pct_achieved is None
            else round(p.pct_achieved, 1),
            _("col.gap", lang): None if p.gap is None else round(p.gap, 3),
            _("col.status", lang): _(f"status.{p.status}", lang),
            _("col.verdict", lang): _(f"verdict.{p.verdict}", lang) if p.verdict else "–",
            _("col.first_met", lang): p.first_met_period or "–",
            _("col.clause", lang): f"{cat.documents[target.document_id].number(lang)} "
                                   f"{target.clause}",
        })
    return pd.DataFrame(rows)
