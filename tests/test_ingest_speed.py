"""Big uploads: every rule over every row in one query, the problem table capped at
MAX_REPORTED while every problem is counted, and rows handed back in file order."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from indicators.base.catalog import Catalog
from indicators.base.i18n import _
from indicators.ingest import Options, check_file
from indicators.ingest.report import MAX_REPORTED
from indicators.ingest.resolve import check_rows
from indicators.ingest.rules import FIELD_OF, RULES

TODAY = date(2026, 11, 23)
HEADER = "indicator,region,period,value"


def _csv(lines: list[str]) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def test_one_figure_repeated_twenty_thousand_times_reports_a_thousand_and_counts_every_one(
    catalog: Catalog,
) -> None:
    data = _csv(["信息消费规模,全国,2019,5.1"] * 20_000)
    checked = check_file(data, "dup.csv", catalog, Options(today=TODAY))
    # Rows 3..20001 repeat row 2: 19,999 problems, the first 1,000 of them listed.
    assert checked.n_problems == 19_999
    assert len(checked.problems) == MAX_REPORTED
    first, last = checked.problems[0], checked.problems[-1]
    assert (first.code, first.excel_row, first.column, first.value) == (
        "duplicate",
        3,
        "C · period",
        "2019",
    )
    assert first.params["first"] == 2
    assert last.excel_row == MAX_REPORTED + 2
    assert checked.rows.empty


def test_thirty_thousand_rows_come_back_in_file_order_with_their_values(
    catalog: Catalog,
) -> None:
    regions = sorted(catalog.regions)
    n = 30_000
    # Distinct (region, day) keys from 2000-01-01; the value tells the row's position.
    start = date(2000, 1, 1).toordinal()
    days = [date.fromordinal(start + i // len(regions)).isoformat() for i in range(n)]
    lines = [
        f"行政村通光纤比例,{regions[i % len(regions)]},{days[i]},{(i % 900) / 10 + 5}"
        for i in range(n)
    ]
    checked = check_file(_csv(lines), "order.csv", catalog, Options(today=TODAY))
    assert checked.ok
    assert list(checked.rows["excel_row"]) == list(range(2, n + 2))
    assert list(checked.rows["value"]) == [(i % 900) / 10 + 5 for i in range(n)]
    assert list(checked.rows["region_code"]) == [regions[i % len(regions)] for i in range(n)]
    assert list(checked.rows["period"]) == days
    assert set(checked.rows["unit"]) == {"%"}


def test_a_row_breaking_several_rules_lists_each_once_in_rule_order(catalog: Catalog) -> None:
    checked = check_file(
        _csv(["信息消费指数,火星,2020年上半年,五点八"]), "x.csv", catalog, Options(today=TODAY)
    )
    assert [(p.code, p.column) for p in checked.problems] == [
        ("unknown_indicator", "A · indicator"),
        ("unknown_region", "B · region"),
        ("bad_period", "C · period"),
        ("not_numeric", "D · value"),
    ]
    assert checked.n_problems == 4


def test_every_rule_names_a_field_and_has_a_message_in_both_languages() -> None:
    assert len({r.code for r in RULES}) == len(RULES) == len(FIELD_OF)
    for rule in RULES:
        assert rule.field in (
            "indicator",
            "region",
            "period",
            "value",
            "unit",
            "qualifier",
            "published",
        )
        for lang in ("zh", "en"):
            message = _(
                f"ingest.problem.{rule.code}",
                lang,
                first=2,
                low=0,
                high=1,
                unit="%",
                indicator_id="x",
            )
            assert message and f"ingest.problem.{rule.code}" not in message


def test_rows_read_in_many_blocks_are_handed_back_in_file_order(catalog: Catalog) -> None:
    # Big files reach the rules as many Arrow blocks, which DuckDB scans on several threads
    # and may hand back in any order; 64 blocks of 2,000 rows here.
    regions = sorted(catalog.regions)
    n, block = 128_000, 2_000
    start = date(2000, 1, 1).toordinal()
    cells = {
        "excel_row": pa.array(range(2, n + 2), pa.int64()),
        "indicator": pa.array(["行政村通光纤比例"] * n),
        "region": pa.array([regions[i % len(regions)] for i in range(n)]),
        "period": pa.array(
            [date.fromordinal(start + i // len(regions)).isoformat() for i in range(n)]
        ),
        "value": pa.array([str((i % 900) / 10 + 5) for i in range(n)]),
        **{f: pa.array([""] * n) for f in ("unit", "qualifier", "source", "note", "published")},
    }
    table = pa.Table.from_batches(pa.table(cells).to_batches(max_chunksize=block))
    assert table.column("value").num_chunks == n // block
    result = check_rows(
        table,
        catalog,
        catalog.plausibility,
        today=TODAY,
        shares_as_fractions=False,
        limit=MAX_REPORTED,
    )
    assert result.n_failures == 0 and result.rows is not None
    assert result.rows.column("excel_row").to_pylist() == list(range(2, n + 2))
    assert result.rows.column("value").to_pylist() == [(i % 900) / 10 + 5 for i in range(n)]


def test_a_figure_given_twice_is_found_when_there_are_too_many_keys_to_count_each() -> None:
    # 3,000 indicators x 2,000 regions x 2 periods: more possible figures than the counting
    # shortcut takes, so the rows are sorted instead. Rows 1 and 3 repeat row 0; row 4
    # repeats row 2; the others are given once.
    import numpy as np

    from indicators.ingest.lookups import duplicates as _duplicates

    ks = {
        "indicator": np.array([2999, 2999, 5, 2999, 5, 5, -1]),
        "region": np.array([1999, 1999, 1999, 1999, 1999, 1, 0]),
        "period": np.array([1, 1, 1, 1, 1, 0, 0]),
    }
    excel_row = np.array([10, 11, 12, 13, 14, 15, 16])
    first_rn, first_row = _duplicates(ks, excel_row)
    rn = list(range(7))
    # A row is refused as a duplicate where rn > first_rn.
    assert [f is not None and r > f for r, f in zip(rn, first_rn.to_pylist(), strict=True)] == [
        False,
        True,
        False,
        True,
        True,
        False,
        False,
    ]
    assert first_rn.to_pylist()[1] == first_rn.to_pylist()[3] == 0
    assert first_rn.to_pylist()[4] == 2
    assert first_row.to_pylist()[3] == 10 and first_row.to_pylist()[4] == 12
    assert first_rn.to_pylist()[6] is None  # an unknown indicator is no figure


def test_iso_days_worked_out_together_give_what_the_period_parser_gives() -> None:
    from indicators.base.periods import PeriodError, parse_period
    from indicators.ingest.lookups import iso_days as _iso_days

    texts = ["2020-02-29", "2019-12-31", "2019-01-01", "2026-11-23", "2026-11-24", "0001-01-01"]
    bad = ["2019-02-29", "2019-02-30", "2019-13-01", "0000-01-01", "2019-1-05", "2019-08"]
    got = _iso_days(texts + bad, TODAY)
    # By hand: the day's end as a share of its year, after the year before.
    assert got["2020-02-29"]["t"] == 2019 + 60 / 366
    assert got["2019-12-31"]["t"] == 2019.0
    assert got["2019-01-01"]["t"] == 2018 + 1 / 365
    assert (got["2026-11-23"]["after_today"], got["2026-11-24"]["after_today"]) == (False, True)
    for text in texts:
        p = parse_period(text)
        assert got[text] == {
            "label": p.label,
            "t": p.t,
            "after_today": p.end > TODAY,
            "year": p.year,
            "blank": False,
        }
    # Not real dates (strptime would roll 02-30 over to March), or not ISO: left to the parser.
    assert not set(got) & set(bad)
    for text in bad[:4]:
        with pytest.raises(PeriodError):
            parse_period(text)


def test_a_checked_file_carries_the_digest_of_its_bytes(catalog: Catalog) -> None:
    import hashlib

    data = _csv(["信息消费规模,全国,2019,5.1"])
    checked = check_file(data, "one.csv", catalog, Options(today=TODAY))
    assert checked.ok and checked.sha256 == hashlib.sha256(data).hexdigest()
    broken = check_file(data + b"x,y\n", "two.csv", catalog, Options(today=TODAY))
    assert not broken.ok and broken.sha256 == hashlib.sha256(data + b"x,y\n").hexdigest()
