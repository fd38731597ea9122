"""Data downloads: CSV with BOM and XLSX that open cleanly in Excel, formulas neutralised."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from indicators.export.data import (
    figure_data,
    looks_like_formula,
    neutralise,
    to_csv_bytes,
    to_xlsx_bytes,
)

ATTACK = '=HYPERLINK("http://x.invalid","点我")'


def _frame() -> pd.DataFrame:
    df = pd.DataFrame({
        "id": ["fibre_village_share", "scale"],
        "目标": ["行政村通光纤比例", ATTACK],
        "最新实际值": [98.0, -3.5],
        "备注": ["@SUM(A1:A2)", "-"],
    })
    df.attrs["units"] = {"最新实际值": "%"}
    return df


@pytest.mark.parametrize(("value", "formula"), [
    ("=1+1", True), ("+cmd|' /C calc'!A0", True), ("-2+3", True), ("@SUM(A1)", True),
    ("\t=1", True), ("-3.5", False), ("+7", False), ("-1,234.5", False), ("-12%", False),
    ("-", False), ("=", False), ("行政村通光纤比例", False), (-3.5, False), (None, False),
])
def test_only_text_that_a_spreadsheet_would_evaluate_counts_as_a_formula(value, formula):
    assert looks_like_formula(value) is formula


def test_neutralised_text_gets_a_leading_apostrophe_and_numbers_are_untouched():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise(-3.5) == -3.5
    assert neutralise("-3.5") == "-3.5"


def test_csv_starts_with_a_bom_and_round_trips_chinese_through_pandas():
    data = to_csv_bytes(_frame(), "zh")
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == ["编号", "目标", "最新实际值（%）", "备注"]
    assert back.loc[0, "目标"] == "行政村通光纤比例"
    assert back["最新实际值（%）"].tolist() == [98.0, -3.5]  # negatives stay numbers


def test_csv_formula_cells_come_back_neutralised():
    back = pd.read_csv(io.BytesIO(to_csv_bytes(_frame(), "zh")), encoding="utf-8-sig")
    assert back.loc[1, "目标"] == "'" + ATTACK
    assert back.loc[0, "备注"] == "'@SUM(A1:A2)"
    assert back.loc[1, "备注"] == "-"


def test_csv_header_is_in_english_when_english_is_shown():
    df = pd.DataFrame({"id": ["a"], "Latest": [1.5]})
    df.attrs["units"] = {"Latest": "trillion yuan"}
    back = pd.read_csv(io.BytesIO(to_csv_bytes(df, "en")), encoding="utf-8-sig")
    assert list(back.columns) == ["ID", "Latest (trillion yuan)"]


def test_xlsx_keeps_numbers_as_numbers_and_stores_formula_text_as_text():
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(_frame(), "zh", notes=["来源：测试"])))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["编号", "目标", "最新实际值（%）", "备注"]
    attack = ws["B3"]
    assert (attack.value, attack.data_type, attack.quotePrefix) == (ATTACK, "s", True)
    assert ws["D2"].data_type == "s" and ws["D2"].quotePrefix
    assert (ws["C3"].value, ws["C3"].data_type) == (-3.5, "n")
    assert ws.freeze_panes == "A2"
    assert wb.worksheets[1]["A1"].value == "来源：测试"


def test_xlsx_round_trips_chinese_through_pandas():
    back = pd.read_excel(io.BytesIO(to_xlsx_bytes(_frame(), "zh")))
    assert back.loc[0, "目标"] == "行政村通光纤比例"
    assert back["最新实际值（%）"].tolist() == [98.0, -3.5]


def test_figure_data_reads_a_horizontal_bar_with_the_axis_titles_as_headers():
    fig = go.Figure(go.Bar(x=[98.0, 42.5], y=["行政村通光纤比例", "信息服务站覆盖率"],
                           orientation="h", name="完成度"))
    fig.update_layout(xaxis_title="完成度(%)", title="各目标完成度")
    df = figure_data(fig, "zh")
    assert list(df.columns) == ["系列", "类别", "完成度(%)"]
    assert df.values.tolist() == [["完成度", "行政村通光纤比例", 98.0],
                                  ["完成度", "信息服务站覆盖率", 42.5]]
