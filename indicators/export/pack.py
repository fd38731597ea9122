"""The briefing pack: what goes in it, independent of the file format.

Order: cover (title, date, data-as-of), the overview of every target with its status,
one section per domain with charts (its quantitative targets' charts), then three tables
that span domains: every qualitative target, every annex task, every "Internet+" action;
and the method note. ``pack_pdf`` and
``pack_pptx`` lay this out; ``build_pack`` picks one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from indicators.base.catalog import Domain, Target, Task
from indicators.base.clauses import clause_text
from indicators.base.i18n import Lang, _, has_label
from indicators.base.status import Status
from indicators.domain.snapshot import Snapshot
from indicators.domain.taskboard import status_of
from indicators.export.content import (
    OVERVIEW_COLUMNS,
    ChecklistItem,
    DomainSection,
    ItemTable,
    PackContent,
)
from indicators.export.method import method_note
from indicators.present import charts
from indicators.present.tables import targets_table

# The content types live in .content (the renderers import them from there).
__all__ = ["PACK_FORMATS", "PACK_MIME", "PackFormat", "build_pack", "pack_content"]

PackFormat = Literal["pdf", "pptx"]
PACK_FORMATS: tuple[PackFormat, ...] = ("pdf", "pptx")
PACK_MIME: dict[str, str] = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def _status_label(status: str, lang: Lang) -> str:
    for key in (f"views.task_status.{status}", f"checklist.{status}", f"status.{status}"):
        if has_label(key):
            return _(key, lang)
    return status


def _reported(snap: Snapshot, subject_type: str, subject_id: str, lang: Lang) -> tuple[str, str]:
    """The latest status as the task page words it, and what the planner wrote with it
    (evidence, else the note), as typed: the renderers draw it as text, never as markup."""
    s = status_of(snap, subject_type, subject_id)
    return _status_label(str(s["status"]), lang), str(s["evidence"] or s["note"] or "")


def _target_charts(snap: Snapshot, target: Target, lang: Lang) -> list[tuple[str, go.Figure]]:
    """The charts a quantitative target gets: where it stands, its path, and the provinces
    when the target applies to each province and some have figures."""
    out: list[tuple[str, go.Figure]] = []
    for kind, builder in _builders().items():
        if kind == "regions" and not (target.regional and snap.regional(target.id)):
            continue
        out.append((f"{kind}-{target.id}", builder(snap, target.id, lang)))
    return out


def _builders() -> dict[str, Callable[[Snapshot, str, Lang], go.Figure]]:
    return {
        "bullet": charts.bullet_chart,
        "trajectory": charts.trajectory_chart,
        "regions": charts.regions_bar,
    }


def _section(snap: Snapshot, domain: Domain, lang: Lang) -> DomainSection:
    """The charts of a domain's quantitative targets that have figures."""
    charts: list[tuple[str, go.Figure]] = []
    for t in sorted(snap.catalog.targets_in(domain.id), key=lambda t: t.sort):
        p = snap.national.get(t.id)
        if t.quantitative and p is not None and p.latest_value is not None:
            charts += _target_charts(snap, t, lang)
    doc = snap.catalog.documents[domain.document_id]
    return DomainSection(
        domain=domain,
        heading=domain.name(lang),
        subheading=_(
            "pack.section_clause",
            lang,
            document=doc.number(lang),
            clause=clause_text(domain.clause, lang),
        ),
        charts=charts,
    )


def _without_figures(snap: Snapshot, lang: Lang) -> list[str]:
    targets = sorted(snap.catalog.targets.values(), key=lambda t: t.sort)
    return [
        t.name(lang)
        for t in targets
        if t.quantitative
        and (snap.national.get(t.id) is None or snap.national[t.id].latest_value is None)
    ]


def _task_item(snap: Snapshot, task: Task, lang: Lang) -> ChecklistItem:
    cat = snap.catalog
    leads = [
        cat.departments[d.department_id].name(lang)
        for d in cat.departments_of(task.id)
        if d.role == "lead"
    ]
    lead = "、".join(leads) if lang == "zh" else "; ".join(leads)
    if task.and_others and lead:
        lead += _("pack.and_others", lang) if lang == "zh" else f" {_('pack.and_others', lang)}"
    status, evidence = _reported(snap, "task", task.id, lang)
    return ChecklistItem(
        clause_text(task.clause, lang),
        task.text(lang),
        status,
        lead,
        evidence=evidence,
        domain=cat.domains[task.domain_id].name(lang),
    )


def _tables(snap: Snapshot, lang: Lang) -> list[ItemTable]:
    """Every qualitative target, every annex task of the 2017 document and every action of
    the 2015 one, each in one table in catalog order (all of them, whether or not their
    domain has charts)."""
    cat = snap.catalog
    domains = {d.id: d for d in cat.domains.values()}
    checklist = []
    for t in sorted(cat.targets.values(), key=lambda t: (domains[t.domain_id].sort, t.sort)):
        if not t.quantitative:
            status, evidence = _reported(snap, "target", t.id, lang)
            checklist.append(
                ChecklistItem(
                    clause_text(t.clause, lang),
                    t.name(lang),
                    status,
                    evidence=evidence,
                    domain=domains[t.domain_id].name(lang),
                )
            )
    tasks = sorted(cat.tasks.values(), key=lambda t: (t.document_id, t.seq))
    annex = [_task_item(snap, t, lang) for t in tasks if domains[t.domain_id].kind != "action"]
    actions = [_task_item(snap, t, lang) for t in tasks if domains[t.domain_id].kind == "action"]
    docs = {d.kind: cat.documents[d.document_id].number(lang) for d in domains.values()}
    out = [
        ItemTable(
            "checklist", _("pack.qualitative", lang), _("pack.qualitative_sub", lang), checklist
        ),
        ItemTable(
            "tasks",
            _("pack.tasks", lang),
            _("pack.tasks_sub", lang, document=docs["key_area"], n=len(annex)),
            annex,
        ),
        ItemTable(
            "actions",
            _("pack.actions", lang),
            _("pack.actions_sub", lang, document=docs["action"], n=len(actions)),
            actions,
        ),
    ]
    return [t for t in out if t.items]


def overview_table(snap: Snapshot, lang: Lang) -> tuple[pd.DataFrame, list[Status]]:
    """Every target: the quantitative ones from ``targets_table``, then the qualitative ones
    with their checklist status. Also each row's status key, for colouring."""
    cat = snap.catalog
    quant = targets_table(snap, lang)
    keys = [snap.national[tid].status for tid in quant["id"]]
    cols = [_(c, lang) for c in OVERVIEW_COLUMNS]
    frame = quant[cols]
    qual_rows = []
    for t in sorted(cat.targets.values(), key=lambda t: t.sort):
        if t.quantitative:
            continue
        row: dict[str, object] = dict.fromkeys(cols, "–")
        row[_("col.target", lang)] = t.name(lang)
        row[_("col.target_year", lang)] = t.target_year
        row[_("col.unit", lang)] = _("kind.qualitative", lang)
        row[_("col.status", lang)] = _reported(snap, "target", t.id, lang)[0]
        qual_rows.append(row)
        keys.append("no_target")
    if qual_rows:
        frame = pd.concat([frame, pd.DataFrame(qual_rows, columns=cols)], ignore_index=True)
    return frame, keys


def pack_content(snap: Snapshot, lang: Lang, today: date | None = None) -> PackContent:
    cat = snap.catalog
    overview, keys = overview_table(snap, lang)
    docs = sorted(cat.documents.values(), key=lambda d: d.date, reverse=True)
    return PackContent(
        lang=lang,
        title=_("app.title", lang),
        subtitle=_("pack.kind", lang) + " · " + "、".join(d.number(lang) for d in docs)
        if lang == "zh"
        else _("pack.kind", lang) + " · " + "; ".join(d.number(lang) for d in docs),
        generated=today or date.today(),
        as_of=snap.as_of_line(lang, clock=False),
        overview=overview,
        status_keys=keys,
        sections=[
            section
            for d in sorted(cat.domains.values(), key=lambda d: d.sort)
            if (section := _section(snap, d, lang)).charts
        ],
        tables=_tables(snap, lang),
        without_figures=_without_figures(snap, lang),
        method_title=_("method.title", lang),
        method=method_note(lang),
    )


def build_pack(
    snap: Snapshot, lang: Lang, fmt: PackFormat = "pdf", today: date | None = None
) -> bytes:
    """The whole pack as a file's bytes."""
    content = pack_content(snap, lang, today)
    if fmt == "pdf":
        from indicators.export.pack_pdf import render_pdf

        return render_pdf(content)
    if fmt == "pptx":
        from indicators.export.pack_pptx import render_pptx

        return render_pptx(content)
    raise ValueError(f"unknown pack format {fmt!r}; expected one of {PACK_FORMATS}")
