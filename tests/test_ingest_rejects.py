"""Every bad input is refused with a message pointing at the cell, and nothing is written.

Each case goes through the command line (parse, validate, attempted commit) against a copy
of the real database, and the dump of every table must be identical before and after.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indicators.commands.cli import main
from indicators.ingest import Options, Rejected, check_file, commit
from indicators.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TODAY = date(2026, 11, 23)

# fixture, problem code, Excel row, column letter, cell as written, words of the English message
CASES = [
    ("unknown_indicator.csv", "unknown_indicator", 3, "A", "信息消费指数", "Unknown indicator"),
    ("unknown_region.csv", "unknown_region", 3, "B", "火星", "Unknown region"),
    ("bad_period.csv", "bad_period", 3, "C", "2020年上半年", "Period not understood"),
    ("not_numeric.csv", "not_numeric", 3, "D", "五点八", "Not a number"),
    ("share_out_of_range.csv", "share_range", 3, "D", "101", "between 0 and 100"),
    ("negative_level.csv", "negative", 3, "D", "-5.8", "cannot be negative"),
    ("future_period.csv", "future_period", 3, "C", "2099", "has not ended yet"),
    ("duplicate_rows.csv", "duplicate", 4, "C", "2021年", "Repeats row 3"),
    ("too_many_columns.csv", "too_many_columns", 3, "H", "extra", "more cells than the header"),
    ("formula.csv", "formula", 3, "D", "=5+0.8", "formula"),
    ("formula_text.csv", "formula", 3, "F", "@SUM(A1)", "formula"),
    ("formula.xlsx", "formula", 3, "D", "=B1*2", "formula"),
    ("unknown_unit.csv", "unknown_unit", 3, "E", "美元", "Unknown unit"),
    ("unit_mismatch.csv", "unit_mismatch", 3, "E", "%", "expected 万亿元"),
    ("fraction_share.csv", "fraction_unconfirmed", 3, "D", "0.98", "looks like a fraction"),
    ("qualitative.csv", "no_figures", 3, "A", "网络提速降费取得明显成效", "qualitative"),
    ("unknown_column.csv", "unknown_column", 1, "E", "颜色", "not recognised"),
    ("missing_column.csv", "missing_column", 1, None, None, "Missing the region column"),
    ("header_only.csv", "header_only", 1, None, None, "no data rows"),
    ("empty.csv", "empty_file", None, None, None, "The file is empty"),
]


@pytest.mark.parametrize(
    ("name", "code", "row", "letter", "value", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_a_bad_file_is_refused_at_the_right_cell_and_the_database_is_untouched(
    store: Store,
    name: str,
    code: str,
    row: int | None,
    letter: str | None,
    value: str | None,
    words: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = (FIXTURES / name).read_bytes()
    checked = check_file(data, name, store.catalog(), Options(today=TODAY))
    assert not checked.ok
    mine = [p for p in checked.problems if p.code == code]
    assert mine, [p.code for p in checked.problems]
    p = mine[0]
    assert p.excel_row == row
    assert (p.column.split(" · ")[0] if p.column else None) == letter
    assert p.value == value
    assert words in p.message("en")
    assert p.message("zh") != p.message("en")  # a real Chinese message, not a fallback

    before = store.dump()
    with pytest.raises(Rejected):
        commit(store, checked, user="tester")
    assert main(["ingest", str(FIXTURES / name), "--db", str(store.path), "--lang", "en"]) == 1
    out = capsys.readouterr()
    assert "nothing was stored" in out.err
    assert words in out.out
    assert store.dump() == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(store: Store) -> None:
    data = (FIXTURES / "good_long.csv").read_bytes()
    checked = check_file(data, "big.csv", store.catalog(), Options(max_bytes=100))
    assert [p.code for p in checked.problems] == ["too_large"]
    assert "over the" in checked.problems[0].message("en")
    assert "超过上限" in checked.problems[0].message("zh")


def test_the_size_limit_is_configurable_from_the_environment(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("INDICATORS_MAX_UPLOAD_MB", "0.0001")  # about 100 bytes
    before = store.dump()
    path = FIXTURES / "good_long.csv"
    assert path.stat().st_size > 105
    assert main(["ingest", str(path), "--db", str(store.path), "--lang", "en"]) == 1
    assert "limit" in capsys.readouterr().out
    assert store.dump() == before


def test_one_bad_row_among_good_ones_stores_none_of_them(store: Store) -> None:
    before = store.dump()
    assert main(["ingest", str(FIXTURES / "unknown_region.csv"), "--db", str(store.path)]) == 1
    after = store.current_actuals(["info_consumption_scale"], ["000000"])
    assert "2022" not in set(after["period"])  # the good first row was not written either
    assert store.dump() == before


def test_problems_are_listed_in_the_chosen_language(store: Store) -> None:
    checked = check_file(
        (FIXTURES / "unknown_region.csv").read_bytes(),
        "x.csv",
        store.catalog(),
        Options(today=TODAY),
    )
    from indicators.ingest import problems_frame

    zh = problems_frame(checked.problems, "zh")
    en = problems_frame(checked.problems, "en")
    assert list(zh.columns) == ["行", "列", "内容", "问题"]
    assert list(en.columns) == ["Row", "Column", "Value", "Problem"]
    assert zh.iloc[0]["问题"] == "未知地区"
    assert en.iloc[0]["Problem"] == "Unknown region"


def test_a_wide_sheet_without_a_region_asks_for_one_instead_of_assuming(store: Store) -> None:
    checked = check_file(
        (FIXTURES / "good_wide_indicators.csv").read_bytes(),
        "w.csv",
        store.catalog(),
        Options(today=TODAY),
    )
    assert [p.code for p in checked.problems] == ["missing_column"]
    assert "region" in checked.problems[0].message("en")


def test_an_xlsx_opens_on_its_first_sheet_and_says_what_is_wrong_there(store: Store) -> None:
    checked = check_file(
        (FIXTURES / "good_wide_regions.xlsx").read_bytes(),
        "r.xlsx",
        store.catalog(),
        Options(today=TODAY),
    )
    assert not checked.ok
    assert checked.info is not None and checked.info.sheet == "说明"


def test_an_unknown_sheet_is_named_with_the_ones_that_exist(store: Store) -> None:
    checked = check_file(
        (FIXTURES / "good_wide_regions.xlsx").read_bytes(),
        "r.xlsx",
        store.catalog(),
        Options(sheet="数据"),
    )
    assert checked.problems[0].code == "unknown_sheet"
    assert "广西 regions" in checked.problems[0].message("en")
