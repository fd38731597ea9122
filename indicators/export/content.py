"""What a briefing pack holds, independent of its file format: pack.py fills it, and the
PDF and PPTX renderers only read it (so neither renderer imports pack.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

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


@dataclass(frozen=True)
class DomainSection:
    domain: Domain
    heading: str
    subheading: str
    charts: list[tuple[str, go.Figure]] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    tasks: list[ChecklistItem] = field(default_factory=list)
    # Quantitative targets with no figure yet: named in a line, not drawn as empty charts.
    without_figures: list[str] = field(default_factory=list)

    @property
    def has_charts(self) -> bool:
        return bool(self.charts)


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
    method_title: str
    method: list[str]


def without_figures_line(section: DomainSection, lang: Lang) -> str:
    """'No figures yet for: A; B' (empty when every target has figures)."""
    if not section.without_figures:
        return ""
    sep = "、" if lang == "zh" else "; "
    return _("pack.without_figures", lang, names=sep.join(section.without_figures))
