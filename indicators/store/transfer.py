"""Whole-store moves: backup (Parquet per table + a manifest with sha256), restore, and
copy-store between backends. No SQL here: the store reads and replaces its tables.

A content hash, computed the same way on every backend, proves a copy or a restore holds
what the source held: rows sorted by value (not by a server's collation), every table in
schema order, the data-version counter left out (it is a cache key, not content).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import SCHEMA_VERSION, Store, StoreError
from .schema import TABLES

FORMAT = "indicators-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def _content_rows(name: str, table: pa.Table) -> pa.Table:
    if name == "meta":
        table = table.filter(pc.not_equal(table["key"], "data_version"))
    return table.sort_by([(c, "ascending") for c in table.column_names]).combine_chunks()


def content_hash(tables: dict[str, pa.Table]) -> str:
    h = hashlib.sha256()
    for spec in TABLES:
        rows = _content_rows(spec.name, tables[spec.name])
        h.update(f"\x00{spec.name}:{rows.num_rows}\x00".encode())
        for batch in rows.to_batches(max_chunksize=100_000):
            for column in batch.columns:
                h.update(json.dumps(column.to_pylist(), default=str,
                                    ensure_ascii=False).encode())
    return h.hexdigest()


def counts_of(tables: dict[str, pa.Table]) -> dict[str, int]:
    return {spec.name: tables[spec.name].num_rows for spec in TABLES}


@dataclass(frozen=True)
class Moved:
    counts: dict[str, int]
    source_hash: str
    target_hash: str

    @property
    def ok(self) -> bool:
        return self.source_hash == self.target_hash


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def backup(store: Store, out: Path) -> dict[str, object]:
    """Write every table to OUT/<table>.parquet and then the manifest (last, so a backup
    cut short has none and is not taken for a whole one)."""
    if out.exists() and any(out.iterdir()):
        raise StoreError(f"{out} is not empty; choose a new folder for the backup")
    tables = store.read_tables()
    out.mkdir(parents=True, exist_ok=True)
    entries = {}
    for spec in TABLES:
        path = out / f"{spec.name}.parquet"
        pq.write_table(tables[spec.name], path)
        entries[spec.name] = {"file": path.name, "rows": tables[spec.name].num_rows,
                              "sha256": _file_sha256(path)}
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": SCHEMA_VERSION,
        "created_at": datetime.now().isoformat(timespec="seconds"), "source": store.label,
        "content_sha256": content_hash(tables), "tables": entries,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n",
                                encoding="utf-8")
    return manifest


def read_backup(folder: Path) -> tuple[dict[str, object], dict[str, pa.Table]]:
    """The manifest and the tables, each file checked against its sha256 first."""
    path = folder / MANIFEST
    if not path.is_file():
        raise StoreError(f"{folder} has no {MANIFEST}: not a backup, or one cut short")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path} cannot be read: {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise StoreError(f"{path} is not a backup this program can read")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise StoreError(
            f"the backup has schema version {manifest.get('schema_version')}; this program "
            f"knows {SCHEMA_VERSION}")
    tables = {}
    for spec in TABLES:
        entry = manifest["tables"].get(spec.name)
        if entry is None:
            raise StoreError(f"the backup lacks the table {spec.name}")
        file = folder / entry["file"]
        if not file.is_file() or _file_sha256(file) != entry["sha256"]:
            raise StoreError(f"{file.name} is missing or damaged (its sha256 does not match "
                             "the manifest); nothing was restored")
        tables[spec.name] = pq.read_table(file)
    if content_hash(tables) != manifest["content_sha256"]:
        raise StoreError("the backup's content does not match its manifest; nothing was "
                         "restored")
    return manifest, tables


def restore(folder: Path, store: Store, *, replace: bool = False) -> Moved:
    manifest, tables = read_backup(folder)
    store.replace_tables(tables, replace=replace)
    return Moved(counts_of(tables), str(manifest["content_sha256"]),
                 content_hash(store.read_tables()))


def copy_store(source: Store, target: Store, *, replace: bool = False) -> Moved:
    tables = source.read_tables()
    target.replace_tables(tables, replace=replace)
    return Moved(counts_of(tables), content_hash(tables), content_hash(target.read_tables()))
