"""Issue 9, the time axis: a reader places every point by the year band it sits in.

A figure sits at its period's end (periods.py): a month at its last day, a year's figure and
a target year ("by 2020", 2020年底前) at 31 December. The axis labels each year in the
middle of its band and draws the gridlines at 1 January, so 2019-08 is inside the 2019 band
and a 2020 deadline at the right edge of the 2020 band (never under a "2021" label), and the
axis title says where a year's figure sits. Checked on the positions the figures carry.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from indicators.present import charts as F
from tests.test_figures import as_date, snap_of, trace


def _band(x: object) -> int:
    """The year whose band [1 January, next 1 January) holds x."""
    d = as_date(x)
    assert date(d.year, 1, 1) <= d < date(d.year + 1, 1, 1)
    return d.year


def _year_bands(fig) -> None:
    axis = fig.layout.xaxis
    assert (axis.type, axis.dtick, axis.tickformat, axis.ticklabelmode) == (
        "date",
        "M12",
        "%Y",
        "period",
    )
    assert as_date(axis.tick0).timetuple()[1:3] == (1, 1)  # gridlines at 1 January


def test_a_month_sits_at_its_last_day_inside_its_own_year(store):
    fig = F.trajectory_chart(snap_of(store), "fibre_village_share", "en")
    _year_bands(fig)
    actual = trace(fig, "Actual")
    # 2019-08 and 2021-05: the ends of August and May, in the 2019 and 2021 bands
    assert [as_date(x) for x in actual.x] == [date(2019, 8, 31), date(2021, 5, 31)]
    assert [_band(x) for x in actual.x] == [2019, 2021]
    # the axis starts at the 2019 band, so 2019-08 is two thirds into the first band
    lo, hi = (as_date(x) for x in fig.layout.xaxis.range)
    assert (lo, hi) == (date(2019, 1, 1), date(2022, 1, 1))
    assert (date(2019, 8, 31) - lo).days / (hi - lo).days == pytest.approx(242 / 1096)


def test_june_2018_sits_in_the_middle_of_2018_and_its_path_leaves_from_it(store):
    fig = F.trajectory_chart(snap_of(store), "village_info_station_coverage", "en")
    point = trace(fig, "Actual")
    assert [as_date(x) for x in point.x] == [date(2018, 6, 30)] and _band(point.x[0]) == 2018
    path = trace(fig, "Required path")
    assert (as_date(path.x[0]), path.y[0]) == (date(2018, 6, 30), 34)
    assert (as_date(path.x[-1]), path.y[-1]) == (date(2020, 12, 31), 80)


def test_a_year_figure_and_its_target_year_meet_at_the_years_end_and_the_axis_says_so(store):
    fig = F.trajectory_chart(snap_of(store), "info_consumption_scale", "en")
    _year_bands(fig)
    actual = dict(
        zip((as_date(x) for x in trace(fig, "Actual").x), trace(fig, "Actual").y, strict=True)
    )
    # the annual 2016 and 2020 figures at 31 December, in their own band
    assert actual[date(2016, 12, 31)] == 3.9 and actual[date(2020, 12, 31)] == 5.8
    star = trace(fig, "Target 6 trillion yuan")
    # the target "by 2020" at the same place as the 2020 figure it is judged on, drawn
    # whole at the axis' edge
    assert [as_date(x) for x in star.x] == [date(2020, 12, 31)] and _band(star.x[0]) == 2020
    assert star.cliponaxis is False
    label = next(a for a in fig.layout.annotations if a.text == "Target year 2020")
    assert as_date(label.x) == date(2020, 12, 31) and label.xanchor == "right"  # in 2020
    assert fig.layout.xaxis.title.text == "Period (a year's figure and target at 31 Dec)"


def test_a_2020_deadline_sits_in_the_2020_band_and_says_so_on_the_chart(store):
    fig = F.milestone_timeline(snap_of(store), "infrastructure", "zh")
    _year_bands(fig)
    deadline = trace(fig, "目标期限")
    assert [as_date(x) for x in deadline.x] == [date(2020, 12, 31)]
    assert _band(deadline.x[0]) == 2020
    assert list(deadline.text) == ["期限：2020年底"]
    launch = trace(fig, "按期实现")
    assert [as_date(x) for x in launch.x] == [date(2019, 10, 31)] and _band(launch.x[0]) == 2019
    assert fig.layout.xaxis.title.text == "日期（期限标在当年12月31日）"


def test_a_point_on_the_axis_edge_is_drawn_whole_and_none_outside_a_chosen_window(store):
    # the 2021 scale figure sits on 2021-12-31, the right edge of the whole-year axis
    fig = F.trajectory_chart(snap_of(store), "info_consumption_scale", "en")
    actual = trace(fig, "Actual")
    assert as_date(actual.x[-1]) == as_date(fig.layout.xaxis.range[1]) - timedelta(days=1)
    assert actual.cliponaxis is False
    # marks drawn over the edge must not include any outside the years asked for
    window = F.trajectory_chart(snap_of(store), "info_consumption_scale", "en", years=(2015, 2018))
    shown = [as_date(x).year for x in trace(window, "Actual").x]
    assert shown and min(shown) >= 2015 and max(shown) <= 2018
    # the one published year-on-year rate (2018) is drawn in a window with 2018, not without
    growth = "info_consumption_growth"
    with_2018 = F.trajectory_chart(snap_of(store), growth, "en", years=(2017, 2020))
    diamonds = trace(with_2018, "Published year-on-year growth")
    assert [as_date(x) for x in diamonds.x] == [date(2018, 12, 31)]
    assert diamonds.cliponaxis is False
    without = F.trajectory_chart(snap_of(store), growth, "en", years=(2019, 2020))
    assert not [t for t in without.data if t.name == "Published year-on-year growth"]
