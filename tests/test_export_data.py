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
    df = pd.DataFrame(
        {
            "id": ["fibre_village_share", "scale"],
            "目标": ["行政村通光纤比例", ATTACK],
            "最新实际值": [98.0, -3.5],
            "备注": ["@SUM(A1:A2)", "-"],
        }
    )
    df.attrs["units"] = {"最新实际值": "%"}
    return df


@pytest.mark.parametrize(
    ("value", "formula"),
    [
        ("=1+1", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3", True),
        ("@SUM(A1)", True),
        ("\t=1", True),
        ("-3.5", False),
        ("+7", False),
        ("-1,234.5", False),
        ("-12%", False),
        ("-", False),
        ("=", False),
        ("行政村通光纤比例", False),
        (-3.5, False),
        (None, False),
    ],
)
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
    fig = go.Figure(
        go.Bar(
            x=[98.0, 42.5],
            y=["行政村通光纤比例", "信息服务站覆盖率"],
            orientation="h",
            name="完成度",
        )
    )
    fig.update_layout(xaxis_title="完成度(%)", title="各目标完成度")
    df = figure_data(fig, "zh")
    assert list(df.columns) == ["系列", "类别", "完成度(%)"]
    assert df.values.tolist() == [
        ["完成度", "行政村通光纤比例", 98.0],
        ["完成度", "信息服务站覆盖率", 42.5],
    ]


def test_csv_and_xlsx_cells_carry_no_floating_point_noise():
    df = pd.DataFrame({"gap": [99 - 99.6, 6.8 / 6 * 100]})
    csv_text = to_csv_bytes(df, "en").decode("utf-8-sig")
    assert "-0.6\r\n" in csv_text and "5999" not in csv_text
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df, "en"))).active
    assert ws["A2"].value == -0.6
    assert ws["A3"].value == 113.3333333


def test_figure_data_rounds_computed_points_to_six_significant_digits():
    fig = go.Figure(go.Scatter(x=[2019, 2020], y=[98.0 + 2 / 3, 99 - 99.6], name="path"))
    assert list(figure_data(fig, "en").iloc[:, 2]) == [98.6667, -0.6]


def test_tile_map_data_lists_provinces_with_value_and_status_not_grid_positions(store):
    from datetime import date

    from indicators.domain.snapshot import load_snapshot
    from indicators.present import charts as F
    from tests.test_figures import PROVINCES, write_provinces

    write_provinces(store, PROVINCES)
    fig = F.tile_map(load_snapshot(store, as_of=date(2026, 11, 23)), "fibre_village_share", "zh")
    df = figure_data(fig, "zh")
    # the provinces table of the page (one definition), with every province on the map
    assert list(df.columns) == [
        "地区",
        "最新实际值 (%)",
        "时期",
        "完成度（%）",
        "差距",
        "状态",
        "说明",
    ]
    assert len(df) == 31
    rows = df.set_index("地区")
    # Beijing 99 in 2019 against 98: 99 / 98 = 101.0 %, met before the 2020 deadline.
    assert rows.loc["北京"].tolist()[:4] == ["99", "2019", 101.0, -1.0]
    assert rows.loc["北京", "状态"] == "按期实现"
    # Tibet's last figure (2019) falls short and 2020 has none: the outcome is unknown
    assert rows.loc["西藏", "状态"] == "无法核实"
    assert rows.loc["西藏", "最新实际值 (%)"] == "66"
    assert rows.loc["上海", "最新实际值 (%)"] == "–" and rows.loc["上海", "状态"] == "暂无数据"
    assert pd.isna(rows.loc["上海", "完成度（%）"])
    # furthest from the 98 % first (gaps 32, 1, -1) as on the page, then the rest in
    # catalog order (Tianjin is the first province without a figure)
    assert list(df["地区"])[:4] == ["西藏", "河北", "北京", "天津"]


@pytest.mark.parametrize(("lang", "about"), [("zh", "约"), ("en", "about")])
def test_trajectory_data_keeps_the_qualifier_and_the_units_precision(_built_db, lang, about):
    from indicators.domain.snapshot import load_snapshot
    from indicators.present import charts as F
    from indicators.store import Store
    from tests.conftest import AS_OF

    snap = load_snapshot(Store(_built_db), as_of=AS_OF)
    df = figure_data(F.trajectory_chart(snap, "info_consumption_scale", lang), lang)
    series, period, value, qualifier = df.columns
    actual = df[df[series] == df[series].iloc[0]]
    # the shipped 2018 scale is published as 约5 万亿元: exported as 5 with its qualifier
    by_year = {
        str(p)[:4]: (v, q)
        for p, v, q in zip(actual[period], actual[value], actual[qualifier], strict=True)
    }
    assert by_year["2018"] == (5.0, about)
    assert by_year["2021"] == (6.8, "")
    # the required path, 3.9 (2016) compounding to 6 (2020): 3.9 * (6 / 3.9) ** (k / 4),
    # written to the 2 decimals a trillion-yuan figure is shown with (4.3425 -> 4.34)
    path = df[df[series].str.contains("2016") & (df[series] != df[series].iloc[0])]
    ends = dict(zip(path[period].astype(str).str[:10], path[value], strict=True))
    assert ends["2017-12-31"] == 4.34 and ends["2018-12-31"] == 4.84
    assert all(round(v, 2) == v for v in df[value])
    csv_text = to_csv_bytes(df, lang).decode("utf-8-sig")
    assert "4.00643" not in csv_text and "4.01," in csv_text
