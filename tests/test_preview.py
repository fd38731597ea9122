"""Preview "as if published": the snapshot layer gives published + one submitted upload with
its pending points named; only a signed-in planner (its own) or reviewer may see it."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.domain.auth import Account, Accounts
from indicators.domain.review import (
    as_if_published,
    decide,
    may_preview,
    upload_label,
)
from indicators.domain.review_policy import submits_for_review
from indicators.domain.snapshot import load_snapshot
from indicators.present.cards import target_card
from indicators.present.charts import trajectory_chart
from indicators.store import Store, StoreError
from tests.conftest import AS_OF

PASSWORD = "long enough"


def _submit(store: Store, value: float = 7.3, period: str = "2022", user: str = "nat"):
    frame = pd.DataFrame(
        [
            {
                "indicator_id": "info_consumption_scale",
                "region_code": "000000",
                "period": period,
                "t": float(period),
                "value": value,
                "qualifier": None,
                "unit": "万亿元",
                "source": None,
                "note": None,
            }
        ]
    )
    return store.write_actuals(
        frame, kind="file", user=user, file_name="nat.csv", review=submits_for_review(store)
    )


@pytest.fixture
def team(store: Store) -> Store:
    accounts = Accounts(store)
    accounts.add("nat", PASSWORD)
    accounts.add("gd", PASSWORD, regions=["440000"])
    accounts.add("rev", PASSWORD, role="reviewer")
    return store


def test_a_preview_snapshot_is_published_plus_the_upload_with_its_points_named(team: Store) -> None:
    up = _submit(team)
    assert up.state == "submitted"
    published = load_snapshot(team, as_of=AS_OF)
    preview = load_snapshot(team, as_of=AS_OF, preview=up.id)
    # published: 6.8 for 2021 is the latest; the preview adds 7.3 for 2022
    assert published.national["info_consumption_scale"].latest_value == 6.8
    assert published.preview is None and published.pending == frozenset()
    assert preview.national["info_consumption_scale"].latest_value == 7.3
    assert preview.pending == {("info_consumption_scale", "000000", "2022")}
    assert preview.pending_periods(["info_consumption_scale"], "000000") == ["2022"]
    assert preview.pending_periods(["info_consumption_scale"], "440000") == []

    assert target_card(published, "info_consumption_scale", "en").pending is None
    card = target_card(preview, "info_consumption_scale", "en")
    assert card.pending == f"Pending (upload #{up.id}, not published): 2022"

    fig = trajectory_chart(preview, "info_consumption_scale", "en")
    rings = [t for t in fig.data if t.name == f"Pending: upload #{up.id}"]
    assert len(rings) == 1 and list(rings[0].y) == [7.3]
    assert not [
        t
        for t in trajectory_chart(published, "info_consumption_scale", "en").data
        if str(t.name).startswith("Pending")
    ]


def test_a_preview_of_an_undo_marks_the_figures_it_takes_back(team: Store) -> None:
    first = _submit(team)
    decide(team, first.id, "rev", approve=True)
    undo = team.undo_upload(first.id, user="nat", review=submits_for_review(team))
    assert undo.state == "submitted"
    assert load_snapshot(team, as_of=AS_OF).national["info_consumption_scale"].latest_value == 7.3
    preview = load_snapshot(team, as_of=AS_OF, preview=undo.id)
    assert preview.national["info_consumption_scale"].latest_value == 6.8
    assert preview.pending == {("info_consumption_scale", "000000", "2022")}


def test_a_preview_says_data_as_of_the_previewed_figures_and_the_upload_as_the_last(
    team: Store,
) -> None:
    up = _submit(team)
    published = load_snapshot(team)  # today: the latest of everything, not "as known on"
    preview = load_snapshot(team, as_of=AS_OF, preview=up.id)
    assert published.as_of_line("zh", clock=False).startswith("数据截至 2021；")
    # the pending 2022 figure is the newest, the submitted upload the last one
    assert preview.as_of_line("zh") == f"数据截至 2022；最近上传 {up.created_at:%Y-%m-%d %H:%M}"
    assert published.summary["last_upload_at"] < up.created_at


def test_a_preview_of_an_undo_says_data_as_of_what_is_left(team: Store) -> None:
    first = _submit(team)
    decide(team, first.id, "rev", approve=True)
    assert load_snapshot(team, as_of=AS_OF).summary["newest_period"] == "2022"
    undo = team.undo_upload(first.id, user="nat", review=submits_for_review(team))
    preview = load_snapshot(team, as_of=AS_OF, preview=undo.id)
    assert preview.as_of_line("en", clock=False) == (
        f"Data as of 2021; last upload {undo.created_at:%Y-%m-%d}"
    )


def test_only_a_submitted_upload_can_be_previewed(team: Store) -> None:
    up = _submit(team)
    decide(team, up.id, "rev", approve=True)
    with pytest.raises(StoreError, match=f"upload {up.id} is published"):
        load_snapshot(team, as_of=AS_OF, preview=up.id)


def test_reviewers_preview_any_submitted_upload_planners_their_own_officials_none(
    team: Store,
) -> None:
    up = _submit(team)
    accounts = Accounts(team)
    nat, gd, rev = (accounts.get(n) for n in ("nat", "gd", "rev"))
    assert may_preview(rev, up) and may_preview(nat, up)
    assert not may_preview(gd, up)  # another planner's upload
    assert not may_preview(None, up)  # an official
    assert rev is not None
    off = Account(rev.name, rev.role, rev.regions, disabled=True)
    assert not may_preview(off, up)
    decide(team, up.id, "rev", approve=True)
    assert not may_preview(rev, team.upload(up.id))  # decided: nothing left to preview


def test_the_review_table_compares_the_published_and_the_preview_snapshots(team: Store) -> None:
    up = _submit(team)
    frame = pd.DataFrame(
        [
            {
                "indicator_id": "fibre_village_share",
                "region_code": "440000",
                "period": "2020",
                "t": 2020.0,
                "value": 99.5,
                "qualifier": None,
                "unit": "%",
                "source": None,
                "note": None,
            }
        ]
    )
    other = team.write_actuals(
        frame, kind="file", user="gd", file_name="gd.csv", review=submits_for_review(team)
    )
    published = load_snapshot(team, as_of=AS_OF)
    table = as_if_published(published, load_snapshot(team, as_of=AS_OF, preview=up.id), "en")
    # 2021's 6.8 is the latest published; 7.3 for 2022 once approved. Both years are past
    # 2020, which 2020's 5.8 missed and 2021's 6.8 met: met late, before and after.
    assert table.to_dict("records") == [
        {
            "Indicator": "Information consumption scale",
            "Region": "National",
            "Latest now": "6.8 (2021)",
            "Latest once approved": "7.3 (2022)",
            "Status now": "Met late",
            "Status once approved": "Met late",
            "Change": "●",
        }
    ]
    # Guangdong has no published figure (2020 is past, so unverified); 99.5 % in 2020 meets
    # 98 % by 2020.
    gd = as_if_published(published, load_snapshot(team, as_of=AS_OF, preview=other.id), "en")
    assert list(gd.iloc[0])[1:] == [
        "Guangdong",
        "–",
        "99.5 (2020)",
        "Unverified",
        "Met on time",
        "●",
    ]


def test_an_undo_in_review_shows_the_figures_it_takes_back_and_what_returns(team: Store) -> None:
    first = _submit(team)
    decide(team, first.id, "rev", approve=True)
    undo = team.undo_upload(first.id, user="nat", review=submits_for_review(team))
    assert (first.rows_id, undo.rows_id) == (first.id, first.id)
    table = as_if_published(
        load_snapshot(team, as_of=AS_OF), load_snapshot(team, as_of=AS_OF, preview=undo.id), "en"
    )
    assert list(table["Latest now"]) == ["7.3 (2022)"]
    assert list(table["Latest once approved"]) == ["6.8 (2021)"]


def test_an_upload_is_labelled_alike_on_the_history_and_review_pages(team: Store) -> None:
    up = _submit(team)
    when = f"{up.created_at:%Y-%m-%d %H:%M}"
    assert upload_label(up, "en") == f"#{up.id} · nat.csv · nat · {when}"
    assert upload_label(up, "en", show_user=False) == f"#{up.id} · nat.csv · {when}"
    undo_label = upload_label(
        team.undo_upload(up.id, user="nat", review=submits_for_review(team)), "zh", show_user=False
    )
    assert undo_label.startswith(f"#{up.id + 1} · 撤销 · ")


def _rows(*rows: tuple[str, str, str, float, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_id": i,
                "region_code": r,
                "period": p,
                "t": float(p),
                "value": v,
                "qualifier": None,
                "unit": u,
                "source": None,
                "note": None,
            }
            for i, r, p, v, u in rows
        ]
    )


@pytest.fixture
def guangdong_growth_then_scale(team: Store) -> tuple[Store, int]:
    """Guangdong's own growth figure published, then an upload of national and Guangdong
    scale figures waiting: the growth target is derived from the scale (derived_from)."""
    growth = team.write_actuals(
        _rows(("info_consumption_growth", "440000", "2019", 10.0, "%")),
        kind="file",
        user="gd",
        file_name="gd.csv",
        review=submits_for_review(team),
    )
    decide(team, growth.id, "rev", approve=True)
    up = team.write_actuals(
        _rows(
            ("info_consumption_scale", "000000", "2022", 7.3, "万亿元"),
            ("info_consumption_scale", "440000", "2022", 0.5, "万亿元"),
        ),
        kind="file",
        user="nat",
        file_name="scale.csv",
        review=submits_for_review(team),
    )
    return team, up.id


def test_a_province_is_pending_only_where_its_drawn_figure_is_and_never_the_nation(
    guangdong_growth_then_scale: tuple[Store, int],
) -> None:
    from indicators.domain.regional import pending_provinces
    from indicators.present.charts import regions_bar

    store, up = guangdong_growth_then_scale
    preview = load_snapshot(store, as_of=AS_OF, preview=up)
    # the scale's provinces chart draws Guangdong's pending 0.5; the nation is not on it
    assert pending_provinces(preview, "info_consumption_scale") == {"440000"}
    # a province's growth is judged on its own figures (the rate is derived from the scale
    # nationally only): Guangdong's 10 % is published, nothing on this chart is pending
    assert [p.latest_value for p in preview.regional("info_consumption_growth")] == [10.0]
    assert pending_provinces(preview, "info_consumption_growth") == set()
    fig = regions_bar(preview, "info_consumption_growth", "en")
    assert not [t for t in fig.data if str(t.name).startswith("Pending")]
    rings = [t for t in regions_bar(preview, "info_consumption_scale", "en").data]
    assert [list(t.y) for t in rings if str(t.name).startswith("Pending")] == [["Guangdong"]]


def test_the_provinces_page_warns_of_the_provinces_its_charts_ring(
    dashboard, guangdong_growth_then_scale: tuple[Store, int]
) -> None:
    from tests.test_review_pages import _as
    from tests.test_views_pages import open_page, start

    store, up = guangdong_growth_then_scale

    def warnings_on_provinces(target: str) -> list[str]:
        at = start(dashboard, store.path, lang="zh", target=target)
        _as(at, "rev")
        at.session_state["preview.upload"] = up
        open_page(at, "provinces")
        return [w.value for w in at.warning if w.value.startswith("待发布")]

    # Guangdong's pending scale figure, not the nation's (not on this page)
    assert warnings_on_provinces("info_consumption_scale") == [
        f"待发布（上传 #{up}，尚未批准）：广东"
    ]
    # Guangdong's growth bar is its own published figure: nothing to warn of
    assert warnings_on_provinces("info_consumption_growth") == []
