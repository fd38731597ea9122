"""The DuckDB store: the only module that speaks SQL.

One ``Store`` owns the database file. Every operation opens a short-lived connection and
closes it, so the dashboard and a command-line ingest can share the file (DuckDB lets one
process hold it at a time); a held lock is retried briefly, then reported as ``StoreBusy``.

Actuals are append-only. A correction is a new row; an undo is an upload of kind ``undo``
that hides the rows of the upload it undoes. The current value of (indicator, region, period)
is the newest row whose upload has not been undone, so history and undo come free.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from .catalog import (
    Catalog,
    Department,
    Document,
    Domain,
    Region,
    Target,
    Task,
    TaskDepartment,
)
from .paths import default_db_path

SCHEMA_VERSION = 1

ACTUAL_COLUMNS = (
    "indicator_id", "region_code", "period", "t", "value", "qualifier", "unit", "source", "note",
)

_CATALOG_TABLES: dict[str, type] = {
    "documents": Document,
    "domains": Domain,
    "targets": Target,
    "regions": Region,
    "departments": Department,
    "tasks": Task,
    "task_departments": TaskDepartment,
}

_SQL_TYPES = {
    "str": "VARCHAR", "int": "INTEGER", "float": "DOUBLE", "bool": "BOOLEAN", "date": "DATE",
}


def _column_defs(cls: type) -> str:
    cols = []
    for f in fields(cls):
        base = str(f.type).split("|")[0].strip()
        cols.append(f"{f.name} {_SQL_TYPES.get(base, 'VARCHAR')}")
    return ", ".join(cols)


# Each migration moves the schema from version N-1 to N; never edit one that has shipped.
MIGRATIONS: dict[int, list[str]] = {
    1: [
        *(f"CREATE TABLE {name} ({_column_defs(cls)})" for name, cls in _CATALOG_TABLES.items()),
        "CREATE SEQUENCE upload_id START 1",
        "CREATE SEQUENCE actual_id START 1",
        "CREATE SEQUENCE status_id START 1",
        """CREATE TABLE uploads (
            id BIGINT PRIMARY KEY, kind VARCHAR NOT NULL, file_name VARCHAR, sha256 VARCHAR,
            user_name VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
            rows_total INTEGER NOT NULL DEFAULT 0, rows_new INTEGER NOT NULL DEFAULT 0,
            rows_changed INTEGER NOT NULL DEFAULT 0, rows_unchanged INTEGER NOT NULL DEFAULT 0,
            undoes BIGINT, note VARCHAR)""",
        """CREATE TABLE actuals (
            id BIGINT NOT NULL, indicator_id VARCHAR NOT NULL, region_code VARCHAR NOT NULL,
            period VARCHAR NOT NULL, t DOUBLE NOT NULL, value DOUBLE NOT NULL,
            qualifier VARCHAR, unit VARCHAR NOT NULL, source VARCHAR, note VARCHAR,
            upload_id BIGINT NOT NULL)""",
        """CREATE TABLE status_updates (
            id BIGINT PRIMARY KEY, subject_type VARCHAR NOT NULL, subject_id VARCHAR NOT NULL,
            status VARCHAR NOT NULL, note VARCHAR, evidence VARCHAR,
            user_name VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)""",
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        # A live row: its upload is not undone; the newest live row per key is current.
        """CREATE VIEW live_actuals AS
            SELECT a.* FROM actuals a
            WHERE a.upload_id NOT IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL)""",
        """CREATE VIEW current_actuals AS
            SELECT * FROM live_actuals
            QUALIFY row_number() OVER (
                PARTITION BY indicator_id, region_code, period ORDER BY id DESC) = 1""",
    ],
}


# Incoming rows (a relation named `incoming`) against the current values: the preview, the
# diff and the write all classify with this one query, so they cannot disagree.
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


class StoreError(RuntimeError):
    pass


class StoreBusy(StoreError):
    """Another process holds the database; the caller should say 'busy, try again'."""


class NotInitialised(StoreError):
    pass


class StoreUnavailable(StoreError):
    """The file cannot be used as it is; ``code`` names why (for the UI's own wording)."""

    code = "unavailable"


class StoreCorrupt(StoreUnavailable):
    code = "corrupt"


class StoreReadOnly(StoreUnavailable):
    code = "read_only"


class StoreDiskFull(StoreUnavailable):
    code = "disk_full"


# DuckDB says what went wrong only in its message; these fragments pick the kind.
_CORRUPT_SIGNS = ("not a valid duckdb database", "corrupt", "checksum", "could not read enough",
                  "serialization error", "invalid block")
_FULL_SIGNS = ("no space left", "disk full", "disk quota")


def _unavailable(exc: BaseException, path: Path) -> StoreUnavailable | None:
    """A store-level failure of the file itself (not of our SQL), or None."""
    text = str(exc).lower()
    if any(s in text for s in _FULL_SIGNS):
        return StoreDiskFull(f"the disk holding {path} is full: nothing was stored; "
                             "free some space and try again")
    if "read-only" in text or "read only" in text:
        return StoreReadOnly(f"the database {path} is read-only here: it can be viewed but "
                             "not changed")
    if any(s in text for s in _CORRUPT_SIGNS):
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return StoreCorrupt(f"the database file {path} is damaged ({first}); restore it from "
                            "a backup, or move it aside and run `python -m indicators init-db`")
    return None


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


@dataclass(frozen=True)
class Diff:
    """How an incoming batch compares with what is stored (the upload preview)."""

    rows: pd.DataFrame  # incoming rows + old_value, old_qualifier, change (new|changed|unchanged)

    def count(self, change: str) -> int:
        return int((self.rows["change"] == change).sum())

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def changed(self) -> int:
        return self.count("changed")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _one(cur: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """First row or None; drains the result, which DuckDB 2 requires before the next query."""
    rows = cur.fetchall()
    return rows[0] if rows else None


_writer_locks: dict[str, threading.RLock] = {}
_writer_locks_guard = threading.Lock()


def _writer_lock(path: Path) -> threading.RLock:
    key = str(path.resolve())
    with _writer_locks_guard:
        return _writer_locks.setdefault(key, threading.RLock())


_instance_locks: dict[str, threading.Lock] = {}


def _instance_lock(path: Path) -> threading.Lock:
    key = str(path.resolve())
    with _writer_locks_guard:
        return _instance_locks.setdefault(key, threading.Lock())


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


class Store:
    def __init__(self, path: Path | str | None = None, *, busy_timeout: float = 10.0) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.busy_timeout = busy_timeout

    # --- connections --------------------------------------------------------------------

    @contextmanager
    def connect(self, *, create: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if not create and not self.path.exists():
            raise NotInitialised(
                f"no database at {self.path}: run `python -m indicators init-db`"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A file (or folder, where the write-ahead log goes) we may not write is opened
        # read-only: viewing works, and a write is refused with a clear reason.
        read_only = not create and not self.writable()
        deadline = time.monotonic() + self.busy_timeout
        delay = 0.02
        while True:
            try:
                # DuckDB shares one database instance per file within a process; opening
                # or closing it from two threads at once races (seen as "file handle
                # conflict"), so sessions of one server take turns at those two moments.
                with _instance_lock(self.path):
                    con = duckdb.connect(
                        str(self.path), read_only=read_only,
                        config={"autoinstall_known_extensions": False,
                                "autoload_known_extensions": False})
                break
            except duckdb.Error as exc:
                if not _is_lock_error(exc):
                    raise _unavailable(exc, self.path) or StoreCorrupt(
                        f"the database file {self.path} cannot be opened ({exc}); restore it "
                        "from a backup, or move it aside and run "
                        "`python -m indicators init-db`") from exc
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"the database {self.path.name} is busy (another process is writing); "
                        "try again in a moment"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
        try:
            yield con
        except duckdb.Error as exc:
            mapped = _unavailable(exc, self.path)
            if mapped is None:
                raise
            raise mapped from exc
        finally:
            with _instance_lock(self.path):
                con.close()

    def writable(self) -> bool:
        """Whether this process may write the file and create its write-ahead log beside it."""
        if not self.path.exists():
            return os.access(self.path.parent, os.W_OK)
        return os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        # Sessions of one server share DuckDB's in-process instance, where two concurrent
        # writers conflict on the meta row; taking turns per file lets both land. Other
        # processes are kept out by DuckDB's file lock (see connect).
        with _writer_lock(self.path), self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except duckdb.TransactionException as exc:
                con.execute("ROLLBACK")
                if _unavailable(exc, self.path) is not None:
                    raise
                raise StoreBusy(
                    f"the database {self.path.name} is busy (another write conflicted); "
                    "try again in a moment"
                ) from exc
            except BaseException:
                con.execute("ROLLBACK")
                raise
            try:
                con.execute("COMMIT")
            except duckdb.Error:
                # A failed commit (a full disk) leaves the transaction open: end it.
                with suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise

    def exists(self) -> bool:
        return self.path.exists()

    def check(self) -> None:
        """Open the file and read every figure once: a damaged file raises a StoreError
        that says what to do, before a server starts on it."""
        with self.connect() as con:
            if self._schema_version(con) < 1:
                raise StoreCorrupt(f"{self.path} is not a database of this dashboard; move "
                                   "it aside and run `python -m indicators init-db`")
            con.execute("SELECT count(*), sum(value), max(period) FROM actuals").fetchall()
            con.execute("SELECT count(*), max(user_name) FROM uploads").fetchall()

    # --- schema and catalog -------------------------------------------------------------

    def schema_version(self) -> int:
        with self.connect() as con:
            return self._schema_version(con)

    @staticmethod
    def _schema_version(con: duckdb.DuckDBPyConnection) -> int:
        has_meta = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchall()[0][0]
        if not has_meta:
            return 0
        row = _one(con.execute("SELECT value FROM meta WHERE key = 'schema_version'"))
        return int(row[0]) if row else 0

    def migrate(self) -> int:
        with self.connect(create=True) as con:
            con.execute("BEGIN TRANSACTION")
            current = self._schema_version(con)
            for version in sorted(v for v in MIGRATIONS if v > current):
                for statement in MIGRATIONS[version]:
                    con.execute(statement)
                con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)]
                )
            con.execute("INSERT OR IGNORE INTO meta VALUES ('data_version', '0')")
            con.execute("COMMIT")
        return max(MIGRATIONS)

    def load_catalog(self, catalog: Catalog) -> None:
        """Replace the catalog tables in one transaction; actuals and statuses are kept."""
        with self.transaction() as con:
            for table, cls in _CATALOG_TABLES.items():
                items = {
                    "documents": catalog.documents.values(),
                    "domains": catalog.domains.values(),
                    "targets": catalog.targets.values(),
                    "regions": catalog.regions.values(),
                    "departments": catalog.departments.values(),
                    "tasks": catalog.tasks.values(),
                    "task_departments": catalog.task_departments,
                }[table]
                names = [f.name for f in fields(cls)]
                con.execute(f"DELETE FROM {table}")
                frame = pd.DataFrame([asdict(i) for i in items], columns=names)
                con.register("incoming_catalog", frame)
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
                    cls(**{n: (None if isinstance(v, float) and v != v else v)
                           for n, v in zip(names, row, strict=True)})
                    for row in rows
                ]
        by = {
            "documents": "id", "domains": "id", "targets": "id", "regions": "code",
            "departments": "id", "tasks": "id",
        }
        return Catalog(
            **{t: {getattr(i, k): i for i in loaded[t]} for t, k in by.items()},
            task_departments=tuple(loaded["task_departments"]),
        )

    # --- versions, for caches -----------------------------------------------------------

    @staticmethod
    def _bump(con: duckdb.DuckDBPyConnection) -> None:
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
    ) -> pd.DataFrame:
        # Filters go inside, before the window: with 10 M county rows this is the difference
        # between ~3 s and ~0.1 s (DuckDB does not push them through the view's window).
        where, params = ["a.upload_id NOT IN (SELECT undoes FROM uploads "
                         "WHERE undoes IS NOT NULL)"], []
        if indicator_ids is not None:
            where.append("a.indicator_id = ANY(?)")
            params.append(list(indicator_ids))
        if region_codes is not None:
            where.append("a.region_code = ANY(?)")
            params.append(list(region_codes))
        with self.connect() as con:
            return con.execute(
                f"""WITH live AS (SELECT * FROM actuals a WHERE {' AND '.join(where)}),
                    cur AS (SELECT * FROM live QUALIFY row_number() OVER (
                        PARTITION BY indicator_id, region_code, period ORDER BY id DESC) = 1)
                    SELECT c.id, c.indicator_id, c.region_code, c.period, c.t, c.value,
                           c.qualifier, c.unit, c.source, c.note, c.upload_id,
                           u.kind AS upload_kind, u.file_name, u.user_name, u.created_at
                    FROM cur c JOIN uploads u ON u.id = c.upload_id
                    ORDER BY c.indicator_id, c.region_code, c.t""",
                params,
            ).df()

    def actual_history(self, indicator_id: str, region_code: str, period: str) -> pd.DataFrame:
        """Every version of one figure, newest first, with whether it is live."""
        with self.connect() as con:
            return con.execute(
                """SELECT a.id, a.value, a.qualifier, a.unit, a.source, a.note, a.upload_id,
                          u.kind, u.file_name, u.user_name, u.created_at,
                          a.upload_id IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL)
                              AS undone
                   FROM actuals a JOIN uploads u ON u.id = a.upload_id
                   WHERE a.indicator_id = ? AND a.region_code = ? AND a.period = ?
                   ORDER BY a.id DESC""",
                [indicator_id, region_code, period],
            ).df()

    def summary(self) -> dict[str, Any]:
        """What the 'data as of' line needs: newest period and time of the last upload."""
        with self.connect() as con:
            period, _ = _one(con.execute(
                "SELECT arg_max(period, t), max(t) FROM live_actuals"
            ))
            last = con.execute(
                "SELECT max(created_at) FROM uploads WHERE kind <> 'seed'"
            ).fetchall()[0][0]
            seeded = con.execute("SELECT max(created_at) FROM uploads").fetchall()[0][0]
        return {"newest_period": period, "last_upload_at": last or seeded}

    # --- actuals: writes ----------------------------------------------------------------

    def diff(self, rows: pd.DataFrame | pa.Table) -> Diff:
        """Compare incoming rows (ACTUAL_COLUMNS) with the current values, for the preview."""
        if isinstance(rows, pa.Table):  # big uploads: no pandas round trip on the way in
            incoming = rows.append_column("_row", pa.array(range(rows.num_rows), pa.int64()))
        else:
            incoming = rows.reset_index(drop=True).copy()
            incoming["_row"] = range(len(incoming))
        with self.connect() as con:
            con.register("incoming", incoming)
            out = con.execute(
                _CLASSIFIED + " ORDER BY i._row"
            ).df()
        return Diff(out.drop(columns=["_row"]))

    def find_upload_by_sha(self, sha256: str) -> Upload | None:
        with self.connect() as con:
            ids = con.execute(
                "SELECT id FROM uploads WHERE sha256 = ? AND kind IN ('file', 'seed') "
                "AND id NOT IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL) "
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
        table = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(
            rows.loc[:, list(ACTUAL_COLUMNS)], preserve_index=False
        )
        with self.transaction() as con:
            upload_id = con.execute("SELECT nextval('upload_id')").fetchall()[0][0]
            con.register("incoming", table)
            # A view, not a table: the join runs twice (count, insert) but a million rows
            # are never materialised, which is the faster of the two.
            con.execute("CREATE TEMP VIEW classified AS " + _CLASSIFIED)
            counts = dict(con.execute(
                "SELECT change, count(*) FROM classified GROUP BY change"
            ).fetchall())
            keep = "WHERE change <> 'unchanged'" if skip_unchanged else ""
            con.execute(
                f"""INSERT INTO actuals
                    SELECT nextval('actual_id'), indicator_id, region_code, period, t, value,
                           qualifier, unit, source, note, ?
                    FROM classified {keep}""",
                [upload_id],
            )
            con.execute(
                """INSERT INTO uploads VALUES (?, ?, ?, ?, ?, current_localtimestamp(),
                                              ?, ?, ?, ?, NULL, ?)""",
                [upload_id, kind, file_name, sha256, user, table.num_rows,
                 counts.get("new", 0), counts.get("changed", 0), counts.get("unchanged", 0),
                 note],
            )
            con.execute("DROP VIEW classified")
            con.unregister("incoming")
            self._bump(con)
        return self.upload(upload_id)

    def undo_upload(self, upload_id: int, *, user: str, note: str | None = None) -> Upload:
        """Hide an upload's rows; the values they replaced become current again."""
        with self.transaction() as con:
            row = _one(con.execute(
                "SELECT kind, (SELECT count(*) FROM uploads WHERE undoes = ?) "
                "FROM uploads WHERE id = ?",
                [upload_id, upload_id],
            ))
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
                """INSERT INTO uploads VALUES (?, 'undo', NULL, NULL, ?, current_localtimestamp(),
                                              ?, 0, 0, 0, ?, ?)""",
                [undo_id, user, n, upload_id, note],
            )
            self._bump(con)
        return self.upload(undo_id)

    # --- uploads ------------------------------------------------------------------------

    _UPLOAD_SELECT = """
        SELECT u.*, (SELECT max(x.id) FROM uploads x WHERE x.undoes = u.id) AS undone_by
        FROM uploads u"""

    def upload(self, upload_id: int) -> Upload:
        with self.connect() as con:
            cur = con.execute(f"{self._UPLOAD_SELECT} WHERE u.id = ?", [upload_id])
            row = _one(cur)
            if row is None:
                raise StoreError(f"no upload with id {upload_id}")
            names = [d[0] for d in cur.description]
        return Upload(**dict(zip(names, row, strict=True)))

    def uploads(self) -> list[Upload]:
        with self.connect() as con:
            cur = con.execute(f"{self._UPLOAD_SELECT} ORDER BY u.id DESC")
            names = [d[0] for d in cur.description]
            return [Upload(**dict(zip(names, r, strict=True))) for r in cur.fetchall()]

    def upload_rows(self, upload_id: int) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(
                """SELECT id, indicator_id, region_code, period, value, qualifier, unit,
                          source, note FROM actuals WHERE upload_id = ? ORDER BY id""",
                [upload_id],
            ).df()

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
                "INSERT INTO status_updates VALUES (?, ?, ?, ?, ?, ?, ?, current_localtimestamp())",
                [new_id, subject_type, subject_id, status, note, evidence, user],
            )
            self._bump(con)
        return int(new_id)

    def current_statuses(self, subject_type: str) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(
                """SELECT subject_id, status, note, evidence, user_name, created_at
                   FROM status_updates WHERE subject_type = ?
                   QUALIFY row_number() OVER (PARTITION BY subject_id ORDER BY id DESC) = 1""",
                [subject_type],
            ).df()

    def status_history(self, subject_type: str, subject_id: str) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(
                """SELECT status, note, evidence, user_name, created_at FROM status_updates
                   WHERE subject_type = ? AND subject_id = ? ORDER BY id DESC""",
                [subject_type, subject_id],
            ).df()

    # --- for tests and support ----------------------------------------------------------

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every table's rows, ordered: compare two dumps to prove nothing changed."""
        with self.connect() as con:
            tables = [r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_type = 'BASE TABLE' ORDER BY table_name"
            ).fetchall()]
            return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}

    # --- planners' data entry (ingest) --------------------------------------------------

    def diff_preview(
        self, rows: pa.Table, *, limit: int = 1000
    ) -> tuple[dict[str, int], pd.DataFrame]:
        """The upload preview without a million-row frame: counts per change, and the first
        `limit` rows of each change (new / changed / unchanged) in file order.

        `rows` has ACTUAL_COLUMNS plus `excel_row`; the frame adds old_value, old_qualifier,
        old_upload_id and change, like ``diff``.
        """
        with self.connect() as con:
            con.register("incoming", rows)
            con.execute("CREATE TEMP TABLE previewed AS " + _CLASSIFIED)
            counts = dict(con.execute(
                "SELECT change, count(*) FROM previewed GROUP BY change").fetchall())
            sample = con.execute(
                """SELECT * FROM previewed
                   QUALIFY row_number() OVER (PARTITION BY change ORDER BY excel_row) <= ?
                   ORDER BY excel_row""",
                [limit],
            ).df()
            con.unregister("incoming")
        return {c: int(counts.get(c, 0)) for c in ("new", "changed", "unchanged")}, sample
