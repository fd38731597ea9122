"""Schema migrations and the catalog tables (documents, domains, targets, regions, tasks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from indicators.base.catalog import Catalog
from indicators.store.errors import StoreError
from indicators.store.schema import (
    CATALOG_CLASSES,
    CHAIN_SINCE,
    LOCK_SCHEMA,
    MIGRATIONS,
    SCHEMA_VERSION,
    TABLES_BY_NAME,
    arrow_schema,
    render,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

from indicators.store.chain import seal
from indicators.store.core import StoreCore, _verified, _verified_guard

_CATALOG_TABLES = CATALOG_CLASSES


class CatalogTables(StoreCore):
    # --- schema and catalog -------------------------------------------------------------

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
            if current < CHAIN_SINCE <= newest:
                seal(con)  # what was logged before the chain: chained now, in id order
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
