"""Reading what planners really send: encodings, delimiters, layouts, names, values, units."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from indicators.base.catalog import Catalog
from indicators.ingest import Options, check_file, check_records
from indicators.ingest.match import header_role, match_indicator, match_region
from indicators.ingest.read import detect_encoding, sniff_delimiter
from indicators.ingest.units import resolve_unit
from indicators.ingest.values import parse_value

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TODAY = date(2026, 11, 23)


def _rows(checked) -> dict[tuple[str, str, str], tuple[float, str | None]]:
    assert checked.ok, [(p.code, p.excel_row, p.value) for p in checked.problems]
    return {
        (r.indicator_id, r.region_code, r.period): (
            r.value,
            r.qualifier if isinstance(r.qualifier, str) else None,
        )
        for r in checked.rows.itertuples(index=False)
    }


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("good_long.csv", "utf_8", "comma"),
        ("good_utf8_bom.csv", "utf_8_sig", "comma"),
        ("good_gbk_semicolon.csv", "gb18030", "semicolon"),
        ("good_gbk_tab.txt", "gb18030", "tab"),
    ],
)
def test_every_encoding_and_delimiter_reads_to_the_same_figures_and_says_what_it_detected(
    catalog: Catalog,
    name: str,
    encoding: str,
    delimiter: str,
) -> None:
    checked = check_file((FIXTURES / name).read_bytes(), name, catalog, Options(today=TODAY))
    assert checked.info is not None
    assert (checked.info.encoding, checked.info.delimiter) == (encoding, delimiter)
    assert checked.info.encoding_detected
    assert _rows(checked) == {
        ("info_consumption_scale", "000000", "2022"): (7.1, None),
        ("fibre_village_share", "450000", "2020"): (99.2, None),
    }


def test_names_match_in_simplified_traditional_english_code_and_full_width(
    catalog: Catalog,
) -> None:
    for text in (
        "信息消费规模",
        "信息消費規模",
        "Information consumption scale",
        "info_consumption_scale",
        "ＩＮＦＯ_ＣＯＮＳＵＭＰＴＩＯＮ_ＳＣＡＬＥ",
        " information  consumption scale ",
    ):
        assert match_indicator(catalog, text) == "info_consumption_scale", text
    for text in ("广西", "廣西壯族自治區", "450000", "Guangxi", "GUANGXI", "广西壮族自治区"):
        assert match_region(catalog, text) == "450000", text
    for text in ("全国", "national", "全國", "000000"):
        assert match_region(catalog, text) == "000000", text
    assert match_region(catalog, "Shanxi") == "140000"
    assert match_region(catalog, "Shaanxi") == "610000"
    assert match_indicator(catalog, "信息消费") is None


def test_bilingual_and_traditional_headers_are_recognised() -> None:
    assert header_role("指标/indicator") == "indicator"
    assert header_role("時期") == "period"
    assert header_role("地区 region") == "region"
    assert header_role("VALUE") == "value"
    assert header_role("2019") is None


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "percent"),
    [
        ("5.8", 5.8, None, False),
        ("5,800", 5800.0, None, False),
        ("1,234,567.5", 1234567.5, None, False),
        (">98", 98.0, ">", False),
        ("＞９８", 98.0, ">", False),
        ("≥98", 98.0, "≥", False),
        (">=98", 98.0, "≥", False),
        ("超过98", 98.0, ">", False),
        ("约5", 5.0, "约", False),
        ("近4", 4.0, "近", False),
        ("98%", 98.0, None, True),
        ("98%以上", 98.0, "≥", True),
        ("-3.2%", -3.2, None, True),
    ],
)
def test_values_are_read_as_published_with_their_qualifier(
    text: str,
    value: float,
    qualifier: str | None,
    percent: bool,
) -> None:
    cell = parse_value(text)
    assert (cell.value, cell.qualifier, cell.percent) == (value, qualifier, percent)


@pytest.mark.parametrize("text", ["五点八", "5,8", "1.2.3", "nan", "inf", "", "abc5"])
def test_text_that_is_not_a_number_is_not_read_as_one(text: str) -> None:
    assert parse_value(text).value is None


def test_units_convert_into_the_catalog_unit_or_are_refused() -> None:
    assert resolve_unit("萬億元", "万亿元").factor == 1.0
    assert resolve_unit("trillion yuan", "万亿元").factor == 1.0
    assert resolve_unit("億元", "万亿元").factor == pytest.approx(1e-4)
    assert resolve_unit("万元", "万亿元").factor == pytest.approx(1e-8)
    assert resolve_unit("元", "万亿元").factor == pytest.approx(1e-12)
    assert resolve_unit("%", "万亿元").status == "mismatch"
    assert resolve_unit("美元", "万亿元").status == "unknown"
    assert resolve_unit("", "%").status == "ok"


def test_mixed_names_periods_qualifiers_and_units_land_as_expected(catalog: Catalog) -> None:
    checked = check_file(
        (FIXTURES / "good_names.csv").read_bytes(), "n.csv", catalog, Options(today=TODAY)
    )
    rows = _rows(checked)
    assert rows == {
        ("info_consumption_scale", "450000", "2019"): (0.3, None),
        # 3000 亿元 = 3000 / 10^4 万亿元 = 0.3, exactly
        ("info_consumption_scale", "450000", "2020"): (0.3, None),
        ("info_consumption_scale", "450000", "2021-Q3"): (0.2, ">"),
        ("info_consumption_scale", "000000", "2019-09"): (5.0, "约"),
        ("fibre_village_share", "000000", "2019"): (98.0, "≥"),
        ("village_info_station_coverage", "450000", "2020"): (40.0, ">"),
        ("skills_training_projects", "000000", "2020"): (1200.0, None),
        ("info_consumption_growth", "000000", "2020"): (10.0, "近"),
    }
    assert set(checked.rows["unit"]) == {"万亿元", "%", "个"}


def test_a_wide_sheet_of_indicators_is_reshaped_with_the_chosen_region(
    catalog: Catalog,
) -> None:
    checked = check_file(
        (FIXTURES / "good_wide_indicators.csv").read_bytes(),
        "w.csv",
        catalog,
        Options(today=TODAY, region="全国"),
    )
    assert (checked.layout, checked.side) == ("wide", "indicator")
    assert _rows(checked) == {
        ("info_consumption_scale", "000000", "2019"): (5.5, None),
        ("info_consumption_scale", "000000", "2020"): (5.9, None),
        ("fibre_village_share", "000000", "2019"): (98.5, None),
        ("fibre_village_share", "000000", "2021"): (99.0, ">"),
    }
    # Excel rows point back at the sheet: both figures of row 2 came from row 2.
    scale = checked.rows[checked.rows["indicator_id"] == "info_consumption_scale"]
    assert set(scale["excel_row"]) == {2}


def test_a_wide_xlsx_of_regions_reads_the_chosen_sheet_and_percent_formatted_cells(
    catalog: Catalog,
) -> None:
    checked = check_file(
        (FIXTURES / "good_wide_regions.xlsx").read_bytes(),
        "r.xlsx",
        catalog,
        Options(today=TODAY, sheet="广西 regions", indicator="行政村通光纤比例"),
    )
    assert (checked.layout, checked.side) == ("wide", "region")
    assert checked.info is not None and checked.info.sheets == ("说明", "广西 regions")
    assert _rows(checked) == {
        ("fibre_village_share", "450000", "2019"): (98.0, None),
        ("fibre_village_share", "450000", "2020"): (99.5, None),  # 0.995 shown as 99.5%
        ("fibre_village_share", "000000", "2019"): (98.5, None),
        ("fibre_village_share", "000000", "2020"): (99.1, None),
    }


def test_a_share_given_as_a_fraction_is_converted_only_when_the_planner_confirms(
    catalog: Catalog,
) -> None:
    data = (FIXTURES / "fraction_share.csv").read_bytes()
    assert not check_file(data, "f.csv", catalog, Options(today=TODAY)).ok
    confirmed = check_file(data, "f.csv", catalog, Options(today=TODAY, shares_as_fractions=True))
    assert _rows(confirmed)[("fibre_village_share", "000000", "2020")] == (98.0, None)


def test_the_layout_can_be_forced_when_detection_would_guess(catalog: Catalog) -> None:
    data = (FIXTURES / "good_long.csv").read_bytes()
    forced = check_file(data, "l.csv", catalog, Options(today=TODAY, layout="wide"))
    assert not forced.ok  # a long file read as wide has no period headers
    assert forced.problems[0].code in ("unknown_column", "missing_column")


def test_the_planner_can_override_a_detected_encoding(catalog: Catalog) -> None:
    data = (FIXTURES / "good_gbk_semicolon.csv").read_bytes()
    checked = check_file(data, "g.csv", catalog, Options(today=TODAY, encoding="utf-8"))
    assert [p.code for p in checked.problems] == ["undecodable"]
    assert "utf" in checked.problems[0].message("en")


def test_encoding_detection_and_delimiter_sniffing() -> None:
    text = "指标,地区,时期,数值\n信息消费规模,全国,2019,5.4\n"
    assert detect_encoding(text.encode("utf-8")) == "utf_8"
    assert detect_encoding(text.encode("gbk")) == "gb18030"
    assert detect_encoding(text.encode("utf-8-sig")) == "utf_8_sig"
    assert sniff_delimiter("a;b;c") == ";"
    assert sniff_delimiter("a\tb\tc") == "\t"
    assert sniff_delimiter('"a;b",c,d') == ","


def test_form_records_go_through_the_same_rules(catalog: Catalog) -> None:
    good = check_records(
        [
            {
                "indicator": "info_consumption_scale",
                "region": "000000",
                "period": "2022",
                "value": "约7.2",
                "unit": "万亿元",
            }
        ],
        catalog,
        Options(today=TODAY),
    )
    assert _rows(good) == {("info_consumption_scale", "000000", "2022"): (7.2, "约")}
    bad = check_records(
        [
            {
                "indicator": "fibre_village_share",
                "region": "000000",
                "period": "2022",
                "value": "120",
            }
        ],
        catalog,
        Options(today=TODAY),
        row_numbers=[5],
    )
    assert [(p.code, p.excel_row) for p in bad.problems] == [("share_range", 5)]


def test_a_big_file_is_parsed_without_a_python_loop_per_row(catalog: Catalog) -> None:
    n = 8_000  # every day-period stays before today
    frame = pd.DataFrame(
        {
            "indicator": ["信息消费规模"] * n,
            "region": ["全国"] * n,
            "period": [
                f"{2000 + i // 366}-{1 + (i % 366) // 31:02d}-{1 + i % 28:02d}" for i in range(n)
            ],
            "value": [f"{1 + (i % 97) / 10:.1f}" for i in range(n)],
        }
    ).drop_duplicates(subset=["period"])
    checked = check_file(
        frame.to_csv(index=False).encode(), "big.csv", catalog, Options(today=TODAY)
    )
    assert checked.ok
    assert len(checked.rows) == len(frame)
    assert checked.rows["value"].sum() == pytest.approx(frame["value"].astype(float).sum())


def test_a_line_break_inside_a_quoted_cell_does_not_shift_the_row_numbers_of_later_rows(
    catalog: Catalog,
) -> None:
    # The extra cell on the last row sends the file through the cell-by-cell reader.
    data = (
        b"indicator,region,period,value,unit,note\n"
        b'fibre_village_share,national,2019,98,%,"two\nlines"\n'
        b"fibre_village_share,national,2020,99,%,x,extra\n"
    )
    checked = check_file(data, "f.csv", catalog, Options(today=TODAY))
    assert [(p.code, p.excel_row) for p in checked.problems] == [("too_many_columns", 3)]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_the_delimiter_is_sniffed_once_per_file_over_the_lines_below_a_title(
    encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indicators.ingest.read as read
    import indicators.ingest.read_csv as read_csv

    texts: list[str] = []
    sniff = read_csv.sniff_delimiter

    def counting(text: str) -> str:
        texts.append(text)
        return sniff(text)

    monkeypatch.setattr(read_csv, "sniff_delimiter", counting)
    # The title line has no semicolon and one comma: the first line alone would say comma.
    text = "表3 信息消费规模,全国\n指标;地区;时期;数值\n信息消费规模;全国;2019;5.4\n"
    raw = read.read_table(text.encode(encoding), "t.csv")
    assert len(texts) == 1
    assert raw.info.delimiter == "semicolon"
    assert raw.headers == ["表3 信息消费规模,全国", "", "", ""]
    assert raw.cells.column(0).to_pylist() == ["指标", "信息消费规模"]


def test_rows_of_nothing_but_spaces_are_skipped_and_later_rows_keep_their_numbers(
    catalog: Catalog,
) -> None:
    # Row 3: ASCII spaces and a tab; row 4: an ideographic and a no-break space; row 6 has a
    # figure after a leading ideographic space, so it is no empty row (and is refused as one
    # whose period has spaces only: it names row 6, not 4).
    data = (
        "indicator,region,period,value\n"
        "fibre_village_share,national,2019,98\n"
        "  ,\t, ,\n"
        "\u3000,\u00a0,,\n"
        "fibre_village_share,national,2020,99\n"
        "\u3000fibre_village_share,national,\u3000,97\n"
    ).encode()
    checked = check_file(data, "s.csv", catalog, Options(today=TODAY))
    assert [(p.code, p.excel_row) for p in checked.problems] == [("empty_period", 6)]
    good = check_file(data.rsplit(b"\n", 2)[0] + b"\n", "s.csv", catalog, Options(today=TODAY))
    assert list(good.rows["excel_row"]) == [2, 5]
