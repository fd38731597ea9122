"""The whole store at once: streamed reads and replacement for backup, restore and
copy-store, and dumps for tests and support."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from indicators.store.actuals import Actuals
from indicators.store.core import TableReader, _one, _value, _with_columns
from indicators.store.engines import append_rows
from indicators.store.errors import ContentMismatch, StoreError
from indicators.store.schema import (
    SEQUENCES,
    SNAPSHOT_READ,
    TABLES,
    TABLES_BY_NAME,
    arrow_schema,
    reset_sequence,
)


class WholeStore(Actuals):
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
