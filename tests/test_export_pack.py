"""The briefing pack and the export commands, built for real from the published figures."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from indicators.commands.cli import main
from indicators.domain.snapshot import load_snapshot
from indicators.export.pack import build_pack, pack_content
from indicators.store import Store
from tests.conftest import AS_OF

# The packs draw their charts through kaleido and chromium.
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def snap(_built_db):
    return load_snapshot(Store(_built_db), as_of=AS_OF)


@pytest.fixture(scope="module")
def packs(snap):
    """Each pack built once per module: (lang, format) -> bytes."""
    built: dict[tuple[str, str], bytes] = {}

    def get(lang: str, fmt: str) -> bytes:
        if (lang, fmt) not in built:
            built[lang, fmt] = build_pack(snap, lang, fmt, today=AS_OF)
        return built[lang, fmt]

    return get


@pytest.fixture(scope="module")
def pdf_zh(packs):
    return PdfReader(io.BytesIO(packs("zh", "pdf")))


def _chart_domains(snap, lang):
    """The domains with a quantitative target that has figures: the ones the pack charts."""
    return [
        d.name(lang)
        for d in sorted(snap.catalog.domains.values(), key=lambda d: d.sort)
        if any(
            t.quantitative and snap.national[t.id].latest_value is not None
            for t in snap.catalog.targets_in(d.id)
        )
    ]


def _n_charts(snap):
    return sum(len(s.charts) for s in pack_content(snap, "zh").sections)


def test_pdf_pack_bookmarks_each_charted_domain_then_the_three_tables(snap, pdf_zh):
    titles = [o.title for o in pdf_zh.outline if not isinstance(o, list)]
    assert titles[1] == "全部目标一览"
    assert (
        titles[2:-4]
        == _chart_domains(snap, "zh")
        == ["信息消费规模与带动", "信息基础设施", "农村信息接入"]
    )
    assert titles[-4:] == ["定性目标与里程碑检查", "附件重点任务", "“互联网+”重点行动", "方法说明"]


def test_pdf_pack_gives_every_chart_its_page_after_cover_and_overview(snap, pdf_zh):
    charts = _n_charts(snap)
    with_figures = [
        t
        for t in snap.catalog.targets.values()
        if t.quantitative and snap.national[t.id].latest_value is not None
    ]
    assert charts >= 2 * len(with_figures)  # a bullet and a trajectory each at least
    assert len(pdf_zh.pages) >= 2 + charts + 1


def test_pdf_pack_cover_carries_the_date_and_data_as_of(snap, pdf_zh):
    cover = pdf_zh.pages[0].extract_text()
    assert "2026-11-23" in cover
    assert f"数据截至 {snap.summary['newest_period']}" in cover


def test_pdf_pack_overview_lists_every_target_with_its_status(snap, pdf_zh):
    text = "".join(p.extract_text() for p in pdf_zh.pages[1:3]).replace("\n", "")
    for target in snap.catalog.targets.values():
        assert target.name("zh")[:8] in text
    # 2020 has passed: the overview carries the verdicts, with the figure each was judged on
    for verdict in ("逾期实现", "未实现", "按期实现", "无法核实"):
        assert verdict in text
    assert "差 0.57 个百分点" in text
    assert "已实现" not in text and "进展顺利" not in text


def test_pdf_pack_ends_with_the_method_note_of_the_method_page(pdf_zh):
    from indicators.domain.method import sections

    last = "".join(p.extract_text() for p in pdf_zh.pages[-3:]).replace("\n", "")
    assert "方法说明" in last and "0.95" in last
    # one text: every heading of the method page, in its order, and the verdict rule
    at = 0
    for section in sections("zh"):
        at = last.index(section.heading + "：", at)  # raises if missing or out of order
    assert "无法核实" in last


def test_the_method_note_lowers_the_subscripts_of_the_page_formulas():
    from indicators.export.method import plain, runs

    assert runs("到目标值 $y_T$,增加量 $\\Delta$。") == [
        ("到目标值 ", False),
        ("y", False),
        ("T", True),
        (",增加量 ", False),
        ("Δ", False),
        ("。", False),
    ]
    assert plain("the baseline $y_0$ at $t_0$") == "the baseline y0 at t0"


def test_neither_pack_prints_a_formula_mark_in_the_method_note(packs, pdf_zh):
    last = "".join(p.extract_text() for p in pdf_zh.pages[-2:])
    assert "y_T" not in last and "$" not in last
    deck = Presentation(io.BytesIO(packs("en", "pptx")))
    runs = [
        r
        for s in deck.slides
        for sh in s.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
    ]
    text = "".join(r.text for r in runs)
    assert "y_T" not in text and "$" not in text
    lowered = [r.text for r in runs if r._r.get_or_add_rPr().get("baseline") == "-25000"]
    assert {"0", "T"} <= set(lowered)


def test_the_zh_method_note_ends_on_its_own_page_not_with_a_line_left_alone(pdf_zh):
    # with the qualifier table it runs over two pages: the last holds whole sections, not
    # one line left alone
    note = pdf_zh.pages[-2].extract_text() + pdf_zh.pages[-1].extract_text()
    assert "方法说明" in note and "数据来源" in note
    body = [ln for ln in pdf_zh.pages[-1].extract_text().splitlines() if "页" not in ln]
    assert len(body) >= 3, body


@pytest.mark.parametrize(
    ("paragraphs", "pages", "on_last"),
    [
        # a page holds the heading and 5 of these paragraphs, a further page 6
        (7, 1, 8),  # a little over a page: set smaller on one page, heading included
        (12, 3, 3),  # 5 + 6 + 1 would leave one alone: the last three go on together
    ],
)
def test_the_method_note_never_leaves_one_paragraph_alone_on_its_last_page(
    snap, paragraphs, pages, on_last
):
    from dataclasses import replace

    from indicators.export.pack_pdf import render_pdf

    para = "Projection and required path: " + "the observed growth continues. " * 16
    content = replace(
        pack_content(snap, "en"),
        sections=[],
        method=[f"{i:02d} {para}" for i in range(paragraphs)],
    )
    pdf = PdfReader(io.BytesIO(render_pdf(content)))
    method_pages = [p.extract_text() for p in pdf.pages if "Projection and" in p.extract_text()]
    assert len(method_pages) == pages
    last = method_pages[-1]
    assert (
        sum(f"{i:02d} Projection" in last for i in range(paragraphs)) + ("Method note" in last)
        == on_last
    )


def test_every_annex_task_action_and_checklist_item_is_in_one_table_in_order(snap):
    tables = {t.kind: t for t in pack_content(snap, "en").tables}
    cat = snap.catalog
    # 42 annex tasks in the annex's order, whether or not their domain has charts
    assert [i.clause for i in tables["tasks"].items] == [f"Annex, item {n}" for n in range(1, 43)]
    assert tables["tasks"].items[10].domain == "Information infrastructure"  # task 11
    assert [i.text for i in tables["actions"].items] == [
        cat.tasks[f"ip_{n:02d}"].text("en") for n in range(1, 12)
    ]
    assert len(tables["checklist"].items) == 11  # 5 of the 2017 document, 6 Internet+ goals
    assert "all 42" in tables["tasks"].subheading and "all 11" in tables["actions"].subheading


def test_a_task_nobody_reported_on_reads_as_on_the_task_page_with_no_evidence(snap):
    from indicators.present.tables import tasks_table

    tasks = {t.kind: t for t in pack_content(snap, "zh").tables}["tasks"].items
    # the shipped store has no task status: every task is "未报告", the task page's word
    assert {i.status for i in tasks} == {"未报告"}
    assert set(tasks_table(snap, "zh")["状态"]) == {"未报告"}
    assert {i.evidence for i in tasks} == {""}


def test_pptx_pack_has_a_slide_per_chart_and_every_charted_domain_as_a_title(snap, packs):
    deck = Presentation(io.BytesIO(packs("en", "pptx")))
    titles = [
        next((sh.text_frame.text for sh in s.shapes if sh.name == "Title"), None)
        for s in deck.slides
    ]
    pictures = sum(1 for s in deck.slides for sh in s.shapes if sh.shape_type == 13)
    assert pictures == _n_charts(snap)
    assert set(_chart_domains(snap, "en")) <= set(titles)
    assert titles[-1] == "Method note"
    # the note runs over as many slides as it needs, none overfull
    method = [s for s, t in zip(deck.slides, titles, strict=True) if t == "Method note"]
    assert len(method) >= 2
    assert deck.slide_width * 9 == deck.slide_height * 16


def test_export_figure_command_writes_the_requested_png(_built_db, tmp_path, capsys):
    out = tmp_path / "bullet.png"
    assert (
        main(
            [
                "export-figure",
                "info_consumption_scale",
                "--kind",
                "bullet",
                "--format",
                "png",
                "--lang",
                "en",
                "--db",
                str(_built_db),
                str(out),
            ]
        )
        == 0
    )
    assert Image.open(out).size == (3200, 1800)
    assert "bullet chart of info_consumption_scale" in capsys.readouterr().out


def test_export_figure_svg_carries_the_target_name_in_the_language_asked(
    _built_db, tmp_path, catalog
):
    out = tmp_path / "t.svg"
    assert (
        main(
            [
                "export-figure",
                "fibre_village_share",
                "--kind",
                "trajectory",
                "--lang",
                "zh",
                "--db",
                str(_built_db),
                str(out),
            ]
        )
        == 0
    )  # format from the suffix
    assert catalog.targets["fibre_village_share"].name("zh") in out.read_text()


def test_export_figure_refuses_an_unknown_or_qualitative_target(_built_db, tmp_path, capsys):
    for target in ("no_such_target", "infra_world_leading"):
        assert (
            main(
                [
                    "export-figure",
                    target,
                    "--kind",
                    "bullet",
                    "--db",
                    str(_built_db),
                    str(tmp_path / "x.png"),
                ]
            )
            == 1
        )
    assert not (tmp_path / "x.png").exists()
    assert "no target 'no_such_target'" in capsys.readouterr().err


def test_export_pack_command_writes_a_pdf(_built_db, tmp_path, capsys):
    out = tmp_path / "pack.pdf"
    assert main(["export-pack", "--lang", "en", "--db", str(_built_db), str(out)]) == 0
    reader = PdfReader(out)
    assert "Method note" in "".join(p.extract_text() for p in reader.pages[-3:])
    assert "briefing pack, pdf, en" in capsys.readouterr().out


def test_pack_draws_no_empty_chart_and_names_the_targets_without_figures(snap):
    content = pack_content(snap, "zh")
    empty = "暂无数据"
    for section in content.sections:
        for name, fig in section.charts:
            texts = [a.text for a in fig.layout.annotations]
            assert empty not in texts, name
    # The shipped figures have nothing for related output or training projects.
    named = content.without_figures
    assert snap.catalog.targets["related_output"].name("zh") in named
    assert snap.catalog.targets["skills_training_projects"].name("zh") in named
    assert all(
        not name.startswith(("bullet-related_output", "trajectory-related_output"))
        for s in content.sections
        for name, _fig in s.charts
    )


def test_milestone_chart_in_the_pack_is_titled_by_deadline_not_by_a_path(snap):
    charts = dict(c for s in pack_content(snap, "zh").sections for c in s.charts)
    title = charts["trajectory-5g_commercial_launch"].layout.title.text.replace("<br>", "")
    assert title == "5G启动商用：期限与实现时间"


def _flat(text: str) -> str:
    return "".join(text.split())


def _deck_text(data: bytes) -> str:
    """Every a:t run of every slide's XML: what PowerPoint shows, tables included."""
    import re
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted(n for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n))
        xml = "".join(z.read(n).decode() for n in names)
    return "".join(re.findall(r"<a:t>([^<]*)</a:t>", xml))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["pdf", "pptx"])
def test_every_annex_task_and_internet_plus_action_is_in_the_pack(snap, packs, lang, fmt):
    from xml.sax.saxutils import escape

    data = packs(lang, fmt)
    if fmt == "pdf":
        text = _flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    else:
        text = _flat(_deck_text(data))
    tasks = snap.catalog.tasks.values()
    annex = [t for t in tasks if t.id.startswith("t2017_")]
    actions = [t for t in tasks if t.id.startswith("ip_")]
    assert (len(annex), len(actions)) == (42, 11)
    missing = [
        t.id
        for t in [*annex, *actions]
        if _flat(t.text(lang) if fmt == "pdf" else escape(t.text(lang))) not in text
    ]
    assert missing == []
    # numbered as the annex numbers them, 11 to 20 included (they were missing)
    for n in range(1, 43):
        assert _flat(f"附件 {n}" if lang == "zh" else f"Annex, item {n}") in text


def _ink_depth(png: Image.Image) -> float:
    """How far down the page its content reaches, as a share of the area between the top
    margin and the footer (the footer and page number are on every page: left out)."""
    import numpy as np

    grey = np.asarray(png.convert("L"))
    h = grey.shape[0]
    top, bottom = int(h * 0.06), int(h * 0.9)  # 14 mm margins; the footer sits below 0.9
    rows = np.flatnonzero(grey[top:bottom].min(axis=1) < 200)
    return float(rows[-1]) / (bottom - top) if rows.size else 0.0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_pdf_page_is_a_heading_and_a_row(packs, lang, tmp_path):
    """Rendered as a reader sees it (pdftoppm): every page after the cover is filled at least
    a third of the way down (a page of one table row and its header came to about a tenth)."""
    import subprocess

    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(packs(lang, "pdf"))
    subprocess.run(
        ["pdftoppm", "-r", "24", "-gray", "-png", str(pdf), str(tmp_path / "p")], check=True
    )
    pages = sorted(tmp_path.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    depth = {n: round(_ink_depth(Image.open(p)), 2) for n, p in enumerate(pages, start=1)}
    assert len(depth) == len(PdfReader(pdf).pages) > 15
    assert {n: d for n, d in depth.items() if n > 1 and d < 1 / 3} == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_pptx_slide_is_a_heading_and_a_row_or_a_sentence(packs, lang):
    """Every slide after the cover carries a chart, a table of at least four rows, or a text
    of a screenful (the method note). Before: 13 one-row tables and two one-sentence slides."""
    from indicators.export.pack_pptx import METHOD_CHARS_PER_SLIDE

    deck = Presentation(io.BytesIO(packs(lang, "pptx")))
    thin = []
    for n, slide in enumerate(list(deck.slides)[1:], start=2):
        pictures = [sh for sh in slide.shapes if sh.shape_type == 13]
        rows = max((len(sh.table.rows) - 1 for sh in slide.shapes if sh.has_table), default=0)
        text = sum(
            len(sh.text_frame.text) * (2 if lang == "zh" else 1)
            for sh in slide.shapes
            if sh.has_text_frame and sh.name != "Title"
        )
        # a third of what a method slide holds, as a PDF page is held to a third
        if not pictures and rows < 4 and text < METHOD_CHARS_PER_SLIDE["en"] / 3:
            thin.append((n, rows, text))
    assert thin == []
    assert len(deck.slides) < 46  # 46 before the merge


def test_export_figure_refuses_a_provinces_chart_with_no_provincial_figures(
    _built_db, tmp_path, capsys
):
    out = tmp_path / "regions.png"
    args = ["export-figure", "--kind", "regions", "--db", str(_built_db), str(out)]
    # the shipped figures are national: the chart would be an empty slide reading "暂无数据"
    assert main([args[0], "fibre_village_share", *args[1:]]) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "fibre_village_share has no provincial figures" in err and "--kind bullet" in err
    # a national-only target is refused for what it is
    assert main([args[0], "info_consumption_scale", *args[1:]]) == 1
    assert "info_consumption_scale is not set per province" in capsys.readouterr().err


def test_export_figure_writes_a_provinces_chart_once_provinces_have_figures(store, tmp_path):
    from tests.test_figures import PROVINCES, write_provinces

    write_provinces(store, PROVINCES)
    out = tmp_path / "regions.svg"
    args = ["export-figure", "fibre_village_share", "--kind", "regions", "--lang", "en"]
    assert main([*args, "--db", store.location, "--as-of", "2026-11-23", str(out)]) == 0
    assert "Tibet" in out.read_text()
