"""One language per page: clause numbers, qualifiers and shipped sources in the page's."""

from __future__ import annotations

import re
from datetime import date

import pytest

from indicators.base.clauses import chinese_number, clause_text
from indicators.base.sources import source_text
from indicators.domain.snapshot import load_snapshot
from indicators.present import charts as F
from indicators.present.tables import format_value, targets_table

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.mark.parametrize(("text", "number"), [("一", 1), ("十", 10), ("十三", 13), ("二十二", 22)])
def test_chinese_clause_numbers_read_as_arabic(text, number):
    assert chinese_number(text) == number


@pytest.mark.parametrize(
    ("clause", "en"),
    [
        ("一(三)", "Section 1 (3)"),
        ("三(十三)", "Section 3 (13)"),
        ("四", "Section 4"),
        ("附件 12", "Annex, item 12"),
    ],
)
def test_clauses_read_as_sections_and_annex_items_in_english_and_as_printed_in_chinese(clause, en):
    assert clause_text(clause, "en") == en
    # the document's own numbering, with its full-width brackets: 三（十三）
    assert clause_text(clause, "zh") == clause.replace("(", "（").replace(")", "）")


def test_word_qualifiers_are_english_words_on_an_english_page():
    assert format_value(34.0, "约", "en") == "about 34"
    assert format_value(34.0, "约", "zh") == "约34"
    assert format_value(98.0, ">", "en") == ">98"


def test_shipped_sources_have_an_english_rendering_and_planner_text_stays_as_written():
    zh = "工业和信息化部 副部长 · 通讯社电讯 2021-05"
    assert source_text(zh, "en") == "MIIT Vice Minister (news wire 2021-05)"
    assert source_text(zh, "zh") == zh
    assert source_text("省通信管理局", "en") == "省通信管理局"


@pytest.mark.parametrize(
    "target", ["fibre_village_share", "village_info_station_coverage", "info_consumption_scale"]
)
def test_chart_source_lines_hold_one_language(store, target):
    snap = load_snapshot(store, as_of=date(2026, 11, 23))
    zh = F.trajectory_chart(snap, target, "zh").layout.meta["source"]
    en = F.trajectory_chart(snap, target, "en").layout.meta["source"]
    assert not LATIN_WORD.search(zh.replace("MIIT", "")), zh
    # Document numbers (Guofa) stay; no Chinese character remains.
    assert not CJK.search(en), en


def test_english_targets_table_writes_about_not_yue(store):
    table = targets_table(load_snapshot(store, as_of=date(2026, 11, 23)), "en")
    latest = dict(zip(table["id"], table["Latest actual"], strict=True))
    # 约34% is the shipped share derived from two counts: labelled so, in English too
    assert latest["village_info_station_coverage"] == "about 34 (derived)"


def test_every_shipped_figure_quote_has_an_english_rendering():
    import csv

    from indicators.base.paths import ACTUALS_DIR

    rows = list(csv.DictReader((ACTUALS_DIR / "published_actuals.csv").open(encoding="utf-8")))
    assert len(rows) == 12
    for r in rows:
        assert r["quote"].strip() and r["quote_en"].strip(), r
        assert not CJK.search(r["quote_en"]), r["quote_en"]


def test_a_shipped_figure_whose_english_rendering_is_empty_is_refused_naming_row_and_column(
    tmp_path,
):
    import csv

    from indicators.base.paths import ACTUALS_DIR
    from indicators.commands.build import ShippedDataRejected, build_database
    from indicators.store import Store

    with (ACTUALS_DIR / "published_actuals.csv").open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    records[1]["quote_en"] = ""  # row 3 of the file (2014)
    (tmp_path / "actuals").mkdir()
    with (tmp_path / "actuals" / "published_actuals.csv").open(
        "w", encoding="utf-8", newline=""
    ) as fh:
        writer = csv.DictWriter(fh, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    store = Store(tmp_path / "x.duckdb")
    with pytest.raises(ShippedDataRejected) as caught:
        build_database(store, actuals_dir=tmp_path / "actuals")
    assert [(p.excel_row, p.column, p.code) for p in caught.value.problems] == [
        (3, "L · quote_en", "quote_en_missing")
    ]
    assert store.current_actuals().empty  # nothing of the file was stored


def test_an_uploads_figures_read_in_english_with_each_quoted_original_beside_its_rendering(store):
    from indicators.base.sources import note_text
    from indicators.ingest.display import upload_rows_table

    seed = store.uploads()[-1]
    table = upload_rows_table(store.upload_rows(seed.id), store.catalog(), "en")
    first = table.iloc[0]
    assert (first["Period"], first["Source"]) == (
        "2013",
        "Ministry of Industry and Information Technology (MIIT) (reposted release)",
    )
    assert first["Note"] == (
        "“Nationwide, the overall scale of information consumption reached 2.2 trillion yuan, "
        "up 28% on the previous year” · Original: "
        "“全国信息消费整体规模达到2.2万亿元,比上年增长28%”"
    )
    for row in table.itertuples(index=False):
        for cell in row:
            # greedy: an original may quote within itself (“十三五”)
            assert not CJK.search(re.sub(r"“.*”", "", str(cell))), row
    # a planner's own note is theirs: shown as written, in either language
    assert note_text("省统计局口径", "en") == "省统计局口径"
    assert note_text("全国信息消费整体规模达到2.2万亿元,比上年增长28%", "zh") == (
        "全国信息消费整体规模达到2.2万亿元,比上年增长28%"
    )


@pytest.mark.parametrize(
    ("lang", "task", "goal"), [("zh", "进行中", "已完成"), ("en", "In progress", "Done")]
)
def test_a_reported_status_reads_in_the_packs_language(store, lang, task, goal):
    from indicators.export.pack import pack_content

    store.set_status("task", "ip_01", "in_progress", user="nat")
    store.set_status("target", "ip_2018_economy", "done", user="nat")
    tables = {t.kind: t.items for t in pack_content(load_snapshot(store), lang).tables}
    assert tables["actions"][0].status == task
    goals = {i.text: i.status for i in tables["checklist"]}
    name = store.catalog().targets["ip_2018_economy"].name(lang)
    assert goals[name] == goal
