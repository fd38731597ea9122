"""Connections for each backend: a DuckDB file, or a PostgreSQL server through a pool.

``Store`` speaks SQL to either through the same small connection surface: ``execute(sql,
params)`` returning something with ``fetchall()``, ``df()`` and ``description``, and
``register(name, table)`` / ``unregister(name)`` for a batch of incoming rows. Frames are
read with ``read_frame(con, sql, params)`` (COPY on PostgreSQL), batches with
``arrow_batches`` and appended with ``append_rows``.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from indicators.store.errors import (
    NotInitialised,
    StoreBusy,
    StoreCorrupt,
    StoreDiskFull,
    StoreError,
    StoreReadOnly,
    StoreUnavailable,
)
from indicators.store.schema import DUCKDB, POSTGRESQL

URL_PREFIXES = ("postgresql://", "postgres://")


def is_url(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(URL_PREFIXES)


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://…"
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


# --- DuckDB --------------------------------------------------------------------------------

_writer_locks: dict[str, threading.RLock] = {}
_instance_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _writer_lock(path: Path) -> threading.RLock:
    key = str(path.resolve())
    with _locks_guard:
        return _writer_locks.setdefault(key, threading.RLock())


def _instance_lock(path: Path) -> threading.Lock:
    key = str(path.resolve())
    with _locks_guard:
        return _instance_locks.setdefault(key, threading.Lock())


# DuckDB says what went wrong only in its message; these fragments pick the kind.
_CORRUPT_SIGNS = (
    "not a valid duckdb database",
    "corrupt",
    "checksum",
    "could not read enough",
    "serialization error",
    "invalid block",
)
_FULL_SIGNS = ("no space left", "disk full", "disk quota")


def _unavailable(exc: BaseException, path: Path) -> StoreUnavailable | None:
    """A store-level failure of the file itself (not of our SQL), or None."""
    text = str(exc).lower()
    if any(s in text for s in _FULL_SIGNS):
        return StoreDiskFull(
            f"the disk holding {path} is full: nothing was stored; free some space and try again"
        )
    if "read-only" in text or "read only" in text:
        return StoreReadOnly(
            f"the database {path} is read-only here: it can be viewed but not changed"
        )
    if any(s in text for s in _CORRUPT_SIGNS):
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return StoreCorrupt(
            f"the database file {path} is damaged ({first}); restore it from "
            "a backup, or move it aside and run `python -m indicators init-db`"
        )
    return None


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


class DuckEngine:
    dialect = DUCKDB

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self.label = str(path)

    def exists(self) -> bool:
        return self.path.exists()

    def writable(self) -> bool:
        """Whether this process may write the file and create its write-ahead log beside it."""
        if not self.path.exists():
            return os.access(self.path.parent, os.W_OK)
        return os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)

    @contextmanager
    def connect(self, *, create: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if not create and not self.path.exists():
            raise NotInitialised(f"no database at {self.path}: run `python -m indicators init-db`")
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
                        str(self.path),
                        read_only=read_only,
                        config={
                            "autoinstall_known_extensions": False,
                            "autoload_known_extensions": False,
                        },
                    )
                break
            except duckdb.Error as exc:
                if not _is_lock_error(exc):
                    raise _unavailable(exc, self.path) or StoreCorrupt(
                        f"the database file {self.path} cannot be opened ({exc}); restore it "
                        "from a backup, or move it aside and run "
                        "`python -m indicators init-db`"
                    ) from exc
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

    @contextmanager
    def session(self) -> Iterator[None]:
        """Keep the database open across the calls inside: DuckDB keeps one instance per
        file while any connection to it is open, so each connect() then costs about a
        millisecond instead of opening the file (~20 ms). Other processes wait for the file
        until the block ends: wrap store calls, never parsing or a page's rendering."""
        with self.connect():
            yield

    @contextmanager
    def transaction(self, *, create: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        # Sessions of one server share DuckDB's in-process instance, where two concurrent
        # writers conflict on the meta row; taking turns per file lets both land. Other
        # processes are kept out by DuckDB's file lock (see connect).
        with _writer_lock(self.path), self.connect(create=create) as con:
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


# --- PostgreSQL ----------------------------------------------------------------------------

# PostgreSQL type oid -> arrow type, so frames have the dtypes DuckDB's .df() gives.
_OID_ARROW = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int16(),
    23: pa.int32(),
    700: pa.float32(),
    701: pa.float64(),
    25: pa.string(),
    1043: pa.string(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
}
# Incoming batches: columns the classification compares numerically keep a number type
# even when every value is null (arrow then says "null").
_KNOWN_INCOMING = {
    "t": "DOUBLE PRECISION",
    "value": "DOUBLE PRECISION",
    "_row": "BIGINT",
    "excel_row": "BIGINT",
}


def _pg_type(name: str, typ: pa.DataType) -> str:
    if name in _KNOWN_INCOMING:
        return _KNOWN_INCOMING[name]
    if pa.types.is_floating(typ):
        return "DOUBLE PRECISION"
    if pa.types.is_integer(typ):
        return "BIGINT"
    if pa.types.is_boolean(typ):
        return "BOOLEAN"
    if pa.types.is_date(typ):
        return "DATE"
    if pa.types.is_timestamp(typ):
        return "TIMESTAMP"
    return "TEXT"


def _csv_ready(typ: pa.DataType) -> bool:
    """Whether Arrow's CSV writer spells a column's values as COPY reads them back."""
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    return (
        pa.types.is_string(typ)
        or pa.types.is_large_string(typ)
        or pa.types.is_floating(typ)
        or pa.types.is_integer(typ)
    )


def _placeholders(sql: str) -> str:
    """DuckDB's `?` placeholders in psycopg's `%s` form (a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


_converter = duckdb.connect(
    ":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
)
_converter_guard = threading.Lock()


def arrow_from(description: Sequence[Any], rows: list[tuple[Any, ...]]) -> pa.Table:
    names = [d.name for d in description]
    arrays = []
    for i, d in enumerate(description):
        values = [r[i] for r in rows]
        typ = _OID_ARROW.get(d.type_code)
        try:
            arrays.append(pa.array(values, type=typ))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays.append(pa.array(values))
    return pa.Table.from_arrays(arrays, names=names)


def frame_from(description: Sequence[Any] | None, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    if not description:
        return pd.DataFrame()
    return frame_of(arrow_from(description, rows))


def frame_of(table: pa.Table) -> pd.DataFrame:
    """Arrow rows as a frame through DuckDB's own conversion, so a frame has the dtypes a
    DuckDB query's .df() gives (nullable Int64, None in an all-null text column, …) and
    callers see one behaviour on both backends."""
    with _converter_guard:
        cur = _converter.cursor()
    try:
        return cur.from_arrow(table).df()
    finally:
        cur.close()


class _PgResult:
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.description = cursor.description

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.cursor.fetchall() if self.cursor.description else []

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        return self.cursor.fetchmany(size)

    def df(self) -> pd.DataFrame:
        return frame_from(self.cursor.description, self.fetchall())

    def to_arrow_table(self) -> pa.Table:
        return arrow_from(self.cursor.description, self.fetchall())


def _read_copied(data: memoryview, columns: list[tuple[str, Any]]) -> pa.Table:
    """COPY's CSV as Arrow: NULL is an empty unquoted field and an empty text is quoted ("")
    there, booleans are t/f, timestamps ISO with a space."""
    if not data:
        return pa.table({name: pa.array([], typ) for name, typ in columns})
    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=[name for name, _ in columns]),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=dict(columns),
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
            true_values=["t"],
            false_values=["f"],
        ),
    )


class PgConnection:
    """A pooled psycopg connection with the surface ``Store`` uses."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> _PgResult:
        cur = self.conn.cursor()
        cur.execute(_placeholders(sql), list(params) if params else None)
        return _PgResult(cur)

    sql = execute  # DuckDB's name for a query whose result is read as Arrow

    def register(self, name: str, data: pa.Table | pd.DataFrame) -> None:
        """Load a batch into a temporary table with COPY (dropped at the end of the
        transaction): the one bulk path into PostgreSQL."""
        table = (
            data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
        )
        cols = ", ".join(f'"{f.name}" {_pg_type(f.name, f.type)}' for f in table.schema)
        self.conn.execute(f"DROP TABLE IF EXISTS {name}")
        self.conn.execute(f"CREATE TEMP TABLE {name} ({cols}) ON COMMIT DROP")
        self.copy_in(name, table)

    def copy_in(self, name: str, table: pa.Table) -> None:
        quoted = ", ".join(f'"{c}"' for c in table.column_names)
        if all(_csv_ready(f.type) for f in table.schema):
            # Arrow writes the rows as CSV in C and the server parses them: a million rows
            # never become Python tuples. Arrow quotes every text ("" is an empty text) and
            # leaves a null unquoted and empty, which is NULL to COPY's csv format.
            options = pacsv.WriteOptions(include_header=False)
            with self.conn.cursor().copy(f"COPY {name} ({quoted}) FROM STDIN (FORMAT csv)") as copy:
                for batch in table.to_batches(max_chunksize=100_000):
                    out = io.BytesIO()
                    pacsv.write_csv(batch, out, write_options=options)
                    copy.write(out.getbuffer())
            return
        with self.conn.cursor().copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
            for batch in table.to_batches(max_chunksize=50_000):
                columns = [c.to_pylist() for c in batch.columns]
                for row in zip(*columns, strict=True):
                    copy.write_row(row)

    def unregister(self, name: str) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS {name}")

    def frame(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """A query's rows as a frame. They come as CSV through COPY and Arrow parses them in
        C: a Python tuple per row (fetchall) was most of a large read (a million current
        figures: 11.3 s, 6.7 s this way, the same frame). A column of a type the CSV would
        not bring back as it was (numeric, arrays, time zones) takes the tuples' way."""
        query, args = _placeholders(sql), list(params) if params else None
        cur = self.conn.cursor()
        # The result's columns, without running it: a query's own LIMIT stays inside.
        cur.execute(f"SELECT * FROM ({query}) AS q LIMIT 0", args)
        columns = [(d.name, _OID_ARROW.get(d.type_code)) for d in cur.description or []]
        if not columns or any(typ is None for _, typ in columns):
            cur.execute(query, args)
            return frame_from(cur.description, cur.fetchall())
        out = io.BytesIO()
        with cur.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)", args) as copy:
            for chunk in copy:
                out.write(chunk)
        return frame_of(_read_copied(out.getbuffer(), columns))

    def arrow_batches(self, sql: str, size: int) -> Iterator[pa.Table]:
        """A query's rows in slices of `size` through a server-side cursor: a table larger
        than memory streams (must run inside a transaction, as every connection here does)."""
        with self.conn.cursor(name="indicators_stream") as cur:
            cur.itersize = size
            cur.execute(sql)
            while True:
                rows = cur.fetchmany(size)
                if not rows:
                    break
                yield arrow_from(cur.description, rows)


def arrow_batches(con: Any, sql: str, size: int) -> Iterator[pa.RecordBatch]:
    """A query's rows as Arrow record batches of at most `size` rows, never all at once."""
    if isinstance(con, PgConnection):
        for table in con.arrow_batches(sql, size):
            yield from table.to_batches()
    else:
        yield from con.sql(sql).to_arrow_reader(size)


def read_frame(con: Any, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
    """A query's rows as a frame with the same dtypes on either backend."""
    if isinstance(con, PgConnection):
        return con.frame(sql, params)
    return con.execute(sql, params or []).df()


def append_rows(con: Any, table_name: str, batch: pa.Table) -> None:
    """Append a batch to a table: COPY straight in on PostgreSQL, a registered view on DuckDB."""
    if isinstance(con, PgConnection):
        con.copy_in(table_name, batch)
        return
    cols = ", ".join(batch.column_names)
    con.register("incoming_rows", batch)
    try:
        con.execute(f"INSERT INTO {table_name} ({cols}) SELECT {cols} FROM incoming_rows")
    finally:
        con.unregister("incoming_rows")


_pools: dict[str, Any] = {}
_pools_guard = threading.Lock()
# A server found down is not asked again for a few seconds, and nobody waits long for it:
# a page makes several store calls, each waited out its own connect (about 20 s blank).
DOWN_FOR_S = 5.0
CONNECT_S = 2
_down: dict[str, tuple[float, str]] = {}  # url -> (when, why)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


class PgEngine:
    dialect = POSTGRESQL

    def __init__(self, url: str, busy_timeout: float) -> None:
        self.url = url
        self.busy_timeout = busy_timeout
        self.label = redact(url)

    def writable(self) -> bool:
        return True  # the server says no itself, with its own reason

    def _pool(self) -> Any:
        import psycopg
        from psycopg_pool import ConnectionPool

        with _pools_guard:
            pool = _pools.get(self.url)
            if pool is not None:
                return pool
            down = _down.get(self.url)
            if down is not None and time.monotonic() - down[0] < DOWN_FOR_S:
                raise StoreError(down[1])
            # One direct attempt first: the pool only logs why it cannot connect, and a
            # wrong URL, a refused password or a server that is down must say so at once.
            try:
                psycopg.connect(self.url, connect_timeout=CONNECT_S).close()
            except psycopg.Error as exc:
                why = f"cannot connect to PostgreSQL at {self.label}: {_one_line(exc)}"
                _down[self.url] = (time.monotonic(), why)
                raise StoreError(why) from exc
            _down.pop(self.url, None)
            pool = ConnectionPool(
                self.url,
                min_size=1,
                max_size=8,
                open=False,
                name="indicators",
                timeout=max(self.busy_timeout, 5.0),
                # A connection broken by a server restart is replaced on the next use.
                check=ConnectionPool.check_connection,
                kwargs={"connect_timeout": CONNECT_S, "application_name": "indicators"},
            )
            pool.open(wait=True, timeout=10)
            _pools[self.url] = pool
            return pool

    def exists(self) -> bool:
        return True  # the server decides; a missing schema shows as version 0

    @contextmanager
    def session(self) -> Iterator[None]:
        yield  # pooled connections cost nothing to take

    @contextmanager
    def connect(self, *, create: bool = False) -> Iterator[PgConnection]:
        with self.transaction(create=create) as con:
            yield con

    @contextmanager
    def transaction(self, *, create: bool = False) -> Iterator[PgConnection]:
        import psycopg
        from psycopg_pool import PoolTimeout

        pool = self._pool()
        down = _down.get(self.url)
        if down is not None and time.monotonic() - down[0] < DOWN_FOR_S:
            raise StoreError(down[1])
        # No connection held at all: waiting is only for the server to come back, which a
        # visitor should not do for long (busy connections are waited for in full).
        idle = pool.get_stats().get("pool_size", 1) == 0
        try:
            with (
                pool.connection(timeout=CONNECT_S + 1 if idle else None) as conn,
                conn.transaction(),
            ):
                yield PgConnection(conn)
        except (
            psycopg.errors.SerializationFailure,
            psycopg.errors.DeadlockDetected,
            psycopg.errors.LockNotAvailable,
        ) as exc:
            raise StoreBusy(
                f"the database {self.label} is busy (another write conflicted); "
                "try again in a moment"
            ) from exc
        except PoolTimeout as exc:
            why = f"cannot reach PostgreSQL at {self.label}; is the server running?"
            _down[self.url] = (time.monotonic(), why)
            raise StoreError(why) from exc
        except psycopg.OperationalError as exc:
            why = f"lost the connection to PostgreSQL at {self.label}: {_one_line(exc)}; try again"
            if exc.sqlstate is None:  # the connection itself, not a statement the server refused
                _down[self.url] = (time.monotonic(), why)
            raise StoreError(why) from exc


def dispose(url: str) -> None:
    """Close this process's pool for a URL (tests drop their databases afterwards)."""
    with _pools_guard:
        pool = _pools.pop(url, None)
    if pool is not None:
        pool.close()
