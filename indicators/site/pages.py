"""What each page of the static site shows, per language: the app's own cards, tables and
figures (indicators.cards, tables, figures), laid out for a page without a server.

No number or word is worked out here: a page asks the builders the app uses and only picks
which of their outputs it shows, so the site follows every change to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from indicators.base.catalog import NATIONAL, Domain, Lang, Target
from indicators.base.clauses import clause_text
from indicators.base.formatting import format_value, unit_label
from indicators.base.i18n import _
from indicators.base.sources import note_text, shipped_citations, source_text
from indicators.domain.method import citations, sections
from indicators.domain.regional import provinces_with_figures, targets_with_provinces
from indicators.domain.snapshot import Snapshot
from indicators.domain.taskboard import filter_tasks, status_of, task_rows
from indicators.domain.wording import quote_caption
from indicators.present.cards import Card, headline_cards, target_card
from indicators.present.chart_parts import source_line, target_rows
from indicators.present.charts import (
    bullet_chart,
    department_summary,
    milestone_timeline,
    pct_achieved_bar,
    regions_bar,
    sparkline_svg,
    status_legend,
    tile_map,
    trajectory_chart,
)
from indicators.present.tables import (
    checklist_table,
    regions_table,
    status_cell_styles,
    targets_table,
    tasks_table,
)

from .render import Chart, Table, chart, frame_table, inline_markup, latex_html, svg

# Who updated a task is an account name: the app's visitors do not see it, nor does the site.
PRIVATE_COLUMNS = ("views.col.updated_by",)


@dataclass(frozen=True)
class Page:
    name: str  # file name inside the language folder
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)


def target_file(target_id: str) -> str:
    return f"target-{target_id}.html"


def domain_file(domain_id: str) -> str:
    return f"domain-{domain_id}.html"


def data_file(target_id: str, ext: str) -> str:
    return f"data/targets/{target_id}.{ext}"


def _public(df: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    return df.drop(columns=[_(k, lang) for k in PRIVATE_COLUMNS if _(k, lang) in df])


def _domains_in_order(snap: Snapshot) -> list[Domain]:
    cat = snap.catalog
    docs = sorted(cat.documents.values(), key=lambda d: d.date, reverse=True)
    order = {d.id: i for i, d in enumerate(docs)}
    return sorted(cat.domains.values(), key=lambda d: (order[d.document_id], d.sort))


def _facts(c: Card, lang: Lang) -> list[tuple[str, str, str]]:
    """The card's four facts as the domain page of the app writes them."""
    period = f" ({c.period})" if c.period else ""
    return [
        (_("views.domain.metric.latest", lang), f"{c.value} {c.arrow}".strip() + period, ""),
        (_("views.domain.metric.target", lang), c.target, ""),
        (_("views.domain.metric.pct", lang), c.pct_achieved, c.gap if c.has_data else ""),
        (_("views.domain.metric.status", lang), c.status_label, c.detail or ""),
    ]


def overview(snap: Snapshot, lang: Lang) -> Page:
    cards = headline_cards(snap, lang)
    table = targets_table(snap, lang)
    cat = snap.catalog
    links: list[str | None] = [target_file(t) for t in table["id"]]
    return Page(
        "index.html",
        "overview.html",
        _("app.title", lang),
        {
            "cards": [
                {
                    "card": c,
                    "sparkline": svg(sparkline_svg(snap, c.target_id, lang)) if c.has_data else "",
                    "href": target_file(c.target_id),
                    "latest": _("views.card.latest", lang, period=c.period) if c.period else "",
                    "target_line": _("views.card.target", lang, target=c.target),
                    "pct_line": " · ".join(
                        x
                        for x in (_("views.card.pct", lang, pct=c.pct_achieved), c.gap)
                        if x != "–"
                    ),
                    "domain_href": domain_file(c.domain_id),
                    "domain": cat.domains[c.domain_id].name(lang),
                }
                for c in cards
            ],
            "legend": status_legend(lang, [c.status for c in cards]),
            "table": frame_table(
                table,
                styles=_styles(lang),
                links={_("col.target", lang): links},
            ),
            "chart": chart(pct_achieved_bar(snap, lang), "pct-achieved", lang),
            "domains": _domain_index(snap, lang),
        },
    )


def _styles(lang: Lang) -> dict[str, str]:
    return status_cell_styles(lang)


def _domain_index(snap: Snapshot, lang: Lang) -> list[dict[str, Any]]:
    """Domains grouped by document, with how many targets and tasks each holds."""
    cat = snap.catalog
    groups: dict[str, dict[str, Any]] = {}
    for d in _domains_in_order(snap):
        doc = cat.documents[d.document_id]
        group = groups.setdefault(
            doc.id, {"title": f"{doc.number(lang)} {doc.title(lang)}", "domains": []}
        )
        group["domains"].append(
            {
                "name": d.name(lang),
                "clause": clause_text(d.clause, lang),
                "href": domain_file(d.id),
                "targets": len(cat.targets_in(d.id)),
            }
        )
    return list(groups.values())


def domains(snap: Snapshot, lang: Lang) -> Page:
    return Page(
        "domains.html",
        "domains.html",
        _("site.nav.domains", lang),
        {"groups": _domain_index(snap, lang)},
    )


def domain(snap: Snapshot, d: Domain, lang: Lang) -> Page:
    cat = snap.catalog
    doc = cat.documents[d.document_id]
    targets = sorted(cat.targets_in(d.id), key=lambda t: t.sort)
    numeric = [t for t in targets if t.quantitative and t.kind != "milestone"]
    milestones = [t for t in targets if t.kind == "milestone"]
    goals = [t for t in targets if t.kind == "qualitative"]
    ctx: dict[str, Any] = {
        "caption": _(
            "views.domain.caption",
            lang,
            document=doc.number(lang),
            title=doc.title(lang),
            clause=clause_text(d.clause, lang),
        ),
        "targets": [_target_summary(snap, t, lang, f"bullet-{t.id}") for t in numeric],
        "milestones": chart(milestone_timeline(snap, d.id, lang), f"milestones-{d.id}", lang)
        if milestones
        else None,
        "milestone_links": [(t.name(lang), target_file(t.id)) for t in milestones],
        "checklist": _checklist(snap, d.id, lang) if goals else None,
        "goal_links": [(t.name(lang), target_file(t.id)) for t in goals],
        "tasks": None,
    }
    rows = filter_tasks(task_rows(snap, lang), domain_id=d.id)
    if rows:
        ctx["tasks"] = frame_table(
            _public(tasks_table(snap, lang, rows), lang), styles=_styles(lang)
        )
    return Page(domain_file(d.id), "domain.html", d.name(lang), ctx)


def _checklist(snap: Snapshot, domain_id: str, lang: Lang) -> Table:
    return frame_table(_public(checklist_table(snap, domain_id, lang), lang), styles=_styles(lang))


def _target_summary(snap: Snapshot, t: Target, lang: Lang, chart_id: str) -> dict[str, Any]:
    c = target_card(snap, t.id, lang)
    doc = snap.catalog.documents[t.document_id]
    return {
        "name": t.name(lang),
        "href": target_file(t.id),
        "quote": quote_caption(t, doc.number(lang), clause_text(t.clause, lang), lang),
        "card": c,
        "facts": _facts(c, lang),
        "bullet": chart(bullet_chart(snap, t.id, lang), chart_id, lang) if c.has_data else None,
    }


def target(snap: Snapshot, t: Target, lang: Lang, versions: pd.DataFrame | None = None) -> Page:
    cat = snap.catalog
    doc = cat.documents[t.document_id]
    d = cat.domains[t.domain_id]
    ctx: dict[str, Any] = {
        "quote": quote_caption(t, doc.number(lang), clause_text(t.clause, lang), lang),
        "domain": (d.name(lang), domain_file(d.id)),
        "kind": t.kind,
        "facts": None,
        "charts": [],
        "figures": None,
        "source": "",
        "provinces": None,
        "checklist": None,
        "csv": data_file(t.id, "csv"),
        "json": data_file(t.id, "json"),
        "vintages": data_file(f"{t.id}-vintages", "csv"),
    }
    if t.quantitative:
        c = target_card(snap, t.id, lang)
        ctx["facts"] = _facts(c, lang)
        ctx["status_colour"] = c.colour
        if t.kind == "milestone":
            ctx["charts"] = [chart(milestone_timeline(snap, d.id, lang), "milestones", lang)]
        elif c.has_data:
            ctx["charts"] = [
                chart(bullet_chart(snap, t.id, lang), "bullet", lang),
                chart(trajectory_chart(snap, t.id, lang), "trajectory", lang),
            ]
        rows = target_rows(snap, t)
        ctx["figures"] = figures_table(snap, rows, lang, versions)
        ctx["source"] = source_line(snap, [t], lang, rows)
        if t.kind != "milestone" and provinces_with_figures(snap, t.id):
            ctx["provinces"] = _provinces(snap, t, lang)
    else:
        s = status_of(snap, "target", t.id)
        ctx["checklist"] = {
            "status": _(f"views.task_status.{s['status']}", lang),
            "evidence": s["evidence"] or s["note"] or "–",
            "year": t.target_year,
        }
    return Page(target_file(t.id), "target.html", t.name(lang), ctx)


def _earlier(versions: pd.DataFrame | None) -> dict[tuple[str, str, str], list[Any]]:
    """Per figure, its published versions (rows of Store.published_versions), oldest first."""
    out: dict[tuple[str, str, str], list[Any]] = {}
    if versions is None:
        return {}
    for v in versions[~versions["undone"].astype(bool)].itertuples():
        out.setdefault((str(v.indicator_id), str(v.region_code), str(v.period)), []).append(v)
    return out


def figures_table(
    snap: Snapshot, rows: pd.DataFrame, lang: Lang, versions: pd.DataFrame | None = None
) -> Table:
    """Every stored figure behind a target, newest first: value, its source line and the
    upload (vintage) it came with, and the published values it replaced."""
    cat = snap.catalog
    earlier = _earlier(versions)
    out = []
    for r in rows.sort_values(["t", "indicator_id"], ascending=[False, True]).itertuples():
        ind = cat.targets.get(str(r.indicator_id))
        vintage = _("site.vintage", lang, id=r.upload_id, when=f"{r.created_at:%Y-%m-%d}")
        replaced = [
            _(
                "site.vintage.earlier",
                lang,
                value=format_value(v.value, v.qualifier if isinstance(v.qualifier, str) else None),
                id=v.upload_id,
            )
            for v in earlier.get((str(r.indicator_id), str(r.region_code), str(r.period)), [])
            if int(v.upload_id) != int(r.upload_id)
        ]
        out.append(
            {
                _("site.col.indicator", lang): ind.name(lang) if ind else r.indicator_id,
                _("col.period", lang): r.period,
                _("export.col.value", lang): format_value(
                    r.value, r.qualifier if isinstance(r.qualifier, str) else None, lang
                ),
                _("col.unit", lang): unit_label(str(r.unit or ""), lang),
                _("site.col.source", lang): source_text(str(r.source or ""), lang) or "–",
                _("site.col.note", lang): note_text(str(r.note or ""), lang) or "–",
                _("site.col.vintage", lang): "; ".join([vintage, *replaced]),
            }
        )
    return frame_table(pd.DataFrame(out))


def _provinces(snap: Snapshot, t: Target, lang: Lang) -> dict[str, Any]:
    return {
        "charts": [
            chart(regions_bar(snap, t.id, lang), f"regions-{t.id}", lang),
            chart(tile_map(snap, t.id, lang), f"tiles-{t.id}", lang),
        ],
        "table": frame_table(regions_table(snap, t.id, lang), styles=_styles(lang)),
    }


def provinces(snap: Snapshot, lang: Lang) -> Page:
    cat = snap.catalog
    sections_ = []
    for tid in targets_with_provinces(snap):
        t = cat.targets[tid]
        sections_.append(
            {"name": t.name(lang), "href": target_file(tid), **_provinces(snap, t, lang)}
        )
    return Page(
        "provinces.html",
        "provinces.html",
        _("views.regions.title", lang),
        {
            "caption": _("views.regions.caption", lang),
            "targets": sections_,
            "none": _("views.regions.none", lang),
            "national": NATIONAL,
        },
    )


def tasks(snap: Snapshot, lang: Lang) -> Page:
    rows = task_rows(snap, lang)
    return Page(
        "tasks.html",
        "tasks.html",
        _("views.tasks.title", lang),
        {
            "caption": _("views.tasks.caption", lang),
            "count": _("views.tasks.count", lang, n=len(rows)),
            "table": frame_table(
                _public(tasks_table(snap, lang, rows), lang), styles=_styles(lang)
            ),
            "chart": chart(department_summary(snap, lang), "departments", lang),
        },
    )


def method(snap: Snapshot, lang: Lang) -> Page:
    return Page(
        "method.html",
        "method.html",
        _("views.method.title", lang),
        {
            "intro": inline_markup(_("views.method.intro", lang)),
            "sections": [
                {
                    "heading": s.heading,
                    "body": inline_markup(s.body),
                    "formulas": [latex_html(f) for f in s.formulas],
                }
                for s in sections(lang)
            ],
            "sources_heading": _("views.method.sources", lang),
            "citations": citations(snap.catalog, lang),
            "shipped_heading": _("views.method.shipped", lang),
            "shipped": shipped_citations(lang),
        },
    )


def all_pages(snap: Snapshot, lang: Lang, versions: pd.DataFrame | None = None) -> list[Page]:
    cat = snap.catalog
    return [
        overview(snap, lang),
        domains(snap, lang),
        *(domain(snap, d, lang) for d in _domains_in_order(snap)),
        *(
            target(snap, t, lang, versions)
            for t in sorted(cat.targets.values(), key=lambda t: t.sort)
        ),
        provinces(snap, lang),
        tasks(snap, lang),
        method(snap, lang),
    ]


def charts_of(page: Page) -> list[Chart]:
    """Every chart a page holds (for the site script: a page without one loads no plotly)."""
    found: list[Chart] = []

    def walk(value: object) -> None:
        if isinstance(value, Chart):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(page.context)
    return found
