"""'As of D' is as known on D: each figure carries the date it was published; a correction is a
later vintage beside the earlier one, and an as-of view reads what was published by D."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.domain.snapshot import load_snapshot
from indicators.ingest import Options, check_file, commit
from indicators.ingest.value_column import published_on
from indicators.store import Store

BOTH_BACKENDS = True
TODAY = date(2026, 11, 23)


def _upload(store: Store, text: str, name: str) -> None:
    checked = check_file(text.encode(), name, store.catalog(), Options(today=TODAY))
    assert checked.ok, checked.problems
    commit(store, checked, user="alice")


def _scale_2019(store: Store, on: date | None) -> float | None:
    cur = store.current_actuals(["info_consumption_scale"], ["000000"], known_on=on)
    row = cur[cur["period"] == "2019"]
    return None if row.empty else float(row["value"].iloc[0])


def test_a_figure_revised_later_reads_as_it_stood_on_each_date(store: Store) -> None:
    # the 2019 scale: 5.3 published 2020-03-15, revised to 5.4 on 2021-01-20
    _upload(store, "指标,地区,时期,数值,发布日期\n信息消费规模,全国,2019,5.3,2020-03-15\n", "a.csv")
    _upload(store, "指标,地区,时期,数值,发布日期\n信息消费规模,全国,2019,5.4,2021-01-20\n", "b.csv")
    assert _scale_2019(store, date(2019, 12, 31)) is None  # not yet published
    assert _scale_2019(store, date(2020, 6, 30)) == 5.3  # the first vintage
    assert _scale_2019(store, None) == 5.4  # today: the latest vintage
    assert _scale_2019(store, TODAY) == 5.4
    history = store.actual_history("info_consumption_scale", "000000", "2019")
    assert list(zip(history["value"], history["published"], strict=True)) == [
        (5.4, "2021-01-20"),
        (5.3, "2020-03-15"),
    ]
    # the whole view as of 2020-06-30 sees 5.3 for 2019 and none of 2020's (published 2021)
    snap = load_snapshot(store, as_of=date(2020, 6, 30))
    scale = snap.actuals[snap.actuals["indicator_id"] == "info_consumption_scale"]
    assert dict(zip(scale["period"], scale["value"], strict=True))["2019"] == 5.3
    assert "2020" not in set(scale["period"])


def test_an_older_vintage_stored_after_a_newer_one_does_not_replace_it(store: Store) -> None:
    _upload(store, "指标,地区,时期,数值,发布日期\n信息消费规模,全国,2019,5.4,2021-01-20\n", "b.csv")
    older = "指标,地区,时期,数值,publication date\n信息消费规模,全国,2019,5.3,2020-03\n"
    _upload(store, older, "a.csv")
    assert _scale_2019(store, None) == 5.4
    assert _scale_2019(store, date(2020, 12, 31)) == 5.3  # 2020-03 is read as 2020-03-31
    assert _scale_2019(store, date(2020, 3, 30)) is None


def test_an_upload_without_a_date_is_published_on_its_day(store: Store) -> None:
    _upload(store, "指标,地区,时期,数值\n信息消费规模,全国,2019,5.3\n", "c.csv")
    history = store.actual_history("info_consumption_scale", "000000", "2019")
    assert list(history["published"]) == [TODAY.isoformat()]


def test_a_bad_publication_date_is_refused_naming_row_and_column(store: Store) -> None:
    data = "指标,地区,时期,数值,发布时间\n信息消费规模,全国,2019,5.3,2020-13-01\n"
    checked = check_file(data.encode(), "d.csv", store.catalog(), Options(today=TODAY))
    assert not checked.ok
    (problem,) = checked.problems
    assert (problem.code, problem.excel_row, problem.value) == ("bad_published", 2, "2020-13-01")
    assert "E" in str(problem.column)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2020-03-15", "2020-03-15"),
        ("2020-03", "2020-03-31"),
        ("2020-02", "2020-02-29"),
        ("2020/3/5", "2020-03-05"),
        ("2020-03-15 00:00:00", "2020-03-15"),
        ("2027-01-01", None),  # after today
        ("March 2020", None),
    ],
)
def test_publication_dates_as_written(text, day):
    assert published_on(text, TODAY) == day


def test_a_view_of_a_past_date_says_as_known_on_it_on_the_pack_and_source_lines(
    store: Store,
) -> None:
    from indicators.export.pack import pack_content
    from indicators.present.charts import trajectory_chart

    snap = load_snapshot(store, as_of=date(2019, 12, 31))
    # shipped: 5G launched 2019-10-31 (reported 2019-11) is the newest figure known then;
    # the 2020 scale (published 2021-05-17) is not
    assert snap.as_of_line("en") == "As known on 2019-12-31: data to 2019-10-31"
    assert snap.as_of_line("zh") == "截至 2019-12-31 所知：数据截至 2019-10-31"
    content = pack_content(snap, "en")
    assert content.as_of == "As known on 2019-12-31: data to 2019-10-31"  # cover and footers
    fig = trajectory_chart(snap, "info_consumption_scale", "en")
    source = " ".join(a.text for a in fig.layout.annotations if a.name == "source")
    assert "As known on 2019-12-31" in source.replace("<br>", " ")
    assert load_snapshot(store).known_on is None  # today: the latest of everything
