"""Backup, restore and copy-store: a whole store moves with every upload and its lineage,
and the content hash proves it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from indicators.commands.cli import main
from indicators.domain.review_policy import submits_for_review
from indicators.store import SCHEMA_VERSION, Store
from indicators.store.transfer import MANIFEST
from tests.test_store import current, rows

BOTH_BACKENDS = True


def _add_history(store: Store) -> None:
    """An upload, a correction that is undone, and a task status: lineage to carry over."""
    store.write_actuals(
        rows(("fibre_village_share", "450000", "2020", 97.5)),
        kind="file",
        user="alice",
        file_name="gx.csv",
        sha256="ab" * 32,
        review=submits_for_review(store),
    )
    fix = store.write_actuals(
        rows(("fibre_village_share", "450000", "2020", 98.2)),
        kind="form",
        user="bob",
        review=submits_for_review(store),
    )
    store.undo_upload(fix.id, user="carol", note="wrong province", review=submits_for_review(store))
    store.set_status("task", "t2017_12", "done", user="bob", evidence="5G商用 2019-10-31")


def _without_version(dump: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Without the version counter, and without the entries a restore or copy adds to the
    audit log about itself."""
    return {
        t: [
            r
            for r in rs
            if not (t == "meta" and r[0] == "data_version")
            and not (t == "audit_log" and r[3] in ("restore", "copy_store"))
        ]
        for t, rs in dump.items()
    }


def test_a_backup_restored_into_a_new_store_holds_the_same_content(
    store: Store,
    blank_location: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
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
    # the catalog column v4 added is filled from the files on the way
    assert restored.catalog().targets["fibre_village_share"].quote_en.startswith("By 2020")
    assert restored.data_version() > 0
    # New ids continue after the restored ones.
    up = restored.write_actuals(
        rows(("fibre_village_share", "440000", "2020", 99.0)),
        kind="file",
        user="dave",
        review=submits_for_review(restored),
    )
    assert up.id == 5


def test_a_damaged_backup_is_refused_and_nothing_is_written(
    store: Store,
    blank_location: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "bk"
    assert main(["backup", str(out), "--db", store.location]) == 0
    data = (out / "actuals.parquet").read_bytes()
    (out / "actuals.parquet").write_bytes(data[:-20] + b"\0" * 20)
    assert main(["restore", str(out), "--db", blank_location]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "error: actuals.parquet is missing or damaged (its sha256 does not match "
        "the manifest); nothing was restored"
    )
    assert "\n" not in err
    if Store(blank_location).path is not None:
        assert not Path(blank_location).exists()


def test_restore_refuses_a_store_that_holds_uploads_unless_told_to_replace(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
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


def test_a_backup_streams_in_batches_and_hashes_like_the_whole_tables(
    store: Store,
    blank_location: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pyarrow.parquet as pq

    from indicators.store import core, transfer

    _add_history(store)
    # 5 rows a batch: the 14 figures go through as 5 + 5 + 4, never as one table
    monkeypatch.setattr(core, "BATCH_ROWS", 5)
    monkeypatch.setattr(transfer, "BATCH_ROWS", 5)
    out = tmp_path / "bk"
    manifest = transfer.backup(store, out)
    assert pq.ParquetFile(out / "actuals.parquet").metadata.num_row_groups == 3
    whole = transfer.content_hash(store.read_tables())
    assert manifest["content_sha256"] == whole == store.content_hash()
    moved = transfer.restore(out, Store(blank_location))
    assert moved.ok and moved.counts["actuals"] == 14
    assert _without_version(Store(blank_location).dump()) == _without_version(store.dump())


def _as_version_1(folder: Path) -> None:
    """Make a backup look like one taken before schema v2 (no accounts, reviews, audit log)."""
    import pyarrow.parquet as pq

    from indicators.store.transfer import content_hash

    manifest = json.loads((folder / MANIFEST).read_text())
    for name in ("accounts", "reviews", "audit_log"):
        (folder / manifest["tables"].pop(name)["file"]).unlink()
    manifest["schema_version"] = 1
    targets = folder / manifest["tables"]["targets"]["file"]  # quote_en came with v4
    pq.write_table(pq.read_table(targets).drop_columns(["quote_en"]), targets)
    manifest["tables"]["targets"]["sha256"] = hashlib.sha256(targets.read_bytes()).hexdigest()
    actuals = folder / manifest["tables"]["actuals"]["file"]  # v6 and v7 added these
    pq.write_table(pq.read_table(actuals).drop_columns(["value_high", "published"]), actuals)
    manifest["tables"]["actuals"]["sha256"] = hashlib.sha256(actuals.read_bytes()).hexdigest()
    manifest["content_sha256"] = content_hash(
        {n: pq.read_table(folder / e["file"]) for n, e in manifest["tables"].items()}
    )
    (folder / MANIFEST).write_text(json.dumps(manifest))


def test_a_backup_from_before_schema_v2_is_restored_upgraded_with_every_figure_published(
    store: Store,
    blank_location: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _add_history(store)
    out = tmp_path / "bk"
    assert main(["backup", str(out), "--db", store.location]) == 0
    _as_version_1(out)
    assert main(["restore", str(out), "--db", blank_location]) == 0
    assert "verified: same rows, same content" in capsys.readouterr().out
    restored = Store(blank_location)
    assert restored.accounts() == [] and list(restored.audit_log()["action"]) == ["restore"]
    assert [u.state for u in restored.uploads()] == ["published"] * 4
    assert current(restored, "fibre_village_share", "450000", "2020") == 97.5


def test_a_backup_of_a_newer_schema_or_with_wrong_content_is_refused_in_one_line(
    store: Store,
    blank_location: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "bk"
    assert main(["backup", str(out), "--db", store.location]) == 0
    manifest = json.loads((out / MANIFEST).read_text())
    (out / MANIFEST).write_text(json.dumps({**manifest, "schema_version": 99}))
    assert main(["restore", str(out), "--db", blank_location]) == 1
    assert capsys.readouterr().err.strip() == (
        "error: the backup has schema version 99; this program knows versions "
        f"1 to {SCHEMA_VERSION}: restore it with a newer program"
    )
    # files intact but rows that hash differently from the manifest: rolled back
    (out / MANIFEST).write_text(json.dumps({**manifest, "content_sha256": "0" * 64}))
    assert main(["restore", str(out), "--db", blank_location]) == 1
    assert capsys.readouterr().err.strip() == (
        "error: the backup's content does not match its manifest; nothing was restored"
    )
    assert Store(blank_location).counts()["uploads"] == 0
