"""Roles, regions and the review step, through the command-line contract, on both backends."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from indicators import store as store_module
from indicators.commands.cli import main
from indicators.commands.db import status_rows
from indicators.domain.auth import Accounts
from indicators.domain.review_policy import review_mode
from indicators.store import SCHEMA_VERSION, Store, catalog_tables, core
from indicators.store.schema import MIGRATIONS

BOTH_BACKENDS = True
PASSWORD = "long enough"


def _csv(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text("指标,地区,时期,数值\n" + text, encoding="utf-8")
    return path


def _team(store: Store) -> Accounts:
    """A national planner, a Guangdong planner, a reviewer and an admin: review is on."""
    accounts = Accounts(store)
    accounts.add("nat", PASSWORD)
    accounts.add("gd", PASSWORD, regions=["440000"])
    accounts.add("rev", PASSWORD, role="reviewer")
    accounts.add("boss", PASSWORD, role="admin")
    return accounts


def _latest(store: Store, target: str = "info_consumption_scale") -> tuple[object, object]:
    row = next(r for r in status_rows(store, "000000", None) if r["id"] == target)
    return row["latest_period"], row["latest_value"]


def _review_list(store: Store, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["review", "list", "--json", "--db", store.location]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_provincial_planner_is_refused_a_row_of_another_province_with_row_column_reason(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _team(store)
    before = store.dump()
    path = _csv(tmp_path, "行政村通光纤比例,广东,2020,99.5\n行政村通光纤比例,广西,2020,99.1\n")
    assert main(["ingest", str(path), "--user", "gd", "--db", store.location]) == 1
    out, err = capsys.readouterr()
    assert "rejected: 1 problem(s); nothing was stored" in err
    row = next(line for line in out.splitlines() if line.startswith("3 "))
    assert row.split()[:3] == ["3", "地区/region", "广西壮族自治区"]
    assert "地区 450000 不在账户 gd 可填报的地区内（广东省）" in row
    assert store.dump() == before


def test_submit_then_approve_by_another_reviewer_publishes_the_figure(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _team(store)
    assert _latest(store) == ("2021", 6.8)
    path = _csv(tmp_path, "信息消费规模,全国,2022,7.3\n")
    assert main(["ingest", str(path), "--user", "boss", "--db", store.location]) == 0
    assert "submitted for review" in capsys.readouterr().out
    assert _latest(store) == ("2021", 6.8)  # officials and `status` see published only
    pending = _review_list(store, capsys)
    assert [(p["file_name"], p["user_name"]) for p in pending] == [("in.csv", "boss")]
    upload_id = str(pending[0]["id"])
    # the uploader may not approve their own upload, nor may a planner
    assert main(["review", "approve", upload_id, "--user", "boss", "--db", store.location]) == 1
    assert "uploaded upload" in capsys.readouterr().err
    assert main(["review", "approve", upload_id, "--user", "nat", "--db", store.location]) == 1
    assert "is not a reviewer" in capsys.readouterr().err
    assert _latest(store) == ("2021", 6.8)
    assert main(["review", "approve", upload_id, "--user", "rev", "--db", store.location]) == 0
    assert _latest(store) == ("2022", 7.3)
    assert _review_list(store, capsys) == []
    actions = list(store.audit_log()["action"])[:2]
    assert actions == ["approve", "submit"]


def test_a_rejected_upload_is_never_shown_and_the_planner_sees_why(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _team(store)
    path = _csv(tmp_path, "信息消费规模,全国,2022,73\n")
    assert main(["ingest", str(path), "--user", "nat", "--db", store.location]) == 0
    up = store.uploads()[0]
    assert (
        main(
            [
                "review",
                "reject",
                str(up.id),
                "--user",
                "rev",
                "--reason",
                "73 is in 千亿元, not 万亿元",
                "--db",
                store.location,
            ]
        )
        == 0
    )
    rejected = store.upload(up.id)
    assert (rejected.state, rejected.reviewer, rejected.reason) == (
        "rejected",
        "rev",
        "73 is in 千亿元, not 万亿元",
    )
    assert _latest(store) == ("2021", 6.8)
    # a rejected file does not count as uploaded before: the fixed file can come again
    assert main(["ingest", str(path), "--user", "nat", "--db", store.location]) == 0


def test_an_undo_goes_through_review_too(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _team(store)
    path = _csv(tmp_path, "信息消费规模,全国,2021,6.9\n")
    assert main(["ingest", str(path), "--user", "nat", "--db", store.location]) == 0
    first = store.uploads()[0].id
    assert main(["review", "approve", str(first), "--user", "rev", "--db", store.location]) == 0
    assert _latest(store) == ("2021", 6.9)
    assert main(["undo", str(first), "--user", "nat", "--db", store.location]) == 0
    assert _latest(store) == ("2021", 6.9)  # the undo waits for review
    undo = store.uploads()[0]
    assert (undo.kind, undo.state) == ("undo", "submitted")
    assert main(["review", "approve", str(undo.id), "--user", "boss", "--db", store.location]) == 0
    assert _latest(store) == ("2021", 6.8)


def test_with_one_account_or_none_ingest_publishes_at_once_whatever_the_name(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _csv(tmp_path, "信息消费规模,全国,2022,7.3\n")
    assert main(["ingest", str(path), "--user", "anyone", "--db", store.location]) == 0
    assert _latest(store) == ("2022", 7.3)
    Accounts(store).add("admin", PASSWORD, role="admin")
    path = _csv(tmp_path, "信息消费规模,全国,2023,8.1\n", "b.csv")
    assert main(["ingest", str(path), "--user", "someone", "--db", store.location]) == 0
    assert _latest(store) == ("2023", 8.1)
    assert review_mode(store) == ("auto", False)


def test_review_on_refuses_an_unknown_user_and_an_admin_can_switch_review_off(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _team(store)
    before = store.dump()
    path = _csv(tmp_path, "信息消费规模,全国,2022,7.3\n")
    assert main(["ingest", str(path), "--user", "stranger", "--db", store.location]) == 1
    assert "review is on" in capsys.readouterr().err
    assert main(["ingest", str(path), "--user", "rev", "--db", store.location]) == 1
    assert store.dump() == before
    assert main(["review", "mode", "off", "--db", store.location]) == 0
    assert main(["ingest", str(path), "--user", "nat", "--db", store.location]) == 0
    assert _latest(store) == ("2022", 7.3)


def test_add_planner_cli_contract_with_role_regions_and_db(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        main(
            [
                "add-planner",
                "rev2",
                "--role",
                "reviewer",
                "--password-stdin",
                "--db",
                store.location,
            ]
        )
        == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        main(
            [
                "add-planner",
                "x",
                "--role",
                "planner",
                "--region",
                "999999",
                "--password-stdin",
                "--db",
                store.location,
            ]
        )
        == 1
    )
    rev2 = Accounts(store).get("rev2")
    assert rev2 is not None and rev2.may_review and not rev2.may_upload
    assert Accounts(store).get("x") is None


def test_the_audit_log_exports_as_csv_and_has_no_way_to_change_a_row(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _team(store)
    path = _csv(tmp_path, "信息消费规模,全国,2022,7.3\n")
    assert main(["ingest", str(path), "--user", "nat", "--db", store.location]) == 0
    capsys.readouterr()
    assert main(["audit", "--db", store.location]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "id,created_at,user_name,action,subject,detail,client"
    assert [line.split(",")[3] for line in lines[1:]] == [
        "submit",
        "account_add",
        "account_add",
        "account_add",
        "account_add",
    ]
    assert not [m for m in dir(store) if "audit" in m and ("delete" in m or "update" in m)]


def test_init_db_upgrades_a_version_1_store_and_keeps_every_figure(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if store.path is None:
        pytest.skip("the upgrade path is the same SQL on both; a v1 file is made here")
    v1 = Store(tmp_path / "v1.duckdb")
    with monkeypatch.context() as m:
        m.setattr(catalog_tables, "MIGRATIONS", {1: MIGRATIONS[1]})
        for module in (catalog_tables, core):
            m.setattr(module, "SCHEMA_VERSION", 1)
        v1.migrate()
        assert v1.schema_version() == 1
    # one figure as version 1 wrote it (its upload has no review row: published)
    with v1.engine.transaction() as con:
        con.execute(
            "INSERT INTO uploads VALUES (1, 'file', 'a.csv', 'abc', 'old', "
            "TIMESTAMP '2025-01-01 00:00:00', 1, 1, 0, 0, NULL, NULL)"
        )
        con.execute(
            "INSERT INTO actuals VALUES (1, 'info_consumption_scale', '000000', "
            "'2021', 2021.0, 6.8, NULL, '万亿元', NULL, NULL, 1)"
        )
    store_module._verified.discard(v1.location)
    planners = tmp_path / "planners.toml"
    from argon2 import PasswordHasher

    planners.write_text(
        f'[planners."old"]\nhash = "{PasswordHasher().hash(PASSWORD)}"\n', encoding="utf-8"
    )
    monkeypatch.setenv("INDICATORS_PLANNERS", str(planners))
    assert main(["init-db", "--if-absent", "--db", v1.location]) == 0
    assert v1.schema_version() == SCHEMA_VERSION
    assert list(v1.current_actuals()["value"]) == [6.8]
    # v3's column is filled from the catalog files on the way
    assert v1.catalog().targets["related_output"].quote_en == (
        "driving output in related fields to 15 trillion yuan"
    )
    assert Accounts(v1).verify("old", PASSWORD)


def test_a_pending_upload_can_be_previewed_as_if_published_and_only_then(
    store: Store,
    tmp_path: Path,
) -> None:
    _team(store)
    path = _csv(tmp_path, "信息消费规模,全国,2021,6.9\n")
    assert main(["ingest", str(path), "--user", "nat", "--db", store.location]) == 0
    pending = store.uploads()[0].id
    scale = ["info_consumption_scale"]
    assert list(store.current_actuals(scale, ["000000"])["value"]) == [
        2.2,
        2.8,
        3.9,
        4.5,
        5.0,
        5.8,
        6.8,
    ]
    previewed = store.current_actuals(scale, ["000000"], as_if_published=[pending])
    assert list(previewed["value"])[-1] == 6.9
    assert list(previewed["upload_id"])[-1] == pending
    assert store.summary()["last_upload_at"] == store.upload(1).created_at  # pending: not yet


def test_a_provincial_planner_cannot_undo_an_upload_of_another_region(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _team(store)
    assert main(["review", "mode", "off", "--db", store.location]) == 0
    path = _csv(tmp_path, "行政村通光纤比例,广西,2020,99.1\n")
    assert main(["ingest", str(path), "--user", "nat", "--db", store.location]) == 0
    gx_upload = store.uploads()[0].id
    assert main(["undo", str(gx_upload), "--user", "gd", "--db", store.location]) == 1
    assert "outside the regions of 'gd'" in capsys.readouterr().err
    assert store.upload(gx_upload).undone_by is None


def test_a_dry_run_needs_no_account_but_keeps_to_a_known_accounts_regions(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _team(store)
    before = store.dump()
    path = _csv(tmp_path, "行政村通光纤比例,广西,2020,99.1\n")
    assert main(["ingest", str(path), "--dry-run", "--db", store.location]) == 0
    assert main(["ingest", str(path), "--dry-run", "--user", "gd", "--db", store.location]) == 1
    assert store.dump() == before


@pytest.mark.parametrize(
    ("setting", "accounts", "on"),
    [("auto", 0, False), ("auto", 1, False), ("auto", 2, True), ("on", 0, True), ("off", 5, False)],
)
def test_the_review_policy_is_decided_outside_the_store(setting, accounts, on):
    from indicators.domain.review_policy import review_on

    assert review_on(setting, accounts) is on
