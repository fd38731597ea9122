"""Issue 25 on both backends: control characters refused at preview, stored ones cleaned by
the v8 migration (a DuckDB store holding one could not be copied to PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.commands.cli import main
from indicators.store import ACTUAL_COLUMNS, SCHEMA_VERSION, Store

BOTH_BACKENDS = True


def _csv(tmp_path: Path, source: str, note: str = "") -> Path:
    path = tmp_path / "c.csv"
    body = (
        f"指标,地区,时期,数值,单位,来源,备注\n信息消费规模,全国,2022,7.1,万亿元,{source},{note}\n"
    )
    path.write_bytes(body.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("source", "note", "column"),
    [
        ("统计局\x1b[31m", "", "F · 来源"),
        ("统计局\x01", "", "F · 来源"),
        ("统计局", "a\x00b", "G · 备注"),
        ("统计局", "a\u0085b", "G · 备注"),
    ],
)
def test_a_control_character_is_refused_at_preview_naming_row_and_column(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    source: str,
    note: str,
    column: str,
) -> None:
    before = store.dump()
    path = _csv(tmp_path, source, note)
    assert main(["ingest", str(path), "--db", store.location, "--dry-run", "--lang", "en"]) == 1
    out, err = capsys.readouterr()
    assert "control character" in out + err
    line = next(x for x in (out + err).splitlines() if column in x)
    assert line.split()[0] == "2"  # the row, as Excel numbers it
    assert "\x1b" not in out + err  # quoted back with visible marks, not as the control
    assert "Traceback" not in out + err
    assert store.dump() == before


def test_tab_and_line_breaks_in_a_note_are_text(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path, "统计局", '"one\tline\nand another"')
    assert main(["ingest", str(path), "--db", store.location, "--dry-run"]) == 0


def test_the_v8_migration_drops_control_characters_from_stored_text(store: Store) -> None:
    nul = "\x00" if store.dialect == "duckdb" else ""  # PostgreSQL never stores one
    row = dict.fromkeys(ACTUAL_COLUMNS) | {
        "indicator_id": "info_consumption_scale",
        "region_code": "000000",
        "period": "2022",
        "t": 2022.0,
        "value": 7.3,
        "unit": "万亿元",
        "source": f"统计局\x1b[31m{nul}\x01",
        "note": "two\tparts\nkept\x7f",
    }
    store.write_actuals(
        pd.DataFrame([row]), kind="file", user="nat", file_name=f"a{nul}\x1b.csv", review=False
    )
    store.audit(f"x{nul}\x1b", "login_failed", client="1.2.3.4")
    with store.engine.transaction() as con:  # as a version-7 store left it (no chain yet)
        con.execute("ALTER TABLE audit_log DROP COLUMN entry_hash")
        con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    assert store.upgrade()
    # v9 chained the entries already there
    entries, _head, broken = store.audit_chain()
    assert entries >= 1 and broken is None
    assert store.schema_version() == SCHEMA_VERSION
    cur = store.current_actuals(["info_consumption_scale"], ["000000"])
    got = cur[cur["period"] == "2022"].iloc[0]
    assert got["source"] == "统计局[31m"
    assert got["note"] == "two\tparts\nkept"
    assert store.uploads()[0].file_name == "a.csv"
    assert store.audit_log().iloc[0]["user_name"] == "x"


# --- 6. a tamper-evident audit log -------------------------------------------------------------


def test_every_entry_is_chained_and_verify_names_the_first_broken_one(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(4):
        store.audit("rev", "login", client=f"10.0.0.{i}")
    assert main(["audit", "--verify", "--db", store.location]) == 0
    assert "audit log verified" in capsys.readouterr().out
    ids = sorted(store.audit_log()["id"])
    with store.engine.transaction() as con:  # an entry edited behind the store's back
        con.execute("UPDATE audit_log SET user_name = 'someone' WHERE id = ?", [ids[1]])
    assert main(["audit", "--verify", "--db", store.location]) == 1
    assert f"broken at entry {ids[1]}" in capsys.readouterr().err
    with store.engine.transaction() as con:  # put back: verified again; then one removed
        con.execute("UPDATE audit_log SET user_name = 'rev' WHERE id = ?", [ids[1]])
        con.execute("DELETE FROM audit_log WHERE id = ?", [ids[2]])
    assert main(["audit", "--verify", "--db", store.location]) == 1
    assert f"broken at entry {ids[3]}" in capsys.readouterr().err


def test_a_command_records_the_operating_system_user_beside_its_user(
    store: Store, tmp_path: Path
) -> None:
    import getpass

    store.audit("rev", "login")
    assert main(["review", "mode", "on", "--db", store.location]) == 0
    entry = store.audit_log().iloc[0]
    assert (entry["action"], entry["client"]) == ("review_mode", f"os:{getpass.getuser()}")
    store.audit("web", "login")  # the app's own entries are not the command's
    assert pd.isna(store.audit_log().iloc[0]["client"])
