"""Whole-store moves: backup (Parquet per table + a manifest with sha256), restore, and
copy-store between backends. No SQL here: the store reads and replaces its tables.

Every move streams: tables go through in record batches (``store.BATCH_ROWS`` rows), a
Parquet writer per table, so a store larger than memory can be backed up, restored and
copied. A content hash (``digest.py``), computed the same way on every backend while the rows
pass, proves a copy or a restore holds what the source held; a restore or copy whose result
hashes differently is rolled back.

A backup of an older schema version is restored by upgrading it: the tables added since were
empty then (no accounts: review off, every upload published) and are restored empty; a
backup of a newer version than this program knows is refused, naming both versions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from indicators.store import (
    BATCH_ROWS,
    SCHEMA_VERSION,
    ContentMismatch,
    Store,
    StoreError,
    TableReader,
)
from indicators.store.chain import FIELDS, first_broken
from indicators.store.digest import ContentHash
from indicators.store.schema import (
    CHAIN_SINCE,
    TABLE_SINCE,
    TABLES,
    TABLES_BY_NAME,
    arrow_schema,
)

FORMAT = "indicators-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def _content_rows(name: str, table: pa.Table) -> pa.Table:
    if name == "meta":
        table = table.filter(pc.not_equal(table["key"], "data_version"))
    return table.sort_by([(c, "ascending") for c in table.column_names]).combine_chunks()


def content_hash(tables: dict[str, pa.Table]) -> str:
    """The content hash of whole tables in memory (the same as a store's, streamed)."""
    digest = ContentHash()
    for spec in TABLES:
        if spec.name in tables:
            rows = _content_rows(spec.name, tables[spec.name])
            for _batch in digest.table(spec.name, rows.num_rows, rows.to_batches()):
                pass
    return digest.hexdigest()


@dataclass(frozen=True)
class Moved:
    counts: dict[str, int]
    source_hash: str
    target_hash: str
    # The schema version the rows were written under (a backup's may be older).
    schema_version: int = SCHEMA_VERSION

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
    """Write every table to OUT/<table>.parquet, batch by batch, and then the manifest (last,
    so a backup cut short has none and is not taken for a whole one)."""
    if out.exists() and any(out.iterdir()):
        raise StoreError(f"{out} is not empty; choose a new folder for the backup")
    out.mkdir(parents=True, exist_ok=True)
    entries = {}
    digest = ContentHash()
    with store.reading() as reader:
        for spec in TABLES:
            path = out / f"{spec.name}.parquet"
            rows = 0
            with pq.ParquetWriter(path, arrow_schema(spec)) as writer:
                for batch in _hashed(digest, reader, spec.name, reader.count(spec.name)):
                    writer.write_batch(batch)  # one row group per batch: bounded memory
                    rows += batch.num_rows
            entries[spec.name] = {"file": path.name, "rows": rows, "sha256": _file_sha256(path)}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "created_at": datetime.now().isoformat(timespec="seconds"),
        "source": store.label,
        "content_sha256": digest.hexdigest(),
        "tables": entries,
    }
    (out / MANIFEST).write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def read_manifest(folder: Path) -> dict[str, object]:
    """The manifest, with every file it names checked against its sha256 (streamed)."""
    path = folder / MANIFEST
    if not path.is_file():
        raise StoreError(f"{folder} has no {MANIFEST}: not a backup, or one cut short")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path} cannot be read: {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise StoreError(f"{path} is not a backup this program can read")
    version = manifest.get("schema_version")
    if not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
        raise StoreError(
            f"the backup has schema version {version}; this program knows versions 1 to "
            f"{SCHEMA_VERSION}: restore it with a newer program"
        )
    for spec in TABLES:
        entry = manifest["tables"].get(spec.name)
        if entry is None:
            if TABLE_SINCE.get(spec.name, 1) > version:
                continue  # added after the backup was made: restored empty
            raise StoreError(f"the backup lacks the table {spec.name}")
        file = folder / entry["file"]
        if not file.is_file() or _file_sha256(file) != entry["sha256"]:
            raise StoreError(
                f"{file.name} is missing or damaged (its sha256 does not match "
                "the manifest); nothing was restored"
            )
    return manifest


def _file_batches(path: Path) -> Iterator[pa.RecordBatch]:
    yield from pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS)


def _audit_chain(folder: Path, manifest: dict[str, object]) -> str:
    """How the backup's audit log stands: "verified", "none" (made before the chain) or
    why it does not verify."""
    version = int(str(manifest["schema_version"]))
    entries = manifest["tables"]
    assert isinstance(entries, dict)
    if version < CHAIN_SINCE or "audit_log" not in entries:
        return "none"
    table = pq.read_table(folder / entries["audit_log"]["file"]).sort_by("id")
    columns = [table.column(c).to_pylist() for c in (*FIELDS, "entry_hash")]
    broken = first_broken(zip(*columns, strict=True))
    return "verified" if broken is None else f"entry {broken[0]}: {broken[1]}"


def restore(
    folder: Path,
    store: Store,
    *,
    replace: bool = False,
    user: str | None = None,
    accept_broken_audit: str | None = None,
) -> Moved:
    """Load a backup; refused when its audit log's chain does not verify (an entry edited in
    a copy of the store), unless `accept_broken_audit` gives the reason, which is logged. The
    restore itself is logged in the restored store."""
    manifest = read_manifest(folder)
    entries = manifest["tables"]
    assert isinstance(entries, dict)
    expected = str(manifest["content_sha256"])
    chain = _audit_chain(folder, manifest)
    if chain not in ("verified", "none") and not (accept_broken_audit or "").strip():
        raise StoreError(
            f"the backup's audit log does not verify ({chain}): it was changed after it was "
            "written; nothing was restored. To restore it anyway, give the reason: "
            "--accept-broken-audit 'REASON'"
        )
    try:
        got = store.replace_tables(
            {name: _file_batches(folder / e["file"]) for name, e in entries.items()},
            replace=replace,
            content_sha256=expected,
            hashed=list(entries),
        )
    except ContentMismatch as exc:
        raise StoreError(
            "the backup's content does not match its manifest; nothing was restored"
        ) from exc
    if chain == "none":
        store.seal_audit()  # a backup from before the chain: its entries chained now
        said = "audit log made before its chain; chained at this restore"
    elif chain == "verified":
        said = "audit chain verified"
    else:
        said = f"audit chain broken ({chain}); restored anyway: {accept_broken_audit}"
    store.audit(user, "restore", str(folder), f"backup {expected[:16]}; {said}")
    return Moved(
        {
            spec.name: int(entries[spec.name]["rows"]) if spec.name in entries else 0
            for spec in TABLES
        },
        expected,
        got,
        int(str(manifest["schema_version"])),
    )


def copy_store(
    source: Store, target: Store, *, replace: bool = False, user: str | None = None
) -> Moved:
    """Stream every table from one snapshot of `source` into `target` (one transaction),
    hashing the rows as they pass; the target's hash is taken before it commits."""
    digest = ContentHash()
    counts: dict[str, int] = {}
    with source.reading() as reader:
        streams = {}
        for spec in TABLES:
            counts[spec.name] = reader.count(spec.name)
            streams[spec.name] = _hashed(digest, reader, spec.name, counts[spec.name])
        got = target.replace_tables(streams, replace=replace)
    target.audit(user, "copy_store", source.label, f"content {got[:16]}")
    return Moved(counts, digest.hexdigest(), got)


def _hashed(
    digest: ContentHash, reader: TableReader, name: str, num_rows: int
) -> Iterator[pa.RecordBatch]:
    """The table's batches; the content hash sees them as they pass (meta, a few rows,
    without its version counter)."""
    if name != "meta":
        yield from digest.table(name, num_rows, reader.batches(name))
        return
    meta = pa.Table.from_batches(
        list(reader.batches("meta")), schema=arrow_schema(TABLES_BY_NAME["meta"])
    )
    yield from meta.to_batches()
    content = _content_rows("meta", meta)
    for _b in digest.table("meta", content.num_rows, content.to_batches()):
        pass
