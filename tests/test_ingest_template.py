"""The downloadable templates: bilingual headers, real stored figures as examples, and they
read back through the same pipeline without changing anything."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from indicators.ingest import Options, check_file, preview
from indicators.ingest.template import HEADERS, template_csv, template_xlsx
from indicators.store import Store


def test_the_csv_template_has_chinese_and_english_headers_and_stored_examples(
    store: Store,
) -> None:
    data = template_csv(store.catalog(), store.current_actuals())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese correctly
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(HEADERS)
    assert "指标/indicator" in rows[0] and "数值/value" in rows[0]
    assert len(rows) > 2
    assert ["行政村通光纤比例", "全国", "2021-05", ">99", "%"] in [r[:5] for r in rows]


def test_a_template_uploaded_unchanged_is_valid_and_changes_nothing(store: Store) -> None:
    catalog, current = store.catalog(), store.current_actuals()
    for name, data in (
        ("t.csv", template_csv(catalog, current)),
        ("t.xlsx", template_xlsx(catalog, current)),
    ):
        checked = check_file(data, name, catalog, Options())
        assert checked.ok, (name, [(p.code, p.value) for p in checked.problems])
        pv = preview(store, checked)
        assert pv.new == pv.changed == 0
        assert pv.unchanged == len(checked.rows) > 0


def test_the_xlsx_template_lists_the_indicators_and_regions_it_accepts(store: Store) -> None:
    wb = load_workbook(io.BytesIO(template_xlsx(store.catalog(), store.current_actuals())))
    assert wb.sheetnames == ["数据 data", "指标 indicators", "地区 regions"]
    ids = [r[0] for r in wb["指标 indicators"].iter_rows(min_row=2, values_only=True)]
    assert "info_consumption_scale" in ids
    assert "infra_world_leading" not in ids  # qualitative: takes no figures
    assert wb["地区 regions"].max_row == 1 + len(store.catalog().regions)


def test_template_units_are_written_in_chinese_and_listed_in_both_languages(
    store: Store,
) -> None:
    catalog, current = store.catalog(), store.current_actuals()
    rows = list(csv.reader(io.StringIO(template_csv(catalog, current).decode("utf-8-sig"))))
    # the 5G launch (catalog unit "event") is among the newest figures: its unit reads 事件
    assert ["5G启动商用", "全国", "2019-10-31", "1", "事件"] in [r[:5] for r in rows]
    assert {r[4] for r in rows[1:]} <= {"万亿元", "%", "个", "事件"}
    wb = load_workbook(io.BytesIO(template_xlsx(catalog, current)))
    listed = {r[0]: r[3:5] for r in wb["指标 indicators"].iter_rows(min_row=2, values_only=True)}
    assert listed["5g_commercial_launch"] == ("事件", "event")
    assert listed["skills_training_projects"] == ("个", "projects")
    assert listed["info_consumption_scale"] == ("万亿元", "trillion yuan")


def test_the_edit_form_shows_units_in_the_page_language_and_reads_them_back(
    store: Store,
) -> None:
    from indicators.ingest import check_records
    from indicators.ingest.edits import edited_records, editor_frame

    current = store.current_actuals()
    assert list(editor_frame(current, "5g_commercial_launch", "000000", "zh")["unit"]) == ["事件"]
    en = editor_frame(current, "info_consumption_scale", "000000", "en")
    assert set(en["unit"]) == {"trillion yuan"}
    # left as shown, nothing is an edit; a changed figure in the shown unit is valid
    assert edited_records(en, en.copy(), "info_consumption_scale", "000000") == ([], [])
    edited = en.copy()
    edited.loc[len(en) - 1, "value"] = "6.9"
    records, numbers = edited_records(en, edited, "info_consumption_scale", "000000")
    checked = check_records(records, store.catalog(), row_numbers=numbers)
    assert checked.ok, [(p.code, p.value) for p in checked.problems]
    assert list(checked.rows["value"]) == [6.9]


def test_the_growth_indicator_has_no_year_on_year_example_and_says_what_belongs(
    store: Store,
) -> None:
    from indicators.ingest.template import example_rows, what_belongs

    catalog = store.catalog()
    rows = example_rows(catalog, store.current_actuals(), n=50)
    assert "信息消费规模年均增速" not in [r[0] for r in rows]  # the stored 2018 11.1 % is y-o-y
    note = what_belongs(catalog, "info_consumption_growth")
    assert "自2016年起每年的年均复合增速" in note and "不是当年同比" in note
    assert "not a year-on-year rate" in note
    assert what_belongs(catalog, "info_consumption_scale") == ""
