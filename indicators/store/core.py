"""The store's footing: connections, the schema check, the data-version counter, and the
small result types (Upload, TableReader) every part of the store returns."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Self

import pyarrow as pa

from indicators.base.paths import default_db_location
from indicators.store.digest import ContentHash
from indicators.store.engines import DuckEngine, PgEngine, arrow_batches, is_url
from indicators.store.errors import NotInitialised, StoreCorrupt, StoreError
from indicators.store.schema import (
    LOCK_WRITES,
    SCHEMA_VERSION,
    TABLES,
    TABLES_BY_NAME,
    arrow_schema,
    sorted_select,
)

# What wrote an upload's rows: a file (or a pasted table), the single-value form, the shipped
# figures at build time, or an undo of another upload.
UploadKind = Literal["file", "form", "seed", "undo"]
UploadState = Literal["submitted", "published", "rejected"]


@dataclass(frozen=True)
class Upload:
    id: int
    kind: UploadKind
    file_name: str | None
    sha256: str | None
    user_name: str
    created_at: datetime
    rows_total: int
    rows_new: int
    rows_changed: int
    rows_unchanged: int
    undoes: int | None
    note: str | None
    undone_by: int | None = None
    state: UploadState = "published"
    reviewer: str | None = None
    reason: str | None = None

    @property
    def rows_id(self) -> int:
        """The upload whose rows this one is about: an undo's are those it takes back."""
        return self.undoes if self.kind == "undo" and self.undoes else self.id


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _one(cur: Any) -> tuple[Any, ...] | None:
    """First row or None; drains the result, which DuckDB 2 requires before the next query."""
    rows = cur.fetchall()
    return rows[0] if rows else None


def _value(cur: Any) -> Any:
    """The single value a query must return (first column of its first row)."""
    row = _one(cur)
    if row is None:
        raise StoreError("expected one row, the query returned none")
    return row[0]


# Rows per batch when a whole table moves (backup, restore, copy-store): memory stays bounded
# by a batch, whatever the size of the store.
BATCH_ROWS = 50_000


class TableReader:
    """Tables of one snapshot, read in batches (see ``Store.reading``)."""

    def __init__(self, con: Any, dialect: str) -> None:
        self.con = con
        self.dialect = dialect

    @staticmethod
    def _content_filter(name: str) -> str:
        # The data-version counter is a cache key, not content.
        return "key <> 'data_version'" if name == "meta" else ""

    def count(self, name: str, *, content: bool = False) -> int:
        where = self._content_filter(name) if content else ""
        return int(
            _value(
                self.con.execute(f"SELECT count(*) FROM {name}{' WHERE ' + where if where else ''}")
            )
        )

    def batches(
        self, name: str, *, content: bool = False, size: int | None = None
    ) -> Iterator[pa.RecordBatch]:
        """The table's rows, sorted by value (the content hash's order), typed by the
        schema; with `content`, without the data-version counter."""
        table = TABLES_BY_NAME[name]
        schema = arrow_schema(table)
        query = sorted_select(table, self.dialect, self._content_filter(name) if content else "")
        for batch in arrow_batches(self.con, query, size or BATCH_ROWS):
            yield batch.cast(schema)

    def content_hash(self, names: Sequence[str]) -> str:
        digest = ContentHash()
        for table in TABLES:
            if table.name in names:
                for _batch in digest.table(
                    table.name,
                    self.count(table.name, content=True),
                    self.batches(table.name, content=True),
                ):
                    pass
        return digest.hexdigest()


def _with_columns(rows: pa.Table, schema: pa.Schema) -> pa.Table:
    """`rows` in the table's column order; a column a later schema version added (absent
    from an older backup) comes in empty, as the migration that added it left it."""
    for field in schema:
        if field.name not in rows.column_names:
            rows = rows.append_column(field.name, pa.nulls(rows.num_rows, field.type))
    return rows.select(schema.names).cast(schema)


# Locations whose schema version this process has checked (once each, not on every read).
_verified: set[str] = set()
_verified_guard = threading.Lock()


class StoreCore:
    """Connections, the schema check and the data-version counter every part builds on."""

    def __init__(self, path: Path | str | None = None, *, busy_timeout: float = 10.0) -> None:
        location = path if path is not None else default_db_location()
        self.busy_timeout = busy_timeout
        self.engine: DuckEngine | PgEngine
        if is_url(str(location)):
            self.path: Path | None = None
            self.location = str(location)
            self.engine = PgEngine(self.location, busy_timeout)
        else:
            self.path = Path(location)
            self.location = str(self.path)
            self.engine = DuckEngine(self.path, busy_timeout)
        self.dialect = self.engine.dialect
        # What messages show: the path, or the URL without its password.
        self.label = self.engine.label

    # --- connections --------------------------------------------------------------------

    @contextmanager
    def connect(self, *, create: bool = False) -> Iterator[Any]:
        with self.engine.connect(create=create) as con:
            if not create:
                self._verify(con)
            yield con

    @contextmanager
    def session(self) -> Iterator[Self]:
        """One run of store calls (an ingest's preview and commit) on a database kept open:
        the calls inside connect cheaply; the file is released when the block ends."""
        with self.engine.session():
            yield self

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.engine.transaction() as con:
            self._verify(con)
            yield con

    def _verify(self, con: Any) -> None:
        """Refuse a database this program did not make or cannot read, before any write."""
        if self.location in _verified:
            return
        version = self._schema_version(con)
        if version == 0:
            raise NotInitialised(
                f"no indicators database at {self.label}: run `python -m indicators init-db`"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.label} has schema version {version}, newer than this program "
                f"knows ({SCHEMA_VERSION}); upgrade the program"
            )
        if version < SCHEMA_VERSION:
            raise StoreError(
                f"{self.label} has schema version {version}; run `python -m indicators "
                f"init-db` to upgrade it to {SCHEMA_VERSION}"
            )
        with _verified_guard:
            _verified.add(self.location)

    def exists(self) -> bool:
        if self.path is not None:
            return self.engine.exists()
        with self.engine.connect() as con:
            return self._schema_version(con) > 0

    def check(self) -> None:
        """Open the file and read every figure once: a damaged file raises a StoreError
        that says what to do, before a server starts on it."""
        with self.connect() as con:
            if self._schema_version(con) < 1:
                raise StoreCorrupt(
                    f"{self.label} is not a database of this dashboard; move "
                    "it aside and run `python -m indicators init-db`"
                )
            con.execute("SELECT count(*), sum(value), max(period) FROM actuals").fetchall()
            con.execute("SELECT count(*), max(user_name) FROM uploads").fetchall()

    def schema_version(self) -> int:
        with self.connect() as con:
            return self._schema_version(con)

    @staticmethod
    def _schema_version(con: Any) -> int:
        has_meta = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' "
            "AND table_schema = current_schema()"
        ).fetchall()[0][0]
        if not has_meta:
            return 0
        row = _one(con.execute("SELECT value FROM meta WHERE key = 'schema_version'"))
        return int(row[0]) if row else 0

    # --- versions, for caches -----------------------------------------------------------

    def _lock_writes(self, con: Any) -> None:
        statement = LOCK_WRITES[self.dialect]
        if statement:
            con.execute(statement).fetchall()

    @staticmethod
    def _bump(con: Any) -> None:
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
            "WHERE key = 'data_version'"
        )

    def data_version(self) -> int:
        """Changes whenever anything is written; views key their caches on it."""
        with self.connect() as con:
            row = _one(con.execute("SELECT value FROM meta WHERE key = 'data_version'"))
            return int(row[0]) if row else 0
