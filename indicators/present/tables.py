"""The tables views show, as DataFrames with labels in the chosen language."""

from __future__ import annotations

import pandas as pd

from indicators.base.catalog import Lang, Region
from indicators.base.clauses import clause_text
from indicators.base.formatting import format_value, unit_label
from indicators.base.i18n import _
from indicators.base.status import STATUS_COLOURS, TASK_STATUS_COLOURS, ink_on
from indicators.base.typography import zh_marks
from indicators.domain.metrics import Progress
from indicators.domain.regional import ranked_provinces
from indicators.domain.snapshot import Snapshot
from indicators.domain.taskboard import TaskRow, status_of, task_rows
from indicators.domain.wording import pct_text, quote_text, status_detail, status_label
from indicators.present.cards import derivation_of

_BOUND_SIGNS = {"more_than": ">", "up_to": "≤"}


def _amount(value: float | None, bound: str | None) -> float | str | None:
    """A gap or shortfall cell: a number, or ">0" / "≤5" where the figure's qualifier bounds
    it, so a file never says 0 for "short by more than 0"."""
    if value is None:
        return None
    return f"{_BOUND_SIGNS[bound]}{round(value, 3):g}" if bound else round(value, 3)


def _pct(p: Progress) -> float | str | None:
    if p.pct_achieved is None:
        return None
    text = pct_text(p).rstrip("%")
    return text if not text[:1].isdigit() else round(p.pct_achieved, 1)


def targets_table(snap: Snapshot, lang: Lang) -> pd.DataFrame:
    """Every quantitative target with its latest actual, progress and status."""
    cat = snap.catalog
    rows = []
    for target in sorted(cat.targets.values(), key=lambda t: t.sort):
        if not target.quantitative:
            continue
        p = snap.national[target.id]
        milestone = target.kind == "milestone"
        # A milestone's "value" is whether and when it happened, not a 1 or a 0.
        latest = format_value(p.latest_value, p.latest_qualifier, lang, p.latest_high)
        derivation = derivation_of(target, p, lang)
        detail = status_detail(p, lang) or "–"
        if derivation:
            # a derived figure is never read as an actual: marked, with formula and inputs
            latest = _("views.words.derived_mark", lang, value=latest)
            detail = f"{derivation} · {detail}"
        if milestone:
            latest = (
                _("views.words.happened_on", lang, period=p.first_met_period)
                if p.first_met_period
                else _("views.words.not_yet", lang)
            )
        rows.append(
            {
                "id": target.id,
                _("col.target", lang): target.name(lang),
                _("col.domain", lang): cat.domains[target.domain_id].name(lang),
                _("col.latest", lang): latest,
                _("col.period", lang): p.latest_period or "–",
                _("col.target_value", lang): _(
                    "views.words.milestone_by", lang, year=target.target_year
                )
                if milestone
                else format_value(target.target_value),
                _("col.unit", lang): unit_label(target.unit, lang),
                _("col.target_year", lang): target.target_year,
                _("col.pct_achieved", lang): _pct(p),
                _("col.gap", lang): _amount(p.gap, p.gap_bound),
                _("col.status", lang): status_label(p, lang),
                _("col.detail", lang): detail,
                _("col.shortfall", lang): _amount(p.shortfall, p.shortfall_bound),
                _("col.first_met", lang): p.first_met_period or "–",
                _("col.clause", lang): f"{cat.documents[target.document_id].number(lang)} "
                f"{clause_text(target.clause, lang)}",
            }
        )
    return pd.DataFrame(rows)


# --- officials' views: tasks, checklists, provinces ---------------------------------------


def _when(value: object) -> str:
    return "–" if value is None else f"{value:%Y-%m-%d %H:%M}"


def _department_names(snap: Snapshot, ids: tuple[str, ...], lang: Lang) -> str:
    deps = snap.catalog.departments
    sep = "、" if lang == "zh" else "; "
    return sep.join(deps[d].name(lang) if d in deps else d for d in ids)


def tasks_table(snap: Snapshot, lang: Lang, rows: list[TaskRow] | None = None) -> pd.DataFrame:
    """Tasks with lead and co-departments, status, last update and evidence."""
    rows = task_rows(snap, lang) if rows is None else rows
    cat = snap.catalog
    out = []
    for r in rows:
        co = _department_names(snap, r.co_ids, lang)
        lead = _department_names(snap, r.lead_ids, lang)
        if r.and_others:
            # "A、B等" closes the list it ends: the co-departments, else the leads, never
            # a cell of its own.
            others = _("views.tasks.and_others", lang)
            if co:
                co = f"{co}{others}"
            else:
                lead = f"{lead}{others}" if lead else others.strip()
        out.append(
            {
                "id": r.id,
                _("views.col.document", lang): cat.documents[r.document_id].number(lang),
                _("col.clause", lang): clause_text(r.clause, lang),
                _("views.col.task", lang): r.text,
                _("views.col.lead", lang): lead or "–",
                _("views.col.co", lang): co or "–",
                _("col.status", lang): _(f"views.task_status.{r.status}", lang),
                _("views.col.updated", lang): _when(r.updated_at),
                _("views.col.updated_by", lang): r.updated_by or "–",
                _("views.col.evidence", lang): r.evidence or r.note or "–",
            }
        )
    keys = (
        "views.col.document",
        "col.clause",
        "views.col.task",
        "views.col.lead",
        "views.col.co",
        "col.status",
        "views.col.updated",
        "views.col.updated_by",
        "views.col.evidence",
    )
    return pd.DataFrame(out, columns=["id", *(_(k, lang) for k in keys)])


def checklist_table(snap: Snapshot, domain_id: str, lang: Lang) -> pd.DataFrame:
    """The domain's qualitative goals with their reported status and evidence."""
    cat = snap.catalog
    out = []
    for t in sorted(cat.targets_in(domain_id), key=lambda t: t.sort):
        if t.kind != "qualitative":
            continue
        s = status_of(snap, "target", t.id)
        out.append(
            {
                "id": t.id,
                _("views.col.goal", lang): t.name(lang),
                _("col.target_year", lang): t.target_year,
                _("col.status", lang): _(f"views.task_status.{s['status']}", lang),
                _("views.col.updated", lang): _when(s["updated_at"]),
                _("views.col.updated_by", lang): s["updated_by"] or "–",
                _("views.col.evidence", lang): s["evidence"] or s["note"] or "–",
                _("col.clause", lang): f"{cat.documents[t.document_id].number(lang)} "
                f"{clause_text(t.clause, lang)}",
                _("views.col.quote", lang): quote_text(t, lang),
            }
        )
        # The verbatim (Traditional) original stays beside the Simplified reading or the
        # English rendering.
        out[-1][_("views.col.quote_original", lang)] = (
            zh_marks(t.quote) if lang == "zh" else t.quote
        )
    return pd.DataFrame(out)


def regions_table(
    snap: Snapshot, target_id: str, lang: Lang, *, every_province: bool = False
) -> pd.DataFrame:
    """Provinces with figures for a target, furthest from it first. With `every_province`
    (the tile map's data download) the provinces without a figure follow, in catalog order."""
    cat = snap.catalog
    ranked: list[tuple[Region, Progress | None]] = [
        (cat.regions[p.region_code], p) for p in ranked_provinces(snap, target_id)
    ]
    if every_province:
        seen = {r.code for r, _p in ranked}
        ranked += [(r, None) for r in cat.provinces if r.code not in seen]
    out = []
    for region, p in ranked:
        out.append(
            {
                _("views.col.region", lang): region.name(lang),
                _("col.latest", lang): "–"
                if p is None
                else format_value(p.latest_value, p.latest_qualifier, lang, p.latest_high),
                _("col.period", lang): (p.latest_period if p else None) or "–",
                _("col.pct_achieved", lang): None if p is None else _pct(p),
                _("col.gap", lang): None if p is None else _amount(p.gap, p.gap_bound),
                _("col.status", lang): status_label(p, lang) if p else _("status.no_data", lang),
                _("col.detail", lang): (status_detail(p, lang) if p else None) or "–",
            }
        )
    frame = pd.DataFrame(out)
    frame.attrs["units"] = {_("col.latest", lang): unit_label(cat.targets[target_id].unit, lang)}
    return frame


def status_cell_styles(lang: Lang) -> dict[str, str]:
    """CSS for a status cell by its label, so tables use the charts' colours next to the name."""
    out = {}
    for key, colour in STATUS_COLOURS.items():
        out[_(f"status.{key}", lang)] = colour
        # the same colour for a verdict on an approximate figure ("按期实现（据约数）")
        word = _(f"status.{key}", lang)
        out[_("views.words.status_approx", lang, status=word)] = colour
    for task_status, colour in TASK_STATUS_COLOURS.items():
        out.setdefault(_(f"views.task_status.{task_status}", lang), colour)
    return {label: f"background-color: {c}; color: {ink_on(c)}" for label, c in out.items()}
