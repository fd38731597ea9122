"""What a briefing pack holds, independent of its file format: pack.py fills it, and the
PDF and PPTX renderers only read it (so neither renderer imports pack.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from indicators.base.catalog import Domain
from indicators.base.i18n import Lang, _
from indicators.base.status import Status

# Columns of targets_table that fit across a landscape page, in this order.
OVERVIEW_COLUMNS = (
    "col.target",
    "col.latest",
    "col.period",
    "col.target_value",
    "col.unit",
    "col.target_year",
    "col.pct_achieved",
    "col.status",
    "col.detail",
)
# Their widths as shares of the page; the status is the verdict once the year has passed,
# and the detail says on which figure it was judged.
OVERVIEW_SHARES = (0.19, 0.085, 0.085, 0.07, 0.07, 0.06, 0.07, 0.10, 0.27)


@dataclass(frozen=True)
class ChecklistItem:
    """A qualitative target or a task, with its latest reported status."""

    clause: str
    text: str
    status: str
    lead: str = ""
    evidence: str = ""  # the planner's own words: drawn as text under the item's text
    domain: str = ""  # the domain's name, in the merged tables that span domains


@dataclass(frozen=True)
class DomainSection:
    """A domain with charts: its charts, one to a page or slide."""

    domain: Domain
    heading: str
    subheading: str
    charts: list[tuple[str, go.Figure]] = field(default_factory=list)


TableKind = Literal["checklist", "tasks", "actions"]


@dataclass(frozen=True)
class ItemTable:
    """One table that spans domains: every qualitative target, every annex task, or every
    "Internet+" action. Merged, not one per domain: a domain's one or two rows alone made
    pages and slides that held a heading and a line."""

    kind: TableKind
    heading: str
    subheading: str
    items: list[ChecklistItem]


@dataclass(frozen=True)
class PackContent:
    lang: Lang
    title: str
    subtitle: str
    generated: date
    as_of: str
    overview: pd.DataFrame
    status_keys: list[Status]  # per overview row, for colouring
    sections: list[DomainSection]
    tables: list[ItemTable]
    # Quantitative targets with no figure yet: named in a line, not drawn as empty charts.
    without_figures: list[str]
    method_title: str
    method: list[str]


def without_figures_line(content: PackContent) -> str:
    """'No figures yet for: A; B' (empty when every target has figures)."""
    if not content.without_figures:
        return ""
    sep = "、" if content.lang == "zh" else "; "
    return _("pack.without_figures", content.lang, names=sep.join(content.without_figures))


def table_head(kind: TableKind, lang: Lang) -> tuple[list[str], list[float]]:
    """A merged table's column heads and their shares of the width. Each row's text
    (target, task or action) is the widest column; the domain says where a row belongs."""
    if kind == "checklist":
        keys = ["pack.col.clause", "col.domain", "col.target", "pack.col.status"]
        return [_(k, lang) for k in keys], [0.09, 0.2, 0.58, 0.13]
    if kind == "tasks":
        keys = [
            "pack.col.clause",
            "col.domain",
            "pack.col.task",
            "pack.col.lead",
            "pack.col.status",
        ]
        return [_(k, lang) for k in keys], [0.08, 0.15, 0.45, 0.2, 0.12]
    keys = ["pack.col.clause", "pack.col.action", "pack.col.lead", "pack.col.status"]
    return [_(k, lang) for k in keys], [0.09, 0.56, 0.22, 0.13]


def table_row(kind: TableKind, item: ChecklistItem) -> list[str]:
    """The row's cells; the text column comes back as given (the renderers add evidence)."""
    if kind == "checklist":
        return [item.clause, item.domain, item.text, item.status]
    if kind == "tasks":
        return [item.clause, item.domain, item.text, item.lead, item.status]
    return [item.clause, item.text, item.lead, item.status]


TEXT_COLUMN: dict[TableKind, int] = {"checklist": 2, "tasks": 2, "actions": 1}
