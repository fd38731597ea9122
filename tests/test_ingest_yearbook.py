"""Tables as planners copy them from yearbooks, bulletins and web pages: one fixture per shape.

Each test asserts the exact rows of the preview (Excel row, indicator, region, period, value
in the catalog unit) and how the sheet was read (header rows, rows set aside and why, unit).
The figures are test data, not published statistics.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from indicators.ingest import Options, check_file, preview
from indicators.ingest.pipeline import ALL_SHEETS, Checked
from indicators.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TODAY = date(2026, 11, 23)
FIBRE, SCALE, SKILLS = "fibre_village_share", "info_consumption_scale", "skills_training_projects"
Row = tuple[int, str, str, str, float]


def _check(store: Store, name: str, **options: object) -> Checked:
    return check_file(
        (FIXTURES / name).read_bytes(), name, store.catalog(), Options(today=TODAY, **options)
    )


def _preview_rows(store: Store, checked: Checked) -> list[Row]:
    assert checked.ok, [(p.code, p.excel_row, p.column, p.value) for p in checked.problems]
    rows = preview(store, checked).rows
    assert set(rows["change"]) == {"new"}  # an empty store: every figure is new
    return sorted(
        (int(r.excel_row), r.indicator_id, r.region_code, r.period, round(float(r.value), 10))
        for r in rows.itertuples(index=False)
    )


def _ignored(checked: Checked) -> list[tuple[int, str, str]]:
    assert checked.shape is not None
    return [(i.excel_row, i.reason, i.text) for i in checked.shape.ignored]


def test_a_yearbook_sheet_with_title_unit_row_and_footnote_is_read_below_its_title(
    empty_store: Store,
) -> None:
    # The shape that was refused with "缺少 period 列 … 此列有数据但没有表头".
    checked = _check(empty_store, "yearbook_title_unit.csv", indicator=FIBRE, layout="wide")
    assert _preview_rows(empty_store, checked) == [
        (5, FIBRE, "000000", "2018", 96.0),
        (5, FIBRE, "000000", "2019", 98.0),
        (6, FIBRE, "110000", "2018", 100.0),
        (6, FIBRE, "110000", "2019", 100.0),
        (7, FIBRE, "130000", "2018", 95.5),
        (7, FIBRE, "130000", "2019", 97.2),
    ]
    assert checked.shape is not None
    assert checked.shape.header_rows == (4,)
    assert (checked.shape.unit, checked.shape.unit_cell) == ("%", "A3 · 单位：%")
    assert _ignored(checked) == [
        (1, "title", "表3-12 各地区行政村通光纤比例"),
        (3, "unit", "单位：%"),
        (8, "note", "注：数据来源于工业和信息化部（测试数据）。"),
    ]


def test_a_two_row_header_reads_the_sub_column_in_the_indicators_unit(
    empty_store: Store,
) -> None:
    checked = _check(empty_store, "yearbook_two_row_header.xlsx", indicator="信息消费规模")
    # 52,000 亿元 = 5.2 万亿元; 5.8万 亿元 = 58,000 亿元 = 5.8; 5300 亿元 = 0.53.
    assert _preview_rows(empty_store, checked) == [
        (4, SCALE, "000000", "2019", 5.2),
        (4, SCALE, "000000", "2020", 5.8),
        (5, SCALE, "440000", "2019", 0.53),
        (5, SCALE, "440000", "2020", 0.56),
    ]
    assert checked.shape is not None
    assert checked.shape.header_rows == (2, 3)
    assert checked.shape.column_units == {"B · 2019年": "亿元", "D · 2020年": "亿元"}
    assert _ignored(checked) == [
        (1, "title", "表2 各地区信息消费情况"),
        (2, "column", "2019年 增速(%)"),
        (2, "column", "2020年 增速(%)"),
    ]


def test_a_two_row_header_with_two_figures_per_year_and_no_indicator_is_refused(
    empty_store: Store,
) -> None:
    checked = _check(empty_store, "yearbook_two_row_header.xlsx")
    assert [(p.code, p.excel_row, p.value) for p in checked.problems] == [
        ("ambiguous_columns", 2, "规模、增速")
    ]
    assert "choose the indicator" in checked.problems[0].message("en")
    assert "请为整张表选择指标" in checked.problems[0].message("zh")


def test_sub_rows_and_groupings_are_set_aside_and_indented_names_still_match(
    empty_store: Store,
) -> None:
    checked = _check(empty_store, "yearbook_subrows.csv", indicator=FIBRE)
    assert _preview_rows(empty_store, checked) == [
        (2, FIBRE, "000000", "2018", 96.0),
        (2, FIBRE, "000000", "2019", 98.0),
        (4, FIBRE, "110000", "2018", 100.0),
        (4, FIBRE, "110000", "2019", 100.0),
        (6, FIBRE, "440000", "2018", 98.1),
        (6, FIBRE, "440000", "2019", 99.0),
    ]
    assert _ignored(checked) == [
        (3, "subrow", "东部地区"),
        (5, "subrow", "#城区"),
        (7, "subrow", "其中：农村"),
    ]


def test_a_misspelt_region_is_still_an_error_not_a_sub_row(empty_store: Store) -> None:
    data = "地区,2019年\n全国,98\n粤北省,97\n".encode()
    checked = check_file(
        data, "x.csv", empty_store.catalog(), Options(today=TODAY, indicator=FIBRE)
    )
    assert [(p.code, p.excel_row, p.value) for p in checked.problems] == [
        ("unknown_region", 3, "粤北省")
    ]


def test_notes_missing_markers_thousands_and_wan_are_read_as_published(
    empty_store: Store,
) -> None:
    checked = _check(empty_store, "yearbook_notes_missing.csv", region="全国")
    # 45,000 亿元 = 4.5 万亿元; 5.2万 亿元 = 52,000 亿元 = 5.2 万亿元; "1,050" projects.
    assert _preview_rows(empty_store, checked) == [
        (2, SCALE, "000000", "2018", 4.5),
        (2, SCALE, "000000", "2019", 5.2),
        (3, FIBRE, "000000", "2019", 98.0),
        (4, SKILLS, "000000", "2018", 1050.0),
    ]
    assert checked.shape is not None
    assert checked.shape.no_figure == 5  # …  —  /  空  -
    assert _ignored(checked) == [
        (5, "note", "注：…表示数据暂缺，-表示无此项。"),
        (6, "note", "资料来源：测试数据"),
    ]


def test_one_sheet_of_a_workbook_is_picked_by_name(empty_store: Store) -> None:
    checked = _check(empty_store, "yearbook_sheets.xlsx", sheet="光纤")
    assert _preview_rows(empty_store, checked) == [
        (4, FIBRE, "000000", "2018", 96.0),
        (4, FIBRE, "000000", "2019", 98.0),
        (5, FIBRE, "450000", "2018", 94.0),
    ]
    assert checked.shape is not None and checked.shape.no_figure == 1
    assert checked.shape.indicator == FIBRE  # the title names it


def test_a_table_pasted_from_a_web_page_is_read_like_a_file(empty_store: Store) -> None:
    checked = _check(empty_store, "pasted_table.tsv")
    assert checked.info is not None and checked.info.delimiter == "tab"
    assert _preview_rows(empty_store, checked) == [
        (3, FIBRE, "110000", "2018", 100.0),
        (3, FIBRE, "110000", "2019", 100.0),
        (4, FIBRE, "120000", "2018", 99.5),
        (4, FIBRE, "120000", "2019", 99.8),
    ]
    assert _ignored(checked) == [(1, "title", "2019年各地区行政村通光纤比例")]


@pytest.mark.parametrize("name", ["good_long.csv", "good_wide_indicators.csv"])
def test_a_file_in_our_template_is_read_as_before(empty_store: Store, name: str) -> None:
    checked = _check(empty_store, name, region="全国")
    assert checked.ok
    shape = checked.shape
    assert shape is not None
    assert (shape.header_rows, shape.ignored, shape.unit, shape.column_units) == (
        (1,),
        (),
        None,
        {},
    )


def test_a_unit_in_a_header_cell_converts_the_values(empty_store: Store) -> None:
    data = '地区,2019年(亿元),2020年\n全国,"52,000",5.8万亿元\n'.encode()
    checked = check_file(
        data, "h.csv", empty_store.catalog(), Options(today=TODAY, indicator=SCALE)
    )
    assert _preview_rows(empty_store, checked) == [
        (2, SCALE, "000000", "2019", 5.2),
        (2, SCALE, "000000", "2020", 5.8),
    ]


def test_a_unit_row_that_does_not_fit_the_indicator_is_refused_at_that_cell(
    empty_store: Store,
) -> None:
    data = "各地区行政村通光纤比例\n单位：亿元\n地区,2019年\n全国,98\n".encode()
    checked = check_file(data, "u.csv", empty_store.catalog(), Options(today=TODAY))
    assert [(p.code, p.excel_row, p.column) for p in checked.problems] == [
        ("unit_mismatch", 4, "A2 · 单位：亿元")
    ]


def test_every_recognised_sheet_is_taken_in_one_upload_and_the_others_are_named(
    empty_store: Store,
) -> None:
    checked = _check(empty_store, "yearbook_sheets.xlsx", sheet=ALL_SHEETS)
    rows = preview(empty_store, checked).rows
    assert sorted(
        (r.sheet, int(r.excel_row), r.indicator_id, r.region_code, r.period, float(r.value))
        for r in rows.itertuples(index=False)
    ) == [
        ("光纤", 4, FIBRE, "000000", "2018", 96.0),
        ("光纤", 4, FIBRE, "000000", "2019", 98.0),
        ("光纤", 5, FIBRE, "450000", "2018", 94.0),
        ("规模", 2, SCALE, "000000", "2019", 5.2),  # 52000 亿元
    ]
    assert [
        (s.name, s.layout, s.rows, s.skipped.code if s.skipped else None) for s in checked.sheets
    ] == [("说明", None, 0, "header_only"), ("光纤", "wide", 3, None), ("规模", "long", 1, None)]
    assert checked.info is not None and checked.info.sheet == "光纤, 规模"


def test_the_same_figure_on_two_sheets_is_refused_naming_both(
    empty_store: Store,
    tmp_path: Path,
) -> None:
    wb = Workbook()
    wb.active.title = "甲"
    wb.active.append(["指标", "地区", "时期", "数值"])
    wb.active.append(["信息消费规模", "全国", 2019, 5.2])
    other = wb.create_sheet("乙")
    other.append(["地区", "2019年"])
    other.append(["全国", 5.3])
    wb.save(tmp_path / "two.xlsx")
    checked = check_file(
        (tmp_path / "two.xlsx").read_bytes(),
        "two.xlsx",
        empty_store.catalog(),
        Options(today=TODAY, sheet=ALL_SHEETS, indicator=SCALE),
    )
    assert [(p.code, p.excel_row, p.column) for p in checked.problems] == [
        ("duplicate_sheet", 2, "[乙]")
    ]
    assert "sheet “甲”" in checked.problems[0].message("en")


def test_a_figure_repeated_on_two_later_sheets_is_refused_on_each_naming_the_first(
    empty_store: Store,
    tmp_path: Path,
) -> None:
    wb = Workbook()
    wb.active.title = "甲"
    for row in (["指标", "地区", "时期", "数值"], ["信息消费规模", "全国", 2019, 5.2]):
        wb.active.append(row)
    wb.active.append(["信息消费规模", "全国", 2020, 5.5])
    wide = wb.create_sheet("乙")
    wide.append(["地区", "2018年", "2019年"])
    wide.append(["全国", 4.9, 5.3])
    long = wb.create_sheet("丙")
    long.append(["指标", "地区", "时期", "数值"])
    long.append(["信息消费规模", "全国", 2020, 5.6])
    long.append(["信息消费规模", "全国", 2019, 5.4])
    wb.save(tmp_path / "three.xlsx")
    checked = check_file(
        (tmp_path / "three.xlsx").read_bytes(),
        "three.xlsx",
        empty_store.catalog(),
        Options(today=TODAY, sheet=ALL_SHEETS, indicator=SCALE),
    )
    # In sheet order, then row order: 乙's 2019 repeats 甲 row 2; 丙's 2020 repeats 甲 row 3
    # and its 2019 甲 row 2 (the first, not 乙's). 乙's 2018 is given once.
    assert [
        (p.code, p.column, p.excel_row, p.value, p.params["sheet"], p.params["first"])
        for p in checked.problems
    ] == [
        ("duplicate_sheet", "[乙]", 2, "2019", "甲", 2),
        ("duplicate_sheet", "[丙]", 2, "2020", "甲", 3),
        ("duplicate_sheet", "[丙]", 3, "2019", "甲", 2),
    ]
    assert checked.n_problems == 3


def test_sheets_whose_columns_come_typed_differently_still_stack_in_sheet_order() -> None:
    import pyarrow as pa

    from indicators.ingest.pipeline import _stacked
    from indicators.store import ACTUAL_SCHEMA

    def rows(indicators: list[str], excel_rows: list[int]) -> pa.Table:
        n = len(indicators)
        table = ACTUAL_SCHEMA.empty_table().to_pydict()
        table.update(
            indicator_id=indicators,
            region_code=["000000"] * n,
            period=["2019"] * n,
            t=[2019.0] * n,
            value=[1.0] * n,
            unit=["万亿元"] * n,
            qualifier=[None] * n,
            source=[""] * n,
            note=[""] * n,
            value_high=[None] * n,
            published=[None] * n,
        )
        out = pa.Table.from_pydict(table, schema=ACTUAL_SCHEMA)
        return out.append_column("excel_row", pa.array(excel_rows, pa.int64()))

    first = rows([SCALE, FIBRE], [2, 3])
    # The second sheet's ids as a dictionary column, as the checks may hand them over.
    second = rows([SKILLS], [5])
    second = second.set_column(0, "indicator_id", second["indicator_id"].dictionary_encode())
    stacked = _stacked([("甲", Checked(None, None, first)), ("乙", Checked(None, None, second))])
    assert stacked.column_names[-2:] == ["excel_row", "sheet"]
    assert list(
        zip(
            stacked["sheet"].to_pylist(),
            stacked["excel_row"].to_pylist(),
            stacked["indicator_id"].to_pylist(),
            strict=True,
        )
    ) == [("甲", 2, SCALE), ("甲", 3, FIBRE), ("乙", 5, SKILLS)]


def test_a_workbook_read_whole_is_unpacked_and_checked_once_not_once_per_sheet(
    empty_store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import indicators.ingest.read_xlsx as read

    calls: list[int] = []
    check_zip = read.check_zip

    def counting(data: bytes) -> None:
        calls.append(len(data))
        check_zip(data)

    monkeypatch.setattr(read, "check_zip", counting)
    checked = _check(empty_store, "yearbook_sheets.xlsx", sheet=ALL_SHEETS)
    assert [s.name for s in checked.sheets] == ["说明", "光纤", "规模"]
    assert len(calls) == 1


def test_a_workbook_with_no_readable_sheet_lists_each_sheets_reason(
    empty_store: Store,
) -> None:
    checked = _check(empty_store, "good_wide_regions.xlsx", sheet=ALL_SHEETS)
    assert [(p.code, p.column) for p in checked.problems] == [
        ("header_only", "[说明]"),
        ("missing_column", "[广西 regions]"),
    ]


@pytest.mark.parametrize(
    ("text", "hint_zh", "hint_en"),
    [
        ("内蒙", "是否应为“内蒙古自治区”?", "Did you mean “Inner Mongolia”?"),
        ("粤北省", "没有相近的地区名", "No close match"),
    ],
)
def test_an_unknown_region_names_the_rows_indicator_and_the_nearest_region_if_any(
    empty_store: Store,
    text: str,
    hint_zh: str,
    hint_en: str,
) -> None:
    from indicators.ingest import problems_frame

    data = f"指标,地区,时期,数值\n行政村通光纤比例,{text},2019,98\n".encode()
    checked = check_file(data, "r.csv", empty_store.catalog(), Options(today=TODAY))
    zh = problems_frame(checked.problems, "zh", empty_store.catalog())
    en = problems_frame(checked.problems, "en", empty_store.catalog())
    assert list(zh.iloc[0][["行", "内容", "问题", "指标"]]) == [
        2,
        text,
        "未知地区",
        "行政村通光纤比例",
    ]
    assert zh.iloc[0]["提示"].startswith(hint_zh)
    assert en.iloc[0]["Indicator"] == "Administrative villages with fibre"
    assert en.iloc[0]["Hint"].startswith(hint_en)


def test_a_cell_that_is_not_a_number_gets_an_example_of_one(empty_store: Store) -> None:
    from indicators.ingest import problems_frame

    checked = check_file(
        (FIXTURES / "not_numeric.csv").read_bytes(),
        "n.csv",
        empty_store.catalog(),
        Options(today=TODAY),
    )
    frame = problems_frame(checked.problems, "en", empty_store.catalog())
    assert list(frame.iloc[0][["Row", "Value", "Problem", "Indicator"]]) == [
        3,
        "五点八",
        "Not a number",
        "Information consumption scale",
    ]
    assert "52,000" in frame.iloc[0]["Hint"]


def test_a_data_row_holding_a_year_is_not_taken_for_the_header(empty_store: Store) -> None:
    data = "名称,地方,年,量\n信息消费规模,全国,2020,5.8\n".encode()
    checked = check_file(data, "d.csv", empty_store.catalog(), Options(today=TODAY))
    assert checked.shape is not None and not checked.shape.found
    assert {(p.code, p.excel_row) for p in checked.problems} >= {("unknown_column", 1)}


def test_a_long_row_with_a_blank_indicator_is_a_data_row_not_a_second_header(
    empty_store: Store,
) -> None:
    data = "指标,地区,时期,数值\n,全国,2020年,五点八\n".encode()
    checked = check_file(data, "l.csv", empty_store.catalog(), Options(today=TODAY))
    assert checked.shape is not None and checked.shape.header_rows == (1,)
    assert [(p.code, p.excel_row) for p in checked.problems] == [
        ("empty_indicator", 2),
        ("not_numeric", 2),
    ]
