"""Backup, restore and copy-store: a whole store moves with every upload and its lineage,
and the content hash proves it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indicators.cli import main
from indicators.store import Store
from indicators.store.transfer import MANIFEST
from tests.test_store import current, rows

BOTH_BACKENDS = True


def _add_history(store: Store) -> None:
    """An upload, a correction that is undone, and a task status: lineage to carry over."""
    store.write_actuals(rows(("fibre_village_share", "450000", "2020", 97.5)),
                        kind="file", user="alice", file_name="gx.csv", sha256="ab" * 32)
    fix = store.write_actuals(rows(("fibre_village_share", "450000", "2020", 98.2)),
                              kind="form", user="bob")
    store.undo_upload(fix.id, user="carol", note="wrong province")
    store.set_status("task", "t2017_12", "done", user="bob", evidence="5G商用 2019-10-31")


def _without_version(dump: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {t: [r for r in rs if not (t == "meta" and r[0] == "data_version")]
            for t, rs in dump.items()}


def test_a_backup_restored_into_a_new_store_holds_the_same_content(
    store: Store, blank_location: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    _add_history(store)
    out = tmp_path / "bk"
    assert main(["backup", str(out), "--db", store.location]) == 0
    manifest = json.loads((out / MANIFEST).read_text())
    # 12 published figures + 1 upload + 1 correction; seed, file, form, undo
    assert manifest["tables"]["actuals"]["rows"] == 14
    assert manifest["tables"]["uploads"]["rows"] == 4
    assert len(manifest["tables"]["uploads"]["sha256"]) == 64

    assert main(["restore", str(out), "--db", blank_location]) == 0
    printed = capsys.readouterr().out
    assert f"content sha256 target {manifest['content_sha256']}" in printed
    restored = Store(blank_location)
    assert _without_version(restored.dump()) == _without_version(store.dump())
    assert current(restored, "fibre_village_share", "450000", "2020") == 97.5
    assert restored.data_version() > 0
    # New ids continue after the restored ones.
    up = restored.write_actuals(rows(("fibre_village_share", "440000", "2020", 99.0)),
                                kind="file", user="dave")
    assert up.id == 5


def test_a_damaged_backup_is_refused_and_nothing_is_written(
    store: Store, blank_location: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "bk"
    assert main(["backup", str(out), "--db", store.location]) == 0
    data = (out / "actuals.parquet").read_bytes()
    (out / "actuals.parquet").write_bytes(data[:-20] + b"\0" * 20)
    assert main(["restore", str(out), "--db", blank_location]) == 1
    err = capsys.readouterr().err.strip()
    assert err == ("error: actuals.parquet is missing or damaged (its sha256 does not match "
                   "the manifest); nothing was restored")
    assert "\n" not in err
    if Store(blank_location).path is not None:
        assert not Path(blank_location).exists()


def test_restore_refuses_a_store_that_holds_uploads_unless_told_to_replace(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "bk"
    assert main(["backup", str(out), "--db", store.location]) == 0
    _add_history(store)
    before = store.dump()
    assert main(["restore", str(out), "--db", store.location]) == 1
    assert "already holds 4 upload(s)" in capsys.readouterr().err
    assert store.dump() == before
    assert main(["restore", str(out), "--db", store.location, "--replace"]) == 0
    assert len(store.uploads()) == 1  # back to the seed only
