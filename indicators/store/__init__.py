"""The store: the only package that speaks SQL.

``Store(location)`` opens either a DuckDB file (the default: one machine, zero setup) or a
PostgreSQL database when the location is a ``postgresql://user@host:port/dbname`` URL (many
app replicas, many planners at once). The interface is the same; the SQL in this package is
written once, and the few statements that differ are named in ``schema.py``. Connections come from
``engines.py``: DuckDB opens a short-lived connection per operation (one process holds the
file at a time; a held lock is retried, then reported as ``StoreBusy``), PostgreSQL uses a
connection pool and row locks, so concurrent writers queue instead of being told "busy".

Actuals are append-only. A correction is a new row; an undo is an upload of kind ``undo``
that hides the rows of the upload it undoes. The current value of (indicator, region, period)
is the newest row whose upload has not been undone, so history and undo come free.

The class is a thin face over one module per concern, each building on the one before:
core (connections) < catalog_tables < audit < accounts < reviews < actuals < whole.
"""

from __future__ import annotations

from indicators.store.core import (
    BATCH_ROWS,
    TableReader,
    Upload,
    UploadKind,
    UploadState,
    _verified,
    sha256_of,
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
from indicators.store.schema import ACTUAL_COLUMNS, ACTUAL_SCHEMA, MIGRATIONS, SCHEMA_VERSION
from indicators.store.whole import WholeStore

__all__ = [
    "ACTUAL_COLUMNS",
    "ACTUAL_SCHEMA",
    "BATCH_ROWS",
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
    "UploadKind",
    "UploadState",
    "_verified",
    "sha256_of",
]


class Store(WholeStore):
    """One DuckDB file or PostgreSQL database: every read and write of the dashboard."""
