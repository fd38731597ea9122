"""The content hash of a whole store, computed the same way on every backend and from a
stream of record batches, so a store larger than memory can be hashed.

Rows sorted by value (the store sorts them: byte order for text, nulls last), every table in
schema order, the data-version counter left out (it is a cache key, not content). Each table
adds its name and row count, then, for every 100 000 rows, each column as JSON: the batches
are re-cut to exactly that size, so the hash does not depend on how they arrive.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator

import pyarrow as pa

CHUNK_ROWS = 100_000


class ContentHash:
    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def table(
        self, name: str, num_rows: int, batches: Iterable[pa.RecordBatch]
    ) -> Iterator[pa.RecordBatch]:
        """Hash a table's sorted batches while passing them on (to a file or a store)."""
        self._h.update(f"\x00{name}:{num_rows}\x00".encode())
        held: list[pa.RecordBatch] = []
        n = 0
        seen = 0
        for batch in batches:
            seen += batch.num_rows
            yield batch
            held.append(batch)
            n += batch.num_rows
            while n >= CHUNK_ROWS:
                table = pa.Table.from_batches(held)
                self._chunk(table.slice(0, CHUNK_ROWS))
                rest = table.slice(CHUNK_ROWS)
                held, n = rest.to_batches(), rest.num_rows
        if n:
            self._chunk(pa.Table.from_batches(held))
        if seen != num_rows:  # rows written while we read: the snapshot was not one
            raise ValueError(f"{name}: expected {num_rows} rows, read {seen}")

    def _chunk(self, table: pa.Table) -> None:
        for column in table.combine_chunks().columns:
            if column.null_count == len(column):
                # An empty column hashes as none: a backup made before a migration added it
                # and its restore (where it is empty) hash alike.
                continue
            self._h.update(json.dumps(column.to_pylist(), default=str, ensure_ascii=False).encode())

    def hexdigest(self) -> str:
        return self._h.hexdigest()
