"""Issue 10, item 3: what planners and reviewers type (task notes, evidence, rejection
reasons) is shown as typed on every surface that draws it, never obeyed as markup."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import openpyxl
from pptx import Presentation
from pypdf import PdfReader

from indicators.domain.review_policy import submits_for_review
from indicators.domain.snapshot import load_snapshot
from indicators.export.data import to_csv_bytes, to_xlsx_bytes
from indicators.export.pack import pack_content
from indicators.export.pack_pdf import render_pdf
from indicators.export.pack_pptx import render_pptx
from indicators.ingest.display import uploads_table
from indicators.present.tables import checklist_table, tasks_table
from indicators.store import Store
from tests.conftest import AS_OF
from tests.test_views_pages import open_page, start

HOSTILE = (
    '<a href="http://x">y</a> **bold** [link](http://x) '
    '<span style="color:red;font-size:40px">big</span> &amp; <b>'
)
TASK = "ip_01"  # the first Internet+ action: its domain has tasks, no charts
GOAL = "ip_2018_economy"  # a qualitative goal of the ip_goals domain


def _hostile_statuses(store: Store) -> None:
    store.set_status("task", TASK, "in_progress", user="nat", note="n", evidence=HOSTILE)
    # no evidence: the note stands in for it
    store.set_status("target", GOAL, "done", user="nat", note=HOSTILE, evidence=None)


def test_the_tasks_table_and_its_csv_and_xlsx_hold_the_evidence_as_typed(store):
    _hostile_statuses(store)
    table = tasks_table(load_snapshot(store, as_of=AS_OF), "en").set_index("id")
    assert table.loc[TASK, "Evidence note"] == HOSTILE
    exported = table.reset_index(drop=True)
    rows = list(csv.reader(io.StringIO(to_csv_bytes(exported, "en").decode("utf-8-sig"))))
    column = rows[0].index("Evidence note")
    assert HOSTILE in [r[column] for r in rows[1:]]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(exported, "en"))).active
    assert HOSTILE in [c.value for c in sheet[openpyxl.utils.get_column_letter(column + 1)]]


def test_the_checklist_shows_a_note_as_typed(store):
    _hostile_statuses(store)
    table = checklist_table(load_snapshot(store, as_of=AS_OF), "ip_goals", "en").set_index("id")
    assert table.loc[GOAL, "Evidence note"] == HOSTILE


def test_the_tasks_page_shows_the_evidence_as_text_and_nowhere_as_markup(dashboard, store):
    _hostile_statuses(store)
    at = dashboard(store.path, lang="en", run=False)
    at.switch_page("pages/tasks.py").run()
    assert not at.exception
    assert HOSTILE in list(at.dataframe[0].value["Evidence note"])
    # nothing of it reached a Markdown or HTML element
    drawn = [
        e.value
        for kind in ("markdown", "caption", "info", "success", "warning")
        for e in getattr(at, kind)
    ]
    assert not [v for v in drawn if "http://x" in v or "big" in v]


def test_the_domain_page_checklist_shows_the_note_as_text(dashboard, store):
    _hostile_statuses(store)
    at = open_page(start(dashboard, store.path, lang="en"), "domain-ip_goals")
    frames = [df.value for df in at.dataframe if "Evidence note" in df.value.columns]
    assert HOSTILE in list(frames[0]["Evidence note"])
    drawn = [e.value for kind in ("markdown", "caption") for e in getattr(at, kind)]
    assert not [v for v in drawn if "http://x" in v]


def _pack(store: Store, lang: str):
    content = pack_content(load_snapshot(store, as_of=AS_OF), lang)
    # The two tables that carry the typed text; the charts only cost rendering time.
    return replace(
        content,
        sections=[],
        tables=[t for t in content.tables if t.kind in ("checklist", "actions")],
    )


def test_the_pdf_pack_prints_the_evidence_literally_and_links_nowhere(store):
    _hostile_statuses(store)
    pdf = PdfReader(io.BytesIO(render_pdf(_pack(store, "en"))))
    text = " ".join(p.extract_text() for p in pdf.pages)
    flat = " ".join(text.split())
    # under the task and under the goal, each once, tags and all
    assert flat.count('Evidence note: <a href="http://x">y</a> **bold** [link](http://x)') == 2
    assert flat.count('<span style="color:red;font-size:40px">big</span> &amp; <b>') == 2
    links = [
        a
        for p in pdf.pages
        for a in (p.get("/Annots") or [])
        if "/URI" in str(a.get_object().get("/A", {}))
    ]
    assert links == []


def test_the_pptx_pack_puts_the_evidence_in_a_plain_run_with_no_hyperlink(store):
    _hostile_statuses(store)
    deck = Presentation(io.BytesIO(render_pptx(_pack(store, "en"))))
    cells = [
        cell
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    texts = [c.text_frame.text for c in cells]
    assert sum(t.endswith(f"Evidence note: {HOSTILE}") for t in texts) == 2
    assert all(
        run.hyperlink.address is None
        for c in cells
        for p in c.text_frame.paragraphs
        for run in p.runs
    )


def test_a_rejection_reason_is_listed_as_typed_in_the_history(store):
    store.set_review_mode("on", user="boss")
    from tests.test_store import rows

    frame = rows(("info_consumption_scale", "000000", "2022", 7.0))
    up = store.write_actuals(
        frame,
        kind="file",
        user="nat",
        file_name="a.csv",
        sha256="s",
        note=None,
        review=submits_for_review(store),
    )
    store.decide(up.id, approve=False, reviewer="rev", reason=HOSTILE)
    history = uploads_table(store.uploads(), "en").set_index("Upload")
    assert history.loc[up.id, "State"] == f"Rejected: {HOSTILE}"
