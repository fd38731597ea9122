"""Published ranges ("5.4-5.5", "5.4~5.5", "5.4–5.5", "5.4至5.5"): read as (low, high), stored
so on DuckDB and PostgreSQL, shown as a range and judged by where the whole of it lies."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.base.catalog import Target
from indicators.domain.metrics import Point, assess, derived_growth_points
from indicators.domain.wording import status_detail, value_with_unit
from indicators.ingest.values import parse_value
from tests.targets import make_target

AFTER = date(2021, 6, 30)


def level(**kw) -> Target:
    return make_target(
        **{
            **dict(
                id="scale",
                unit="万亿元",
                target_value=5.45,
                baseline_value=3.9,
                baseline_period="2016",
                regional=False,
            ),
            **kw,
        }
    )


def at(year: int, low: float, high: float | None = None) -> Point:
    return Point(str(year), float(year), low, high=high)


@pytest.mark.parametrize("text", ["5.4-5.5", "5.4~5.5", "5.4–5.5", "5.4至5.5", "5.4 - 5.5"])
def test_every_written_range_is_read_as_low_and_high(text):
    cell = parse_value(text)
    assert (cell.value, cell.high, cell.qualifier) == (5.4, 5.5, None)


def test_a_range_keeps_its_unit_percent_and_magnitude_on_both_ends():
    assert (parse_value("5.4-5.5万亿元").unit, parse_value("5.4-5.5万亿元").high) == ("万亿元", 5.5)
    pct = parse_value("97%~98%")
    assert (pct.value, pct.high, pct.percent) == (97.0, 98.0, True)
    assert (parse_value("5.4-5.5万").value, parse_value("5.4-5.5万").high) == (54000.0, 55000.0)


@pytest.mark.parametrize("text", ["5.5-5.4", "约5.4-5.5", "5.4-abc", "1e-5x"])
def test_what_is_not_a_range_is_not_a_number(text):
    assert parse_value(text).high is None
    if text != "1e-5x":
        assert parse_value(text).value is None
    assert parse_value("1e-5").value == pytest.approx(1e-5)  # an exponent, not a range


def test_a_range_wholly_at_or_above_the_target_is_met():
    p = assess(level(target_value=5.4), [at(2020, 5.4, 5.5)], as_of=AFTER)
    assert p.status == "met_on_time"
    assert "5.4–5.5 万亿元" in (status_detail(p, "zh") or "")


def test_a_range_wholly_short_is_missed_by_between_its_ends():
    # target 6: short by 6 - 5.5 = 0.5 to 6 - 5.4 = 0.6
    p = assess(level(target_value=6.0), [at(2020, 5.4, 5.5)], as_of=AFTER)
    assert p.status == "missed"
    assert (p.shortfall, p.shortfall_max) == (pytest.approx(0.5), pytest.approx(0.6))
    assert "short by 0.5–0.6 trillion yuan" in (status_detail(p, "en") or "")


def test_a_range_across_the_target_is_unverified_and_named():
    p = assess(level(), [at(2020, 5.4, 5.5)], as_of=AFTER)  # 5.45 inside 5.4-5.5
    assert p.status == "unverified"
    assert p.verdict_straddles
    assert status_detail(p, "en") == (
        "5.4–5.5 trillion yuan in 2020: the range straddles the target of 5.45 trillion yuan,"
        " so the outcome cannot be known"
    )
    assert "5.4–5.5 万亿元" in (status_detail(p, "zh") or "")


def test_a_range_is_shown_as_a_range():
    assert value_with_unit(5.4, "%", "en", high=5.5) == "5.4–5.5%"


def test_growth_from_a_range_uses_both_ends():
    # (5.4 / 3.9) ** (1 / 4) - 1 = 8.4757 %; (5.5 / 3.9) ** (1 / 4) - 1 = 8.9744 %
    (rate,) = derived_growth_points(level(), [at(2020, 5.4, 5.5)])
    assert rate.value == pytest.approx(((5.4 / 3.9) ** 0.25 - 1) * 100)
    assert rate.value == pytest.approx(8.4757, abs=1e-4)
    assert rate.high == pytest.approx(8.9744, abs=1e-4)


BOTH_BACKENDS = True


def test_a_range_is_stored_read_back_and_judged_on_both_backends(store):
    from indicators.domain.metrics import assess_all
    from indicators.ingest import Options, check_file, commit

    data = "指标,地区,时期,数值\n信息消费规模,全国,2020,5.4~5.5\n信息消费规模,全国,2021,6.8\n"
    checked = check_file(data.encode(), "r.csv", store.catalog(), Options(today=date(2026, 1, 1)))
    assert checked.ok, checked.problems
    up = commit(store, checked, user="alice")
    assert up.rows_changed == 1  # 5.8 (2020) became 5.4-5.5
    cur = store.current_actuals(["info_consumption_scale"], ["000000"]).set_index("period")
    assert (cur.loc["2020", "value"], cur.loc["2020", "value_high"]) == (5.4, 5.5)
    assert cur["value_high"].isna().sum() == len(cur) - 1  # single figures have none
    history = store.actual_history("info_consumption_scale", "000000", "2020")
    assert list(history["value"]) == [5.4, 5.8]  # the earlier single figure is kept
    # target 6 by 2020: 5.4-5.5 is wholly short (by 0.5 to 0.6), 6.8 (2021) meets it late
    (scale,) = assess_all(
        store.catalog(),
        store.current_actuals(),
        as_of=date(2026, 1, 1),
        targets=[store.catalog().targets["info_consumption_scale"]],
    )
    assert (scale.status, scale.verdict_high) == ("met_late", 5.5)
    assert (scale.shortfall, scale.shortfall_max) == (pytest.approx(0.5), pytest.approx(0.6))
    # the same file again changes nothing: the range compares equal to itself
    again = commit(store, checked, user="alice", allow_duplicate=True)
    assert (again.rows_new, again.rows_changed, again.rows_unchanged) == (0, 0, 2)
