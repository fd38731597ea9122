"""The shipped published figures go through the upload rules, with URL and date accessed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indicators.base.sources import shipped_citations
from indicators.commands import build
from indicators.commands.build import ShippedDataRejected, build_database
from indicators.commands.cli import main
from indicators.ingest.published import check_published
from indicators.store import Store

HEADER = (
    "indicator_id,region,period,value,qualifier,unit,publisher,where_found,publisher_en,"
    "where_found_en,quote,quote_en,url,accessed"
)
GOOD = (
    "fibre_village_share,national,2019-08,98,>,%,人民日报,转载文章,People's Daily,"
    "reposted article,行政村通光纤比例超过98%,Over 98% of villages have fibre,"
    "https://example.org/a?b=1,2026-11-01"
)
TODAY = date(2026, 11, 30)


def shipped(tmp_path: Path, *rows: str) -> Path:
    folder = tmp_path / "actuals"
    folder.mkdir(exist_ok=True)
    (folder / "published_actuals.csv").write_text(
        "\n".join([HEADER, *rows]) + "\n", encoding="utf-8"
    )
    return folder


def found(checked) -> set[tuple[int | None, str | None, str]]:
    return {(p.excel_row, p.column, p.code) for p in checked.problems}


def test_the_shipped_figures_are_stored_as_the_file_says(store):
    rows = store.current_actuals()
    assert len(rows) == 12
    fibre = rows[(rows["indicator_id"] == "fibre_village_share") & (rows["period"] == "2019-08")]
    assert fibre[["region_code", "value", "qualifier", "unit"]].values.tolist() == [
        ["000000", 98.0, ">", "%"]
    ]
    assert fibre["source"].item() == "人民日报 2019-08-02 · 转载文章"
    assert fibre["note"].item().startswith("我国行政村通光纤和通4G比例均超过98%")
    assert [u.kind for u in store.uploads()] == ["seed"]


def test_a_good_row_with_url_and_date_accessed_passes(tmp_path, catalog):
    data = (HEADER + "\n" + GOOD + "\n").encode()
    checked = check_published(data, "x.csv", catalog, today=TODAY)
    assert checked.ok, checked.problems
    assert checked.rows["source"].astype(str).tolist() == ["人民日报 · 转载文章"]
    assert checked.rows["note"].astype(str).tolist() == ["行政村通光纤比例超过98%"]


def test_bad_urls_and_dates_accessed_are_named_by_row_and_column(catalog):
    bad = [
        GOOD.replace("https://example.org/a?b=1", "example.org/a"),  # row 2: no scheme
        GOOD.replace("2026-11-01", ""),  # row 3: a URL without its date
        GOOD.replace("2026-11-01", "2026-12-01"),  # row 4: after today
        GOOD.replace("2026-11-01", "1/11/2026"),
    ]  # row 5: not ISO
    bad = [b.replace("2019-08", f"20{15 + i}") for i, b in enumerate(bad)]
    checked = check_published(
        ("\n".join([HEADER, *bad]) + "\n").encode(), "x.csv", catalog, today=TODAY
    )
    assert found(checked) == {
        (2, "M · url", "bad_url"),
        (3, "N · accessed", "accessed_missing"),
        (4, "N · accessed", "future_accessed"),
        (5, "N · accessed", "bad_accessed"),
    }


def test_a_quote_without_its_english_rendering_is_named_by_row_and_column(catalog):
    row = GOOD.replace("Over 98% of villages have fibre", " ")
    checked = check_published(
        f"{HEADER}\n{GOOD}\n{row.replace('2019-08', '2020')}\n".encode(),
        "x.csv",
        catalog,
        today=TODAY,
    )
    assert found(checked) == {(3, "L · quote_en", "quote_en_missing")}


def test_a_formula_in_a_provenance_column_is_refused(catalog):
    row = GOOD.replace("reposted article", "=HYPERLINK(1)")
    checked = check_published(f"{HEADER}\n{row}\n".encode(), "x.csv", catalog, today=TODAY)
    assert found(checked) == {(2, "J · where_found_en", "formula")}


def test_a_bad_shipped_row_stops_the_build_with_row_column_and_reason(tmp_path, empty_store):
    folder = shipped(
        tmp_path,
        GOOD,
        GOOD.replace(",98,", ",abc,").replace("2019-08", "2020"),
        GOOD.replace("fibre_village_share", "fibre_share").replace("2019-08", "2021"),
    )
    with pytest.raises(ShippedDataRejected) as caught:
        build_database(empty_store, actuals_dir=folder, today=TODAY)
    assert caught.value.file_name == "published_actuals.csv"
    assert {(p.excel_row, p.column, p.code) for p in caught.value.problems} == {
        (3, "D · value", "not_numeric"),
        (4, "A · indicator_id", "unknown_indicator"),
    }
    # The good row was not loaded either: the file is all or nothing.
    assert empty_store.current_actuals().empty
    assert empty_store.uploads() == []


def test_init_db_on_a_bad_shipped_file_exits_1_and_prints_the_problems(
    tmp_path, monkeypatch, capsys
):
    folder = shipped(tmp_path, GOOD.replace(",98,", ",abc,"))
    monkeypatch.setattr(build, "ACTUALS_DIR", folder)
    db = tmp_path / "x.duckdb"
    assert main(["init-db", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "published_actuals.csv breaks 1 upload rule(s)" in err
    assert "D · value" in err and "Not a number" in err
    assert Store(db).uploads() == []


def test_the_method_page_lists_each_shipped_source_with_its_url(tmp_path):
    other = GOOD.replace(
        "人民日报,转载文章,People's Daily,reposted article", "工业和信息化部,新闻稿,MIIT,release"
    ).replace("https://example.org/a?b=1,2026-11-01", ",")
    folder = shipped(tmp_path, GOOD, GOOD.replace("2019-08", "2020"), other)
    assert shipped_citations("en", folder) == [
        "People's Daily (reposted article): https://example.org/a?b=1 (accessed 2026-11-01)",
        "MIIT (release) — no URL recorded",
    ]
    assert shipped_citations("zh", folder) == [
        "人民日报 · 转载文章：https://example.org/a?b=1（访问于 2026-11-01）",
        "工业和信息化部 · 新闻稿 — 未记录网址",
    ]
