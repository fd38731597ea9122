"""The store: the only package that speaks SQL.

``Store(location)`` opens either a DuckDB file (the default: one machine, zero setup) or a
PostgreSQL database when the location is a ``postgresql://user@host:port/dbname`` URL (many
app replicas, many planners at once). The interface is the same; the SQL below is written
once, and the few statements that differ are named in ``schema.py``. Connections come from
``engines.py``: DuckDB opens a short-lived connection per operation (one process holds the
file at a time; a held lock is retried, then reported as ``StoreBusy``), PostgreSQL uses a
connection pool and row locks, so concurrent writers queue instead of being told "busy".

Actuals are append-only. A correction is a new row; an undo is an upload of kind ``undo``
that hides the rows of the upload it undoes. The current value of (indicator, region, period)
is the newest row whose upload has not been undone, so history and undo come free.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from indicators.base.catalog import Catalog
from indicators.base.paths import default_db_location
from indicators.store.digest import ContentHash
from indicators.store.engines import (
    DuckEngine,
    PgEngine,
    append_rows,
    arrow_batches,
    frame_of,
    is_url,
    read_frame,
)
from indicators.store.errors import (
    AccountExists,
    ContentMismatch,
    NotInitialised,
    NotWaiting,
    StoreBusy,
    StoreCorrupt,
    StoreDiskFull,
    StoreError,
    StoreReadOnly,
    StoreUnavailable,
)
from indicators.store.schema import (
    ACTUAL_COLUMNS,
    ACTUAL_SCHEMA,
    CATALOG_CLASSES,
    LOCK_SCHEMA,
    LOCK_WRITES,
    MIGRATIONS,
    SCHEMA_VERSION,
    SEQUENCES,
    SNAPSHOT_READ,
    TABLES,
    TABLES_BY_NAME,
    UNPUBLISHED,
    arrow_schema,
    render,
    reset_sequence,
    sorted_select,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "ACTUAL_COLUMNS",
    "ACTUAL_SCHEMA",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AccountExists",
    "ContentMismatch",
    "NotInitialised",
    "NotWaiting",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreDiskFull",
    "StoreError",
    "StoreReadOnly",
    "StoreUnavailable",
    "TableReader",
    "Upload",
    "sha256_of",
]

_CATALOG_TABLES = CATALOG_CLASSES


# Incoming rows (a relation named `incoming`) against the current values: the preview and
# the write classify with this one query, so they cannot disagree.
_CLASSIFIED = """
    SELECT i.*, c.value AS old_value, c.qualifier AS old_qualifier,
           c.upload_id AS old_upload_id,
           CASE WHEN c.value IS NULL THEN 'new'
                WHEN c.value = i.value
                     AND coalesce(c.qualifier, '') = coalesce(i.qualifier, '')
                THEN 'unchanged' ELSE 'changed' END AS change
    FROM incoming i LEFT JOIN current_actuals c
      ON c.indicator_id = i.indicator_id AND c.region_code = i.region_code
     AND c.period = i.period"""

# What the preview adds to each row shown, in the order diff_preview's query reads them.
_PREVIEW_ADDS = (
    ("old_value", pa.float64()),
    ("old_qualifier", pa.string()),
    ("old_upload_id", pa.int64()),
    ("change", pa.string()),
)


@dataclass(frozen=True)
class Upload:
    id: int
    kind: str
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
    state: str = "published"  # submitted | published | rejected
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


class Store:
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
    def session(self) -> Iterator[Store]:
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

    # --- schema and catalog -------------------------------------------------------------

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

    def upgrade(self) -> bool:
        """Migrate a store of an older schema version; whether it was one."""
        with self.engine.connect() as con:
            version = self._schema_version(con)
        if 0 < version < SCHEMA_VERSION:
            self.migrate()
            return True
        return False

    def migrate(self) -> int:
        """Create or upgrade the schema, all or nothing; the same steps on every backend."""
        newest = max(MIGRATIONS)
        with self.engine.transaction(create=True) as con:
            lock = LOCK_SCHEMA[self.dialect]
            if lock:
                con.execute(lock).fetchall()
            current = self._schema_version(con)
            if current > newest:
                raise StoreError(
                    f"{self.label} has schema version {current}, newer than this program "
                    f"knows ({newest}); upgrade the program"
                )
            for version in sorted(v for v in MIGRATIONS if v > current):
                for statement in MIGRATIONS[version]:
                    con.execute(render(statement, self.dialect))
                con.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [str(version)],
                )
            con.execute("INSERT INTO meta VALUES ('data_version', '0') ON CONFLICT DO NOTHING")
        with _verified_guard:
            _verified.discard(self.location)
        return newest

    def load_catalog(self, catalog: Catalog) -> None:
        """Replace the catalog tables in one transaction; actuals and statuses are kept."""
        with self.transaction() as con:
            for table, cls in _CATALOG_TABLES.items():
                by_table: dict[str, Iterable[DataclassInstance]] = {
                    "documents": catalog.documents.values(),
                    "domains": catalog.domains.values(),
                    "targets": catalog.targets.values(),
                    "regions": catalog.regions.values(),
                    "departments": catalog.departments.values(),
                    "tasks": catalog.tasks.values(),
                    "task_departments": catalog.task_departments,
                }
                items = by_table[table]
                names = [f.name for f in fields(cls)]
                con.execute(f"DELETE FROM {table}")
                frame = pd.DataFrame([asdict(i) for i in items], columns=names)
                con.register(
                    "incoming_catalog",
                    pa.Table.from_pandas(
                        frame, schema=arrow_schema(TABLES_BY_NAME[table]), preserve_index=False
                    ),
                )
                con.execute(
                    f"INSERT INTO {table} ({', '.join(names)}) "
                    f"SELECT {', '.join(names)} FROM incoming_catalog"
                )
                con.unregister("incoming_catalog")
            self._bump(con)

    def catalog(self) -> Catalog:
        with self.connect() as con:
            loaded: dict[str, list[Any]] = {}
            for table, cls in _CATALOG_TABLES.items():
                names = [f.name for f in fields(cls)]
                rows = con.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall()
                loaded[table] = [
                    cls(
                        **{
                            n: (None if isinstance(v, float) and v != v else v)
                            for n, v in zip(names, row, strict=True)
                        }
                    )
                    for row in rows
                ]
        by = {
            "documents": "id",
            "domains": "id",
            "targets": "id",
            "regions": "code",
            "departments": "id",
            "tasks": "id",
        }
        return Catalog(
            **{t: {getattr(i, k): i for i in loaded[t]} for t, k in by.items()},
            task_departments=tuple(loaded["task_departments"]),
        )

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

    # --- actuals: reads -----------------------------------------------------------------

    def current_actuals(
        self,
        indicator_ids: list[str] | None = None,
        region_codes: list[str] | None = None,
        *,
        as_if_published: list[int] | None = None,
    ) -> pd.DataFrame:
        """Published figures; `as_if_published` adds pending uploads (the reviewers' and
        planners' preview)."""
        # Filters go inside, before the window: with 10 M county rows this is the difference
        # between ~3 s and ~0.1 s (DuckDB does not push them through the view's window).
        hidden = UNPUBLISHED
        params: list[Any] = []
        if as_if_published:
            hidden = f"SELECT upload_id FROM ({UNPUBLISHED}) h WHERE NOT (upload_id = ANY(?))"
            params = [[int(i) for i in as_if_published]] * 2
        where = [
            f"a.upload_id NOT IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL "
            f"AND id NOT IN ({hidden}))",
            f"a.upload_id NOT IN ({hidden})",
        ]
        if indicator_ids is not None:
            where.append("a.indicator_id = ANY(?)")
            params.append(list(indicator_ids))
        if region_codes is not None:
            where.append("a.region_code = ANY(?)")
            params.append(list(region_codes))
        with self.connect() as con:
            return read_frame(
                con,
                f"""WITH live AS (SELECT * FROM actuals a WHERE {" AND ".join(where)}),
                    ranked AS (SELECT *, row_number() OVER (
                        PARTITION BY indicator_id, region_code, period ORDER BY id DESC)
                        AS _rank FROM live),
                    cur AS (SELECT * FROM ranked WHERE _rank = 1)
                    SELECT c.id, c.indicator_id, c.region_code, c.period, c.t, c.value,
                           c.qualifier, c.unit, c.source, c.note, c.upload_id,
                           u.kind AS upload_kind, u.file_name, u.user_name, u.created_at
                    FROM cur c JOIN uploads u ON u.id = c.upload_id
                    ORDER BY c.indicator_id, c.region_code, c.t""",
                params,
            )

    def actual_history(self, indicator_id: str, region_code: str, period: str) -> pd.DataFrame:
        """Every version of one figure, newest first, with whether it is live."""
        with self.connect() as con:
            return read_frame(
                con,
                f"""SELECT a.id, a.value, a.qualifier, a.unit, a.source, a.note, a.upload_id,
                          u.kind, u.file_name, u.user_name, u.created_at,
                          a.upload_id IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL
                                          AND id NOT IN ({UNPUBLISHED})) AS undone,
                          coalesce(r.state, 'published') AS review_state
                   FROM actuals a JOIN uploads u ON u.id = a.upload_id
                   LEFT JOIN reviews r ON r.upload_id = a.upload_id
                   WHERE a.indicator_id = ? AND a.region_code = ? AND a.period = ?
                   ORDER BY a.id DESC""",
                [indicator_id, region_code, period],
            )

    def summary(self) -> dict[str, Any]:
        """What the 'data as of' line needs: newest period and time of the last upload."""
        with self.connect() as con:
            newest = _one(
                con.execute("SELECT period FROM live_actuals ORDER BY t DESC, id DESC LIMIT 1")
            )
            period = newest[0] if newest else None
            last = con.execute(
                "SELECT max(created_at) FROM uploads WHERE kind <> 'seed' "
                f"AND id NOT IN ({UNPUBLISHED})"
            ).fetchall()[0][0]
            seeded = con.execute(
                f"SELECT max(created_at) FROM uploads WHERE id NOT IN ({UNPUBLISHED})"
            ).fetchall()[0][0]
        return {"newest_period": period, "last_upload_at": last or seeded}

    # --- actuals: writes ----------------------------------------------------------------

    def find_upload_by_sha(self, sha256: str) -> Upload | None:
        with self.connect() as con:
            ids = con.execute(
                "SELECT id FROM uploads WHERE sha256 = ? AND kind IN ('file', 'seed') "
                "AND id NOT IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL "
                "AND id NOT IN (SELECT upload_id FROM reviews WHERE state = 'rejected')) "
                "AND id NOT IN (SELECT upload_id FROM reviews WHERE state = 'rejected') "
                "ORDER BY id DESC LIMIT 1",
                [sha256],
            ).fetchall()
        return self.upload(ids[0][0]) if ids else None

    def write_actuals(
        self,
        rows: pd.DataFrame | pa.Table,
        *,
        kind: str,
        user: str,
        file_name: str | None = None,
        sha256: str | None = None,
        note: str | None = None,
        skip_unchanged: bool = True,
    ) -> Upload:
        """Store a validated batch as one upload, all or nothing.

        Rows identical to the current value are counted but not written again, so a
        re-upload does not bury the history under copies.
        """
        table = (
            rows
            if isinstance(rows, pa.Table)
            else pa.Table.from_pandas(rows.loc[:, list(ACTUAL_COLUMNS)], preserve_index=False)
        )
        # Each row's position: its id is the first reserved id plus this (see _reserve_ids).
        table = table.append_column("_pos", pa.array(np.arange(table.num_rows, dtype=np.int64)))
        with self.transaction() as con:
            upload_id = con.execute("SELECT nextval('upload_id')").fetchall()[0][0]
            con.register("incoming", table)
            self._lock_writes(con)
            first_id = self._reserve_ids(con, "actual_id", table.num_rows)
            # A view, not a table: the join runs twice (count, insert) but a million rows
            # are never materialised, which is the faster of the two.
            con.execute("CREATE TEMP VIEW classified AS " + _CLASSIFIED)
            counts = dict(
                con.execute("SELECT change, count(*) FROM classified GROUP BY change").fetchall()
            )
            keep = "WHERE change <> 'unchanged'" if skip_unchanged else ""
            con.execute(
                f"""INSERT INTO actuals
                    SELECT CAST(? AS BIGINT) + _pos, {", ".join(ACTUAL_COLUMNS)}, ?
                    FROM classified {keep}""",
                [first_id, upload_id],
            )
            con.execute(
                """INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)""",
                [
                    upload_id,
                    kind,
                    file_name,
                    sha256,
                    user,
                    datetime.now(),
                    table.num_rows,
                    counts.get("new", 0),
                    counts.get("changed", 0),
                    counts.get("unchanged", 0),
                    note,
                ],
            )
            con.execute("DROP VIEW classified")
            con.unregister("incoming")
            self._submitted(
                con,
                upload_id,
                kind,
                user,
                f"{file_name or kind}: {counts.get('new', 0)} new, "
                f"{counts.get('changed', 0)} changed",
            )
            self._bump(con)
        return self.upload(upload_id)

    def _reserve_ids(self, con: Any, sequence: str, n: int) -> int:
        """The first of `n` consecutive ids, the sequence moved past them, taken under the
        write lock. A batch's ids are this plus each row's position, handed in with the rows:
        `nextval` per row was about a third of a million-row commit on DuckDB. An unchanged
        row skipped leaves its id unused, as a rolled-back nextval would."""
        first = int(_value(con.execute(f"SELECT nextval('{sequence}')")))
        for statement in reset_sequence(sequence, first + n, self.dialect):
            con.execute(statement).fetchall()
        return first

    def undo_upload(self, upload_id: int, *, user: str, note: str | None = None) -> Upload:
        """Hide an upload's rows; the values they replaced become current again."""
        with self.transaction() as con:
            self._lock_writes(con)
            # A rejected undo undid nothing; a pending one stops a second undo being filed.
            row = _one(
                con.execute(
                    "SELECT kind, (SELECT count(*) FROM uploads WHERE undoes = ? AND id NOT IN "
                    "(SELECT upload_id FROM reviews WHERE state = 'rejected')) "
                    "FROM uploads WHERE id = ?",
                    [upload_id, upload_id],
                )
            )
            if row is None:
                raise StoreError(f"no upload with id {upload_id}")
            kind, undone = row
            if kind == "undo":
                raise StoreError(f"upload {upload_id} is itself an undo")
            if undone:
                raise StoreError(f"upload {upload_id} has already been undone")
            n = con.execute(
                "SELECT count(*) FROM actuals WHERE upload_id = ?", [upload_id]
            ).fetchall()[0][0]
            undo_id = con.execute("SELECT nextval('upload_id')").fetchall()[0][0]
            con.execute(
                """INSERT INTO uploads VALUES (?, 'undo', NULL, NULL, ?, ?, ?, 0, 0, 0, ?, ?)""",
                [undo_id, user, datetime.now(), n, upload_id, note],
            )
            self._submitted(con, undo_id, "undo", user, f"undo of upload {upload_id}")
            self._bump(con)
        return self.upload(undo_id)

    # --- uploads ------------------------------------------------------------------------

    _UPLOAD_SELECT = """
        SELECT u.*, (SELECT max(x.id) FROM uploads x WHERE x.undoes = u.id AND x.id NOT IN
                     (SELECT upload_id FROM reviews WHERE state = 'rejected')) AS undone_by,
               coalesce(r.state, 'published') AS state, r.reviewer, r.reason
        FROM uploads u LEFT JOIN reviews r ON r.upload_id = u.id"""

    def upload(self, upload_id: int) -> Upload:
        with self.connect() as con:
            cur = con.execute(f"{self._UPLOAD_SELECT} WHERE u.id = ?", [upload_id])
            row = _one(cur)
            if row is None:
                raise StoreError(f"no upload with id {upload_id}")
            names = [d[0] for d in cur.description]
        return Upload(**dict(zip(names, row, strict=True)))

    def uploads(self, *, state: str | None = None) -> list[Upload]:
        """Every upload, newest first; with `state`, only those in that review state."""
        where = "" if state is None else "WHERE r.state = ?"
        with self.connect() as con:
            params = [] if state is None else [state]
            cur = con.execute(f"{self._UPLOAD_SELECT} {where} ORDER BY u.id DESC", params)
            names = [d[0] for d in cur.description]
            return [Upload(**dict(zip(names, r, strict=True))) for r in cur.fetchall()]

    def upload_rows(self, upload_id: int) -> pd.DataFrame:
        with self.connect() as con:
            return read_frame(
                con,
                """SELECT id, indicator_id, region_code, period, value, qualifier, unit,
                          source, note FROM actuals WHERE upload_id = ? ORDER BY id""",
                [upload_id],
            )

    def upload_regions(self, upload_id: int) -> set[str]:
        """The regions an upload's rows are for (who may undo it: indicators.domain.auth)."""
        with self.connect() as con:
            return {
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT region_code FROM actuals WHERE upload_id = ?", [upload_id]
                ).fetchall()
            }

    # --- task and checklist status ------------------------------------------------------

    def set_status(
        self,
        subject_type: str,
        subject_id: str,
        status: str,
        *,
        user: str,
        note: str | None = None,
        evidence: str | None = None,
    ) -> int:
        with self.transaction() as con:
            new_id = con.execute("SELECT nextval('status_id')").fetchall()[0][0]
            con.execute(
                "INSERT INTO status_updates VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [new_id, subject_type, subject_id, status, note, evidence, user, datetime.now()],
            )
            self._audit(con, user, "status", f"{subject_type} {subject_id}", status)
            self._bump(con)
        return int(new_id)

    def current_statuses(self, subject_type: str) -> pd.DataFrame:
        with self.connect() as con:
            return read_frame(
                con,
                """SELECT subject_id, status, note, evidence, user_name, created_at FROM (
                       SELECT *, row_number() OVER (PARTITION BY subject_id ORDER BY id DESC)
                           AS _rank
                       FROM status_updates WHERE subject_type = ?) s
                   WHERE _rank = 1""",
                [subject_type],
            )

    # --- review: submitted uploads wait for a reviewer ---------------------------------

    @staticmethod
    def _review_on(con: Any) -> bool:
        row = _one(con.execute("SELECT value FROM meta WHERE key = 'review'"))
        if row is not None and row[0] in ("on", "off"):
            return bool(row[0] == "on")
        # Default: a one-person deployment (no account or one) publishes at once.
        n = con.execute("SELECT count(*) FROM accounts WHERE NOT disabled").fetchall()[0][0]
        return int(n) > 1

    def review_mode(self) -> tuple[str, bool]:
        """The setting (on, off, auto) and whether review is on now."""
        with self.connect() as con:
            row = _one(con.execute("SELECT value FROM meta WHERE key = 'review'"))
            return (row[0] if row else "auto"), self._review_on(con)

    def set_review_mode(self, mode: str, *, user: str) -> None:
        if mode not in ("on", "off", "auto"):
            raise StoreError(f"review mode is on, off or auto, not {mode!r}")
        with self.transaction() as con:
            con.execute("DELETE FROM meta WHERE key = 'review'")
            if mode != "auto":
                con.execute("INSERT INTO meta VALUES ('review', ?)", [mode])
            self._audit(con, user, "review_mode", None, mode)

    def _submitted(self, con: Any, upload_id: int, kind: str, user: str, detail: str) -> None:
        """A new upload waits for review when review is on; seeds are the shipped data."""
        if kind == "seed":
            return
        if self._review_on(con):
            con.execute(
                "INSERT INTO reviews VALUES (?, 'submitted', NULL, NULL, NULL)", [upload_id]
            )
            self._audit(
                con, user, "submit" if kind != "undo" else "undo", f"upload {upload_id}", detail
            )
        else:
            self._audit(
                con, user, "publish" if kind != "undo" else "undo", f"upload {upload_id}", detail
            )

    def submitted_uploads(self) -> list[Upload]:
        return self.uploads(state="submitted")

    def decide(
        self, upload_id: int, *, approve: bool, reviewer: str, reason: str | None = None
    ) -> Upload:
        """Publish or reject a submitted upload (who may: ``indicators.domain.review``)."""
        with self.transaction() as con:
            self._lock_writes(con)
            row = _one(con.execute("SELECT state FROM reviews WHERE upload_id = ?", [upload_id]))
            if row is None or row[0] != "submitted":
                raise NotWaiting(f"upload {upload_id} is not waiting for review")
            state = "published" if approve else "rejected"
            con.execute(
                "UPDATE reviews SET state = ?, reviewer = ?, decided_at = ?, reason = ? "
                "WHERE upload_id = ?",
                [state, reviewer, datetime.now(), reason, upload_id],
            )
            self._audit(
                con, reviewer, "approve" if approve else "reject", f"upload {upload_id}", reason
            )
            self._bump(con)
        return self.upload(upload_id)

    # --- accounts -----------------------------------------------------------------------

    # With when the account last logged out: a session started before that is over (every
    # tab, every replica).
    _ACCOUNT_SELECT = """
        SELECT a.name, a.hash, a.role, a.regions, a.disabled, a.created_at, a.updated_at,
               (SELECT max(l.created_at) FROM audit_log l
                WHERE l.action = 'logout' AND l.user_name = a.name) AS logged_out_at
        FROM accounts a"""

    def accounts(self) -> list[dict[str, Any]]:
        with self.connect() as con:
            cur = con.execute(f"{self._ACCOUNT_SELECT} ORDER BY a.name")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def account(self, name: str) -> dict[str, Any] | None:
        """One account (with `logged_out_at`), or None: one query, asked on every page run
        of a signed-in session."""
        with self.connect() as con:
            cur = con.execute(f"{self._ACCOUNT_SELECT} WHERE a.name = ?", [name])
            row = _one(cur)
            if row is None:
                return None
            return dict(zip([d[0] for d in cur.description], row, strict=True))

    def put_account(
        self,
        name: str,
        *,
        hash: str,
        role: str,
        regions: str,
        replace: bool,
        user: str,
        action: str,
    ) -> None:
        """Create an account, or (with `replace`) set its password, role and regions."""
        now = datetime.now()
        with self.transaction() as con:
            held = _one(con.execute("SELECT count(*) FROM accounts WHERE name = ?", [name]))
            if held and held[0] and not replace:
                raise AccountExists(f"account {name!r} exists already")
            if held and held[0]:
                con.execute(
                    "UPDATE accounts SET hash = ?, role = ?, regions = ?, "
                    "updated_at = ? WHERE name = ?",
                    [hash, role, regions, now, name],
                )
            else:
                con.execute(
                    "INSERT INTO accounts VALUES (?, ?, ?, ?, false, ?, ?)",
                    [name, hash, role, regions, now, now],
                )
            self._audit(con, user, action, name, f"role {role}, regions {regions}")

    def update_account(self, name: str, *, user: str, action: str, **values: object) -> None:
        """Change some of hash, role, regions, disabled."""
        allowed = {"hash", "role", "regions", "disabled"}
        if not values or set(values) - allowed:
            raise StoreError(f"an account has only {sorted(allowed)}")
        sets = ", ".join(f"{k} = ?" for k in values)
        with self.transaction() as con:
            n = _one(con.execute("SELECT count(*) FROM accounts WHERE name = ?", [name]))
            if not n or not n[0]:
                raise StoreError(f"no account {name!r}")
            con.execute(
                f"UPDATE accounts SET {sets}, updated_at = ? WHERE name = ?",
                [*values.values(), datetime.now(), name],
            )
            shown = {k: v for k, v in values.items() if k != "hash"}
            self._audit(
                con, user, action, name, ", ".join(f"{k} {v}" for k, v in shown.items()) or None
            )

    # --- failed logins (shared by every replica) ------------------------------------------

    def login_failures(
        self, account: str, client: str, since: float
    ) -> dict[str, tuple[int, float | None]]:
        """Failures since `since` (epoch seconds): count and latest, for this account from
        this client ("pair"), from this client over all accounts ("client") and for this
        account from anywhere ("account")."""
        with self.connect() as con:
            row = _one(
                con.execute(
                    """SELECT count(*) FILTER (WHERE account = ? AND client = ?),
                          max(failed_at) FILTER (WHERE account = ? AND client = ?),
                          count(*) FILTER (WHERE client = ?),
                          max(failed_at) FILTER (WHERE client = ?),
                          count(*) FILTER (WHERE account = ?),
                          max(failed_at) FILTER (WHERE account = ?)
                   FROM login_failures WHERE failed_at > ? AND (account = ? OR client = ?)""",
                    [
                        account,
                        client,
                        account,
                        client,
                        client,
                        client,
                        account,
                        account,
                        since,
                        account,
                        client,
                    ],
                )
            )
        assert row is not None
        return {
            "pair": (int(row[0]), row[1]),
            "client": (int(row[2]), row[3]),
            "account": (int(row[4]), row[5]),
        }

    def record_login_failure(
        self, account: str, client: str, at: float, forget_before: float
    ) -> None:
        """One more failure; failures too old to count are pruned on the way."""
        with self.transaction() as con:
            con.execute("DELETE FROM login_failures WHERE failed_at <= ?", [forget_before])
            con.execute("INSERT INTO login_failures VALUES (?, ?, ?)", [account, client, at])

    def clear_login_failures(self, account: str, client: str) -> None:
        """A good password from this client: its failures on this account are forgiven."""
        with self.transaction() as con:
            con.execute(
                "DELETE FROM login_failures WHERE account = ? AND client = ?", [account, client]
            )

    # --- audit log (append-only) ----------------------------------------------------------

    @staticmethod
    def _audit(
        con: Any,
        user: str | None,
        action: str,
        subject: str | None,
        detail: str | None,
        client: str | None = None,
    ) -> None:
        con.execute(
            "INSERT INTO audit_log VALUES (nextval('audit_id'), ?, ?, ?, ?, ?, ?)",
            [datetime.now(), user, action, subject, detail, client],
        )

    def audit(
        self,
        user: str | None,
        action: str,
        subject: str | None = None,
        detail: str | None = None,
        client: str | None = None,
    ) -> None:
        with self.transaction() as con:
            self._audit(con, user, action, subject, detail, client)

    def audit_log(self) -> pd.DataFrame:
        with self.connect() as con:
            return read_frame(
                con,
                "SELECT id, created_at, user_name, action, subject, detail, client FROM audit_log "
                "ORDER BY id DESC",
            )

    # --- for tests and support ----------------------------------------------------------

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every table's rows, ordered: compare two dumps to prove nothing changed (of any
        schema version: support looks at what is there)."""
        with self.engine.connect() as con:
            tables = [
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_type = 'BASE TABLE' AND table_schema = current_schema() "
                    "ORDER BY table_name"
                ).fetchall()
            ]
            out = {}
            for t in tables:
                n = len(con.execute(f"SELECT * FROM {t} LIMIT 0").description)
                order = ", ".join(str(i) for i in range(1, n + 1))
                out[t] = con.execute(f"SELECT * FROM {t} ORDER BY {order}").fetchall()
            return out

    def counts(self) -> dict[str, int]:
        """Rows per table, in schema order."""
        with self.connect() as con:
            return {
                t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])
                for t in TABLES_BY_NAME
            }

    # --- whole-store transfer (backup, restore, copy-store), streamed ------------------

    @contextmanager
    def reading(self) -> Iterator[TableReader]:
        """Every table readable in batches, all from one consistent snapshot, while planners
        go on writing."""
        with self.engine.transaction() as con:
            snapshot_read = SNAPSHOT_READ[self.dialect]
            if snapshot_read:
                con.execute(snapshot_read)
            self._verify(con)
            yield TableReader(con, self.dialect)

    def read_tables(self) -> dict[str, pa.Table]:
        """Every table as one Arrow table (small stores and tests; transfers stream)."""
        with self.reading() as reader:
            return {
                t.name: pa.Table.from_batches(list(reader.batches(t.name)), schema=arrow_schema(t))
                for t in TABLES
            }

    def content_hash(self) -> str:
        with self.reading() as reader:
            return reader.content_hash([t.name for t in TABLES])

    def replace_tables(
        self,
        tables: Mapping[str, pa.Table | Iterable[pa.RecordBatch]],
        *,
        replace: bool = False,
        content_sha256: str | None = None,
        hashed: Sequence[str] | None = None,
    ) -> str:
        """Make this store hold exactly `tables` (a whole store; a table not given is left
        empty), streamed in batches, in one transaction; returns the content hash of what it
        now holds, over the `hashed` tables (default: all).

        Refuses a store that already holds uploads unless `replace`; with `content_sha256`,
        a result that hashes differently is rolled back. The data version moves past both
        the old and the restored one, so every app replica reloads.
        """
        self.migrate()
        with self.transaction() as con:
            self._lock_writes(con)
            held = con.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
            if held and not replace:
                raise StoreError(
                    f"{self.label} already holds {held} upload(s); restore into an empty "
                    "database, or pass --replace to overwrite it"
                )
            old_version = int(
                _value(con.execute("SELECT value FROM meta WHERE key = 'data_version'"))
            )
            for table in TABLES:
                con.execute(f"DELETE FROM {table.name}")
                given = tables.get(table.name, ())
                batches = given.to_batches() if isinstance(given, pa.Table) else given
                schema = arrow_schema(table)
                for batch in batches:
                    rows = _with_columns(pa.Table.from_batches([batch]), schema)
                    append_rows(con, table.name, rows)
            restored = _one(con.execute("SELECT value FROM meta WHERE key = 'data_version'"))
            new_version = str(max(old_version, int(restored[0]) if restored else 0) + 1)
            con.execute("DELETE FROM meta WHERE key = 'data_version'")
            con.execute("INSERT INTO meta VALUES ('data_version', ?)", [new_version])
            for sequence, (table_name, column) in SEQUENCES.items():
                top = con.execute(
                    f"SELECT coalesce(max({column}), 0) FROM {table_name}"
                ).fetchall()[0][0]
                for statement in reset_sequence(sequence, int(top) + 1, self.dialect):
                    con.execute(statement).fetchall()
            got = TableReader(con, self.dialect).content_hash(
                list(hashed) if hashed is not None else [t.name for t in TABLES]
            )
            if content_sha256 is not None and got != content_sha256:
                raise ContentMismatch(
                    f"the rows written to {self.label} hash to {got[:12]}…, not "
                    f"{content_sha256[:12]}… as their source; nothing was written"
                )
        return got

    # --- planners' data entry (ingest) --------------------------------------------------

    def diff_preview(
        self, rows: pa.Table, *, limit: int = 1000
    ) -> tuple[dict[str, int], pd.DataFrame]:
        """The upload preview without a million-row frame: counts per change, and the first
        `limit` rows of each change (new / changed / unchanged) in file order.

        `rows` has ACTUAL_COLUMNS plus `excel_row`; the frame adds old_value, old_qualifier,
        old_upload_id and change (new | changed | unchanged).
        """
        # Only what the comparison reads goes to the database (on PostgreSQL each column is
        # copied to the server); the rows shown are then taken from `rows` by position.
        incoming = rows.select(
            ["indicator_id", "region_code", "period", "value", "qualifier", "excel_row"]
        ).append_column("_pos", pa.array(np.arange(rows.num_rows)))
        shown: list[tuple[Any, ...]] = []
        with self.connect() as con:
            con.register("incoming", incoming)
            con.execute("DROP TABLE IF EXISTS previewed")  # left by a call that failed midway
            con.execute(
                "CREATE TEMP TABLE previewed AS SELECT _pos, excel_row, old_value, "
                f"old_qualifier, old_upload_id, change FROM ({_CLASSIFIED}) classified"
            )
            counts = dict(
                con.execute("SELECT change, count(*) FROM previewed GROUP BY change").fetchall()
            )
            for change in counts:
                shown += con.execute(
                    """SELECT _pos, excel_row, old_value, old_qualifier, old_upload_id, change
                       FROM previewed WHERE change = ? ORDER BY excel_row, _pos LIMIT ?""",
                    [change, limit],
                ).fetchall()
            # A pooled connection outlives this call.
            con.execute("DROP TABLE previewed")
            con.unregister("incoming")
        shown.sort(key=lambda r: (r[1], r[0]))
        sample = rows.take(pa.array([r[0] for r in shown], pa.int64()))
        for i, (name, typ) in enumerate(_PREVIEW_ADDS, start=2):
            sample = sample.append_column(name, pa.array([r[i] for r in shown], typ))
        return {c: int(counts.get(c, 0)) for c in ("new", "changed", "unchanged")}, frame_of(sample)
