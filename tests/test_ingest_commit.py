"""Preview, commit, history, undo: nothing stored is ever lost, every figure is traceable."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.domain.review_policy import submits_for_review
from indicators.ingest import DuplicateUpload, Options, check_file, check_records, commit, preview
from indicators.store import Store

BOTH_BACKENDS = True
TODAY = date(2026, 11, 23)
HEAD = "指标,地区,时期,数值,来源\n"


def _csv(*rows: str) -> bytes:
    return (HEAD + "".join(r + "\n" for r in rows)).encode()


def _current(store: Store, indicator: str, region: str = "000000") -> dict[str, float]:
    cur = store.current_actuals([indicator], [region])
    return dict(zip(cur["period"], cur["value"], strict=True))


def test_the_preview_sorts_rows_into_new_changed_and_unchanged_with_old_values(
    store: Store,
) -> None:
    # Stored and published: 2020 = 5.8, 2021 = 6.8 (万亿元)
    data = _csv(
        "信息消费规模,全国,2020,5.8,",
        "信息消费规模,全国,2021,6.9,planner",
        "信息消费规模,全国,2022,7.3,planner",
    )
    checked = check_file(data, "p.csv", store.catalog(), Options(today=TODAY))
    pv = preview(store, checked)
    assert (pv.new, pv.changed, pv.unchanged) == (1, 1, 1)
    changed = pv.rows[pv.rows["change"] == "changed"].iloc[0]
    assert (changed["period"], changed["old_value"], changed["value"]) == ("2021", 6.8, 6.9)
    assert changed["excel_row"] == 3
    assert pv.duplicate_of is None


def test_a_commit_writes_the_batch_and_the_previous_value_stays_in_history(
    store: Store,
) -> None:
    data = _csv("信息消费规模,全国,2021,6.9,planner", "信息消费规模,全国,2022,7.3,planner")
    checked = check_file(data, "c.csv", store.catalog(), Options(today=TODAY))
    up = commit(store, checked, user="alice")
    assert (up.kind, up.user_name, up.file_name) == ("file", "alice", "c.csv")
    assert (up.rows_total, up.rows_new, up.rows_changed, up.rows_unchanged) == (2, 1, 1, 0)
    assert len(up.sha256) == 64
    assert _current(store, "info_consumption_scale")["2021"] == 6.9
    history = store.actual_history("info_consumption_scale", "000000", "2021")
    assert list(history["value"]) == [6.9, 6.8]  # newest first; the published one is kept
    assert history["upload_id"].iloc[0] == up.id
    written = store.upload_rows(up.id)
    assert sorted(written["period"]) == ["2021", "2022"]


def test_every_current_figure_names_the_upload_and_person_that_wrote_it(store: Store) -> None:
    checked = check_file(
        _csv("信息消费规模,全国,2022,7.3,planner"), "t.csv", store.catalog(), Options(today=TODAY)
    )
    up = commit(store, checked, user="alice")
    cur = store.current_actuals(["info_consumption_scale"], ["000000"])
    row = cur[cur["period"] == "2022"].iloc[0]
    assert (row["upload_id"], row["user_name"], row["file_name"]) == (up.id, "alice", "t.csv")
    assert cur["upload_id"].notna().all()


def test_undo_retires_an_uploads_rows_and_brings_back_what_they_replaced(store: Store) -> None:
    before = _current(store, "info_consumption_scale")
    checked = check_file(
        _csv("信息消费规模,全国,2021,6.9,", "信息消费规模,全国,2022,7.3,"),
        "u.csv",
        store.catalog(),
        Options(today=TODAY),
    )
    up = commit(store, checked, user="alice")
    undo = store.undo_upload(up.id, user="bob", review=submits_for_review(store))
    assert (undo.kind, undo.undoes, undo.user_name, undo.rows_total) == ("undo", up.id, "bob", 2)
    assert _current(store, "info_consumption_scale") == before
    assert store.upload(up.id).undone_by == undo.id
    # Undone rows are still in the table, marked, not deleted.
    history = store.actual_history("info_consumption_scale", "000000", "2021")
    assert list(zip(history["value"], history["undone"], strict=True)) == [
        (6.9, True),
        (6.8, False),
    ]


def test_the_same_file_twice_is_detected_and_refused_unless_asked(store: Store) -> None:
    data = _csv("信息消费规模,全国,2022,7.3,")
    catalog = store.catalog()
    first = commit(store, check_file(data, "a.csv", catalog, Options(today=TODAY)), user="a")
    again = check_file(data, "renamed.csv", catalog, Options(today=TODAY))
    pv = preview(store, again)
    assert pv.duplicate_of is not None and pv.duplicate_of.id == first.id
    assert (pv.new, pv.changed, pv.unchanged) == (0, 0, 1)
    with pytest.raises(DuplicateUpload) as err:
        commit(store, again, user="a")
    assert err.value.upload.id == first.id
    second = commit(store, again, user="a", allow_duplicate=True)
    assert (second.rows_new, second.rows_unchanged) == (0, 1)
    # After an undo the same file may come back without being called a duplicate.
    store.undo_upload(second.id, user="a", review=submits_for_review(store))
    store.undo_upload(first.id, user="a", review=submits_for_review(store))
    assert preview(store, again).duplicate_of is None


def test_a_form_edit_is_validated_and_recorded_like_an_upload(store: Store) -> None:
    checked = check_records(
        [
            {
                "indicator": "fibre_village_share",
                "region": "450000",
                "period": "2020",
                "value": ">99",
                "source": "广西通信管理局",
            }
        ],
        store.catalog(),
        Options(today=TODAY),
    )
    up = commit(store, checked, user="carol", kind="form")
    assert (up.kind, up.file_name, up.sha256, up.user_name) == ("form", None, None, "carol")
    cur = store.current_actuals(["fibre_village_share"], ["450000"]).iloc[0]
    assert (cur["value"], cur["qualifier"], cur["upload_kind"]) == (99.0, ">", "form")


def test_a_fresh_database_takes_a_first_upload(empty_store: Store) -> None:
    checked = check_file(
        _csv("信息消费规模,全国,2020,5.8,"), "f.csv", empty_store.catalog(), Options(today=TODAY)
    )
    assert preview(empty_store, checked).new == 1
    commit(empty_store, checked, user="a")
    assert _current(empty_store, "info_consumption_scale") == {"2020": 5.8}


def test_a_workbook_read_whole_is_previewed_and_committed_with_each_rows_sheet(
    store: Store, tmp_path
) -> None:
    from openpyxl import Workbook

    from indicators.ingest.pipeline import ALL_SHEETS

    wb = Workbook()
    wb.active.title = "规模"
    for row in (["指标", "地区", "时期", "数值"], ["信息消费规模", "全国", 2021, 6.9]):
        wb.active.append(row)
    wb.active.append(["信息消费规模", "全国", 2022, 7.3])
    fibre = wb.create_sheet("光纤")
    fibre.append(["指标", "地区", "时期", "数值"])
    fibre.append(["行政村通光纤比例", "广西", 2019, 94])
    wb.save(tmp_path / "two.xlsx")
    data = (tmp_path / "two.xlsx").read_bytes()
    checked = check_file(data, "two.xlsx", store.catalog(), Options(today=TODAY, sheet=ALL_SHEETS))
    assert checked.ok, checked.problems
    pv = preview(store, checked)
    # 2021 was stored as 6.8 (published); 2022 and Guangxi's 2019 are new.
    assert (pv.new, pv.changed, pv.unchanged) == (2, 1, 0)
    assert sorted(
        (r.sheet, int(r.excel_row), r.indicator_id, r.region_code, r.period, r.change)
        for r in pv.rows.itertuples(index=False)
    ) == [
        ("光纤", 2, "fibre_village_share", "450000", "2019", "new"),
        ("规模", 2, "info_consumption_scale", "000000", "2021", "changed"),
        ("规模", 3, "info_consumption_scale", "000000", "2022", "new"),
    ]
    up = commit(store, checked, user="alice")
    assert (up.rows_total, up.rows_new, up.rows_changed) == (3, 2, 1)
    scale = _current(store, "info_consumption_scale")
    assert (scale["2021"], scale["2022"]) == (6.9, 7.3)
    assert _current(store, "fibre_village_share", "450000") == {"2019": 94.0}
