"""Every number officials see, checked against values worked out by hand here."""

from dataclasses import replace
from datetime import date

import pytest

from indicators.base.catalog import Target
from indicators.base.status import VERDICTS
from indicators.domain.metrics import Point, assess, assess_all, classify
from tests.targets import make_target

AS_OF = date(2026, 11, 23)


def target(**kw) -> Target:
    return make_target(**kw)


def pts(*pairs) -> list[Point]:
    return [Point(str(year), float(year), float(v)) for year, v in pairs]


def test_compound_progress_on_track():
    # baseline 50 (2010) -> target 100 (2020); 70 in 2015
    p = assess(target(), pts((2015, 70)), as_of=date(2016, 6, 1))
    required = (100 / 50) ** (1 / 10) - 1  # 7.1773 %
    observed = (70 / 50) ** (1 / 5) - 1  # 6.9610 %
    assert p.required_cagr == pytest.approx(required * 100)
    assert p.required_cagr == pytest.approx(7.1773, abs=1e-4)
    assert p.observed_cagr == pytest.approx(observed * 100)
    assert p.observed_cagr == pytest.approx(6.9610, abs=1e-4)
    assert p.ratio == pytest.approx(observed / required)  # 0.9699
    assert p.status == "on_track"
    assert p.pct_achieved == pytest.approx(70.0)
    assert p.gap == pytest.approx(30.0)
    # compound projection: 70 * 1.4 ** (5/5) = 98; linear: 70 + 4/yr * 5 = 90
    assert p.projected_value == pytest.approx(98.0)
    assert p.projected_linear == pytest.approx(90.0)
    # half the time gone, 40 % of the gap closed
    assert p.time_elapsed_pct == pytest.approx(50.0)
    assert p.gap_closed_pct == pytest.approx(40.0)
    assert p.verdict is None  # target year not yet passed


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        (65, "moderate"),  # R = (1.3**.2-1)/(2**.1-1) = 0.7506
        (60, "limited"),  # R = (1.2**.2-1)/(2**.1-1) = 0.5174
        (45, "deterioration"),  # falling
        (100, "achieved"),
    ],
)
def test_status_thresholds(latest, status):
    assert assess(target(), pts((2015, latest)), as_of=date(2016, 1, 1)).status == status


def test_classify_boundaries():
    assert classify(0.95) == "on_track"
    assert classify(0.9499) == "moderate"
    assert classify(0.60) == "moderate"
    assert classify(0.5999) == "limited"
    assert classify(0.0) == "limited"
    assert classify(-0.01) == "deterioration"


def test_lower_is_better_flips_the_sign():
    t = target(direction="decrease", target_value=20.0, baseline_value=40.0)
    p = assess(t, pts((2015, 30)), as_of=date(2016, 1, 1))
    required = (20 / 40) ** (1 / 10) - 1  # -6.697 %
    observed = (30 / 40) ** (1 / 5) - 1  # -5.591 %
    assert p.ratio == pytest.approx(-observed / abs(required))  # 0.8348
    assert p.status == "moderate"
    assert p.gap == pytest.approx(10.0)


def test_counts_from_zero_use_per_year_changes():
    t = target(kind="count", target_value=100.0, baseline_value=0.0, baseline_period="2017")
    p = assess(t, pts((2019, 60)), as_of=date(2020, 1, 1))
    assert p.method == "linear"
    assert p.required_annual_change == pytest.approx(100 / 3)
    assert p.observed_annual_change == pytest.approx(30.0)
    assert p.ratio == pytest.approx(0.9)
    assert p.status == "moderate"
    assert p.projected_linear == pytest.approx(90.0)
    assert p.required_cagr is None


def test_one_figure_without_baseline_is_insufficient_data_and_keeps_the_figure():
    p = assess(
        target(baseline_value=None, baseline_period=None), pts((2018, 34)), as_of=date(2019, 1, 1)
    )
    assert p.status == "insufficient_data"
    assert p.latest_value == 34
    assert p.gap == pytest.approx(66.0)
    assert p.ratio is None


def test_no_figure_at_all_is_no_data_while_open_and_unverified_once_passed():
    assert assess(target(), [], as_of=date(2019, 1, 1)).status == "no_data"
    p = assess(target(), [], as_of=AS_OF)
    assert (p.status, p.verdict) == ("unverified", "unverified")
    assert p.latest_value is None and p.verdict_period is None


def test_verdict_met_on_time_early():
    p = assess(target(), pts((2018, 101), (2020, 105)), as_of=AS_OF)
    assert p.verdict == "met_on_time"
    assert p.first_met_period == "2018"
    assert p.met_early is True


def test_verdict_met_late_keeps_the_shortfall_at_the_target_year():
    p = assess(target(), pts((2019, 90), (2020, 95), (2022, 110)), as_of=AS_OF)
    assert p.verdict == "met_late"
    assert p.first_met_period == "2022"
    assert p.verdict_period == "2020"
    assert p.shortfall == pytest.approx(5.0)  # 100 - 95, in the target's unit
    assert p.shortfall_pct == pytest.approx(5.0)  # (100 - 95) / 100


def test_verdict_missed_by_share_of_target():
    p = assess(target(), pts((2019, 70), (2020, 80), (2021, 85)), as_of=AS_OF)
    assert p.verdict == "missed"
    assert p.shortfall == pytest.approx(20.0)
    assert p.shortfall_pct == pytest.approx(20.0)
    assert p.first_met_period is None


def test_growth_rate_target_compares_observed_with_stated_rate():
    t = target(
        kind="growth_rate", target_value=11.0, baseline_value=None, baseline_period=None, unit="%"
    )
    p = assess(t, pts((2018, 9.9)), as_of=date(2019, 1, 1))
    assert p.pct_achieved is None  # no "% achieved" for a rate target
    assert p.ratio == pytest.approx(0.9)
    assert p.status == "moderate"


def test_milestone_met_when_the_event_happened():
    t = target(kind="milestone", target_value=None, baseline_value=None, baseline_period=None)
    event = [Point("2019-10-31", 2018 + 304 / 365, 1.0)]
    p = assess(t, event, as_of=AS_OF)
    assert (p.status, p.verdict, p.first_met_period, p.met_early) == (
        "met_on_time",
        "met_on_time",
        "2019-10-31",
        True,
    )
    assert assess(t, event, as_of=date(2020, 1, 1)).status == "achieved"
    late = [Point("2021-03-01", 2020 + 60 / 365, 1.0)]
    assert assess(t, late, as_of=AS_OF).verdict == "met_late"
    # a recorded "not yet" (0) at the deadline is a miss; no record at all cannot be judged
    assert assess(t, [Point("2020", 2020.0, 0.0)], as_of=AS_OF).verdict == "missed"
    assert assess(t, [Point("2018", 2018.0, 0.0)], as_of=AS_OF).verdict == "unverified"
    assert assess(t, [], as_of=AS_OF).verdict == "unverified"
    # before the deadline a recorded "not yet" is a figure without a trend
    assert (
        assess(t, [Point("2018", 2018.0, 0.0)], as_of=date(2019, 1, 1)).status
        == "insufficient_data"
    )


def test_provinces_get_no_target_for_national_only_targets():
    p = assess(target(regional=False), pts((2015, 70)), as_of=AS_OF, region_code="450000")
    assert p.status == "no_target"
    assert p.pct_achieved is None


# --- the shipped published figures ---------------------------------------------------------


@pytest.fixture
def national(store):
    return {
        p.target_id: p
        for p in assess_all(
            store.catalog(), store.current_actuals(region_codes=["000000"]), as_of=AS_OF
        )
    }


def test_information_consumption_scale_met_late(national):
    p = national["info_consumption_scale"]
    assert (p.latest_value, p.latest_period) == (6.8, "2021")
    assert p.pct_achieved == pytest.approx(6.8 / 6 * 100)  # 113.33
    assert p.gap == pytest.approx(-0.8)
    assert p.required_cagr == pytest.approx(((6 / 3.9) ** 0.25 - 1) * 100)  # 11.37
    assert p.required_cagr == pytest.approx(11.3708, abs=1e-4)
    assert p.observed_cagr == pytest.approx(((6.8 / 3.9) ** 0.2 - 1) * 100)  # 11.76
    assert p.status == p.verdict == "met_late"
    assert p.first_met_period == "2021"
    assert p.shortfall == pytest.approx(0.2)  # 6 - 5.8 trillion in 2020
    assert p.shortfall_pct == pytest.approx((6 - 5.8) / 6 * 100)  # 3.33 % short in 2020


def test_average_growth_is_measured_on_the_scale_series(national):
    p = national["info_consumption_growth"]
    at_2020 = ((5.8 / 3.9) ** 0.25 - 1) * 100  # 10.43 % a year 2016-2020
    assert p.status == p.verdict == "missed"
    assert p.verdict_value == pytest.approx(at_2020)
    # a rate falls short in percentage points, not as a share of itself
    assert p.shortfall == pytest.approx(11 - at_2020)
    assert p.shortfall == pytest.approx(0.5690, abs=1e-4)
    assert p.shortfall_pct is None
    # 2016-2021 (11.76 %) is another measure: once 2020 has passed it is not the latest
    assert p.latest_period == "2020"
    assert p.latest_value == pytest.approx(at_2020)
    assert p.gap == pytest.approx(11 - at_2020)


def test_fibre_met_early(national):
    p = national["fibre_village_share"]
    assert p.latest_qualifier == ">"
    assert (p.verdict, p.first_met_period, p.met_early) == ("met_on_time", "2019-08", True)
    assert p.status == "met_on_time"


def test_village_stations_cannot_be_judged_on_a_2018_figure(national):
    p = national["village_info_station_coverage"]
    assert p.status == p.verdict == "unverified"
    # the last figure is kept as context: June 2018, 34 %, 46 percentage points short
    assert (p.verdict_period, p.verdict_value, p.shortfall) == ("2018-06", 34.0, 46.0)
    assert p.shortfall_pct is None  # a share: points, not a share of the target


def test_targets_without_published_figures_are_unverified_once_passed(national):
    for tid in ("related_output", "skills_training_projects"):
        assert national[tid].status == "unverified"
        assert national[tid].latest_value is None


def test_5g_launched_early(national):
    p = national["5g_commercial_launch"]
    assert (p.verdict, p.first_met_period, p.met_early) == ("met_on_time", "2019-10-31", True)


def test_before_the_target_year_there_is_no_verdict(store):
    results = assess_all(store.catalog(), store.current_actuals(), as_of=date(2019, 6, 1))
    assert all(p.verdict is None for p in results)


def test_baseline_is_only_used_nationally(catalog):
    t = replace(catalog.targets["info_consumption_scale"], regional=True)
    p = assess(t, pts((2018, 0.2), (2020, 0.3)), as_of=AS_OF, region_code="450000")
    assert p.baseline_source == "first_actual"
    assert p.baseline_value == 0.2


# --- the status model: one word, never a trend beside a verdict ----------------------------


def test_status_is_the_verdict_for_every_result_once_the_year_has_passed(store):
    results = assess_all(store.catalog(), store.current_actuals(), as_of=AS_OF)
    assert results
    for p in results:
        assert p.status == p.verdict
        assert p.status in VERDICTS


def test_a_2019_figure_is_not_a_2020_verdict():
    # 62 % in 2019 towards 80 % by 2020, nothing for 2020: the outcome is unknown
    t = target(unit="%", kind="share", target_value=80.0, baseline_value=None, baseline_period=None)
    p = assess(t, pts((2018, 34), (2019, 62)), as_of=AS_OF)
    assert p.status == "unverified"
    assert (p.verdict_period, p.shortfall) == ("2019", pytest.approx(18.0))
    # the same figures while 2020 was open: on track,
    # R = (62 / 34 - 1) / ((80 / 34) ** (1 / 2) - 1) = 0.8235 / 0.5339 = 1.542
    open_ = assess(t, pts((2018, 34), (2019, 62)), as_of=date(2020, 3, 1))
    assert open_.ratio == pytest.approx((62 / 34 - 1) / ((80 / 34) ** 0.5 - 1))
    assert open_.ratio == pytest.approx(1.5424, abs=1e-4)
    assert open_.status == "on_track"


def test_a_figure_inside_the_target_year_decides():
    t = target(unit="%", kind="share", target_value=80.0, baseline_value=None, baseline_period=None)
    june = [Point("2018", 2018.0, 34.0), Point("2020-06", 2019.5, 70.0)]
    p = assess(t, june, as_of=AS_OF)
    assert (p.status, p.verdict_period, p.shortfall) == ("missed", "2020-06", 10.0)


def test_met_before_the_deadline_counts_for_a_level_but_not_for_a_rate():
    p = assess(target(), pts((2019, 101)), as_of=AS_OF)
    assert (p.status, p.met_early, p.verdict_period) == ("met_on_time", True, "2019")
    rate = target(
        kind="growth_rate", unit="%", target_value=11.0, baseline_value=None, baseline_period=None
    )
    assert assess(rate, pts((2019, 12)), as_of=AS_OF).status == "unverified"
    assert assess(rate, pts((2019, 12), (2020, 10.5)), as_of=AS_OF).status == "missed"
    assert assess(rate, pts((2020, 11.2)), as_of=AS_OF).status == "met_on_time"


def test_a_target_of_zero_uses_per_year_changes():
    # 10 (2015) -> 0.5 (2019) towards 0 by 2020: required -2 a year, observed -2.375
    t = target(direction="decrease", target_value=0.0, baseline_value=10.0, baseline_period="2015")
    p = assess(t, pts((2019, 0.5)), as_of=date(2020, 1, 1))
    assert p.method == "linear"
    assert p.required_annual_change == pytest.approx(-2.0)
    assert p.observed_annual_change == pytest.approx(-2.375)
    assert p.ratio == pytest.approx(2.375 / 2)
    assert p.status == "on_track"
    assert p.gap == pytest.approx(0.5)


def test_a_decrease_target_above_its_ceiling_is_not_achieved():
    t = target(direction="decrease", target_value=20.0, baseline_value=40.0)
    p = assess(t, pts((2015, 30)), as_of=date(2016, 1, 1))
    assert p.status != "achieved"
    assert p.pct_achieved == pytest.approx(20 / 30 * 100)
    assert assess(t, pts((2015, 18)), as_of=date(2016, 1, 1)).status == "achieved"


def test_a_start_that_already_meets_the_target_needs_no_path():
    # Guangdong fibre: first figure 98.6 % against 98 %
    t = target(unit="%", kind="share", target_value=98.0, baseline_value=None, baseline_period=None)
    p = assess(t, pts((2018, 98.6), (2019, 99.1)), as_of=date(2020, 1, 1))
    assert p.met_at_baseline is True
    assert p.status == "achieved"
    assert assess(t, pts((2018, 90), (2019, 99.1)), as_of=date(2020, 1, 1)).met_at_baseline is False


def test_a_retired_operator_field_in_the_catalog_is_refused(tmp_path):
    import shutil

    from indicators.base.catalog import CATALOG_DIR, CatalogError, load_catalog

    shutil.copytree(CATALOG_DIR, tmp_path / "c")
    path = tmp_path / "c" / "targets.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  direction: increase\n", '  direction: increase\n  operator: "<="\n', 1),
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="operator"):
        load_catalog(tmp_path / "c")


@pytest.mark.parametrize(
    ("observed", "status"),
    [
        (13.0, "on_track"),  # R = 13 / 11 = 1.18: faster than asked, yet not "achieved"
        (10.0, "moderate"),  # R = 10 / 11 = 0.909
        (5.0, "limited"),  # R = 5 / 11 = 0.455
        (-1.0, "deterioration"),
    ],
)
def test_a_growth_rate_target_is_never_achieved_before_its_year(observed, status):
    t = target(
        kind="growth_rate", target_value=11.0, baseline_value=None, baseline_period=None, unit="%"
    )
    before = assess(t, pts((2018, observed)), as_of=date(2019, 12, 31))
    assert before.status == status
    assert before.verdict is None
    after = assess(t, pts((2018, observed), (2020, observed)), as_of=date(2021, 1, 1))
    assert after.status == ("met_on_time" if observed >= 11 else "missed")
