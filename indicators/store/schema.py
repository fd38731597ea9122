"""The store's schema, defined once for every backend.

Tables are described in Python (name, columns, logical types); each backend renders them with
its own type names. The few statements that cannot be written once are keyed by dialect here,
so the differences between DuckDB and PostgreSQL are named in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pyarrow as pa

from indicators.base.catalog import (
    Department,
    Document,
    Domain,
    Region,
    Target,
    Task,
    TaskDepartment,
)

DUCKDB = "duckdb"
POSTGRESQL = "postgresql"
DIALECTS = (DUCKDB, POSTGRESQL)

SCHEMA_VERSION = 9


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # logical: str, int, bigint, float, bool, date, timestamp
    constraint: str = ""  # e.g. "NOT NULL", "PRIMARY KEY", "NOT NULL DEFAULT 0"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


_TYPES = {
    DUCKDB: {
        "str": "VARCHAR",
        "int": "INTEGER",
        "bigint": "BIGINT",
        "float": "DOUBLE",
        "bool": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
    },
    POSTGRESQL: {
        "str": "VARCHAR",
        "int": "INTEGER",
        "bigint": "BIGINT",
        "float": "DOUBLE PRECISION",
        "bool": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
    },
}

ARROW_TYPES = {
    "str": pa.string(),
    "int": pa.int32(),
    "bigint": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
}

CATALOG_CLASSES: dict[str, type] = {
    "documents": Document,
    "domains": Domain,
    "targets": Target,
    "regions": Region,
    "departments": Department,
    "tasks": Task,
    "task_departments": TaskDepartment,
}


def _from_dataclass(name: str, cls: type, skip: tuple[str, ...] = ()) -> Table:
    cols = []
    for f in fields(cls):
        if f.name in skip:
            continue
        base = str(f.type).split("|")[0].strip()
        cols.append(Column(f.name, base if base in ARROW_TYPES else "str"))
    return Table(name, tuple(cols))


def _cols(spec: str) -> tuple[Column, ...]:
    """'id bigint PRIMARY KEY, kind str NOT NULL' -> columns (compact and readable)."""
    out = []
    for part in spec.split(","):
        name, typ, *rest = part.split()
        out.append(Column(name, typ, " ".join(rest)))
    return tuple(out)


UPLOADS = Table(
    "uploads",
    _cols(
        "id bigint PRIMARY KEY, kind str NOT NULL, file_name str, sha256 str,"
        "user_name str NOT NULL, created_at timestamp NOT NULL,"
        "rows_total int NOT NULL DEFAULT 0, rows_new int NOT NULL DEFAULT 0,"
        "rows_changed int NOT NULL DEFAULT 0, rows_unchanged int NOT NULL DEFAULT 0,"
        "undoes bigint, note str"
    ),
)
# One figure as an upload carries it: the actuals table, the column list every writer selects
# and the Arrow schema of validated rows are all derived from this one definition.
_V1_ACTUAL_FIELDS = _cols(
    "indicator_id str NOT NULL, region_code str NOT NULL,"
    "period str NOT NULL, t float NOT NULL, value float NOT NULL,"
    "qualifier str, unit str NOT NULL, source str, note str"
)
# v6: a published range "5.4-5.5" is value 5.4 with value_high 5.5 (null: a single figure).
# Added after upload_id, where ALTER TABLE puts it; writers name their columns.
# v7: the date a figure was published (ISO, its vintage); a correction is a later vintage
# beside the earlier one, and "as of D" reads the figures published by D.
_ADDED_TO_ACTUALS = _cols("value_high float, published str")
ACTUAL_FIELDS = (*_V1_ACTUAL_FIELDS, *_ADDED_TO_ACTUALS)
ACTUAL_COLUMNS = tuple(c.name for c in ACTUAL_FIELDS)
_ACTUALS_V1 = Table(
    "actuals",
    (
        Column("id", "bigint", "NOT NULL"),
        *_V1_ACTUAL_FIELDS,
        Column("upload_id", "bigint", "NOT NULL"),
    ),
)
ACTUALS = Table("actuals", (*_ACTUALS_V1.columns, *_ADDED_TO_ACTUALS))
STATUS_UPDATES = Table(
    "status_updates",
    _cols(
        "id bigint PRIMARY KEY, subject_type str NOT NULL, subject_id str NOT NULL,"
        "status str NOT NULL, note str, evidence str,"
        "user_name str NOT NULL, created_at timestamp NOT NULL"
    ),
)
META = Table("meta", _cols("key str PRIMARY KEY, value str"))
# v2: accounts live in the store, so every replica shares them; regions is a comma-separated
# list of GB/T 2260 codes ("000000" = national: every region).
ACCOUNTS = Table(
    "accounts",
    _cols(
        "name str PRIMARY KEY, hash str NOT NULL, role str NOT NULL, regions str NOT NULL,"
        "disabled bool NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL"
    ),
)
# An upload with no row here is published (everything before v2, and all with review off).
REVIEWS = Table(
    "reviews",
    _cols(
        "upload_id bigint PRIMARY KEY, state str NOT NULL, reviewer str, decided_at timestamp,"
        "reason str"
    ),
)
# Append-only: the store has no statement that updates or deletes it (sealing, below, only
# gives an entry without a hash its hash).
_AUDIT_LOG_V2 = Table(
    "audit_log",
    _cols(
        "id bigint PRIMARY KEY, created_at timestamp NOT NULL, user_name str, action str NOT NULL,"
        "subject str, detail str, client str"
    ),
)

# v3: failed logins, shared by every replica so guessing is slowed wherever it lands.
# `failed_at` is seconds since the epoch (the login's clock); rows older than an hour are
# pruned. Transient:
# not in backups or copies (TABLES), which carry what the deployment cannot lose.
LOGIN_FAILURES = Table(
    "login_failures", _cols("account str NOT NULL, client str NOT NULL, failed_at float NOT NULL")
)
# v9: each entry's hash, chained to the entry before it (store/chain.py).
AUDIT_LOG = Table("audit_log", (*_AUDIT_LOG_V2.columns, Column("entry_hash", "str")))

# v5: sign-ins that outlive a page (a browser's cookie), shared by every replica so any of them
# honours it and a logout on one ends it on all. `id` is the SHA-256 of the cookie's token (a
# stolen table holds no usable cookie); a row is `pending` between the password check and the
# browser collecting its cookie, `binding` (a hash of the browser's own cookie) ties that
# hand-over to the browser that signed in; `stamp` fingerprints the account's password and
# role then, so a change of either ends it. Times are epoch seconds. Transient like
# login_failures: a restored backup signs everyone out.
SIGN_INS = Table(
    "sign_ins",
    _cols(
        "id str PRIMARY KEY, account str NOT NULL, binding str NOT NULL, pending bool NOT NULL,"
        "stamp str NOT NULL, created_at float NOT NULL, last_seen float NOT NULL"
    ),
)
# The key that signs those cookies, made by the first replica that needs it (every replica
# reads the same one, unless INDICATORS_COOKIE_SECRET sets it).
SIGN_IN_KEYS = Table("sign_in_keys", _cols("name str PRIMARY KEY, value str NOT NULL"))
# Also v5: who an identity provider's account is here (single sign-on). `kind` is "subject"
# (the provider's stable id) or "email" (its verified address, lower-cased); set by an admin
# (add-planner --oidc-subject/--email). Backed up with the accounts it names.
ACCOUNT_IDENTITIES = Table(
    "account_identities",
    _cols("kind str NOT NULL, value str NOT NULL, account str NOT NULL"),
)

# Catalog columns a later migration adds (version 1 created the tables without them).
_ADDED_LATER = {"targets": ("quote_en",)}  # v4: the English rendering of each quote

_V1_TABLES: tuple[Table, ...] = (
    *(_from_dataclass(n, c, _ADDED_LATER.get(n, ())) for n, c in CATALOG_CLASSES.items()),
    UPLOADS,
    _ACTUALS_V1,
    STATUS_UPDATES,
    META,
)
# Every table, in the order a restore fills them. Backups and copies go through this list.
TABLES: tuple[Table, ...] = (
    *(_from_dataclass(n, c) for n, c in CATALOG_CLASSES.items()),
    UPLOADS,
    ACTUALS,
    STATUS_UPDATES,
    META,
    ACCOUNTS,
    REVIEWS,
    AUDIT_LOG,
    ACCOUNT_IDENTITIES,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}
# The schema version that added a table (absent: version 1): a backup made before it has no
# file for it, and restores it empty, as the migration that added it would have.
TABLE_SINCE = {"accounts": 2, "reviews": 2, "audit_log": 2, "account_identities": 5}

# Sequence name -> (table, column) whose max it must stay above.
SEQUENCES = {
    "upload_id": ("uploads", "id"),
    "actual_id": ("actuals", "id"),
    "status_id": ("status_updates", "id"),
    "audit_id": ("audit_log", "id"),
}


def create_table(table: Table, dialect: str) -> str:
    cols = ", ".join(
        f"{c.name} {_TYPES[dialect][c.type]}{' ' + c.constraint if c.constraint else ''}"
        for c in table.columns
    )
    return f"CREATE TABLE {table.name} ({cols})"


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([(c.name, ARROW_TYPES[c.type]) for c in table.columns])


ACTUAL_SCHEMA = arrow_schema(Table("incoming", ACTUAL_FIELDS))


# A statement is either the same for every dialect or a {dialect: sql} mapping.
Statement = str | dict[str, str]

_LIVE_ACTUALS = """CREATE VIEW live_actuals AS
    SELECT a.* FROM actuals a
    WHERE a.upload_id NOT IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL)"""

# Uploads waiting for review or rejected: their rows are not shown, and an undo among them
# hides nothing yet.
UNPUBLISHED = "SELECT upload_id FROM reviews WHERE state <> 'published'"
_LIVE_PUBLISHED = f"""CREATE VIEW live_actuals AS
    SELECT a.* FROM actuals a
    WHERE a.upload_id NOT IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL
                              AND id NOT IN ({UNPUBLISHED}))
      AND a.upload_id NOT IN ({UNPUBLISHED})"""
_CURRENT_ACTUALS = {
    DUCKDB: """CREATE VIEW current_actuals AS
        SELECT * FROM live_actuals
        QUALIFY row_number() OVER (
            PARTITION BY indicator_id, region_code, period ORDER BY id DESC) = 1""",
    POSTGRESQL: """CREATE VIEW current_actuals AS
        SELECT DISTINCT ON (indicator_id, region_code, period) * FROM live_actuals
        ORDER BY indicator_id, region_code, period, id DESC""",
}

# v8: control characters (other than tab and line breaks) dropped from stored text. Stored
# before ingest refused them, one broke every renderer, and PostgreSQL refuses NUL, so a
# DuckDB store holding one could not be copied there.
_CONTROL_RE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_CONTROL_RE_PG = r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"  # no NUL can be in its text
_FREE_TEXT = {
    "uploads": ("file_name", "note"),
    "actuals": ("qualifier", "source", "note"),
    "status_updates": ("note", "evidence"),
    "reviews": ("reason",),
    "audit_log": ("user_name", "subject", "detail", "client"),
}
_CLEAN_TEXT: list[Statement] = [
    {
        DUCKDB: f"UPDATE {t} SET {c} = regexp_replace({c}, '{_CONTROL_RE}', '', 'g') "
        f"WHERE regexp_matches({c}, '{_CONTROL_RE}')",
        POSTGRESQL: f"UPDATE {t} SET {c} = regexp_replace({c}, '{_CONTROL_RE_PG}', '', 'g') "
        f"WHERE {c} ~ '{_CONTROL_RE_PG}'",
    }
    for t, cols in _FREE_TEXT.items()
    for c in cols
]

# Each migration moves the schema from version N-1 to N; never edit one that has shipped.
MIGRATIONS: dict[int, list[Statement]] = {
    1: [
        *({d: create_table(t, d) for d in DIALECTS} for t in _V1_TABLES),
        "CREATE SEQUENCE upload_id START 1",
        "CREATE SEQUENCE actual_id START 1",
        "CREATE SEQUENCE status_id START 1",
        # A live row: its upload is not undone; the newest live row per key is current.
        _LIVE_ACTUALS,
        {
            DUCKDB: """CREATE VIEW current_actuals AS
                SELECT * FROM live_actuals
                QUALIFY row_number() OVER (
                    PARTITION BY indicator_id, region_code, period ORDER BY id DESC) = 1""",
            POSTGRESQL: """CREATE VIEW current_actuals AS
                SELECT DISTINCT ON (indicator_id, region_code, period) * FROM live_actuals
                ORDER BY indicator_id, region_code, period, id DESC""",
        },
    ],
    2: [
        *({d: create_table(t, d) for d in DIALECTS} for t in (ACCOUNTS, REVIEWS, _AUDIT_LOG_V2)),
        "CREATE SEQUENCE audit_id START 1",
        "DROP VIEW current_actuals",
        "DROP VIEW live_actuals",
        _LIVE_PUBLISHED,
        _CURRENT_ACTUALS,
    ],
    3: [
        {d: create_table(LOGIN_FAILURES, d) for d in DIALECTS},
        "CREATE INDEX login_failures_client ON login_failures (client, failed_at)",
    ],
    # Filled when the catalog is (re)loaded, as init-db does after every upgrade.
    4: ["ALTER TABLE targets ADD COLUMN quote_en VARCHAR"],
    5: [
        *(
            {d: create_table(t, d) for d in DIALECTS}
            for t in (SIGN_INS, SIGN_IN_KEYS, ACCOUNT_IDENTITIES)
        ),
        "CREATE INDEX sign_ins_account ON sign_ins (account)",
        "CREATE UNIQUE INDEX account_identities_key ON account_identities (kind, value)",
    ],
    # Published ranges; the views are made anew so PostgreSQL's (which fixed `a.*` when
    # made) carry the new column.
    6: [
        {
            DUCKDB: "ALTER TABLE actuals ADD COLUMN value_high DOUBLE",
            POSTGRESQL: "ALTER TABLE actuals ADD COLUMN value_high DOUBLE PRECISION",
        },
        "DROP VIEW current_actuals",
        "DROP VIEW live_actuals",
        _LIVE_PUBLISHED,
        _CURRENT_ACTUALS,
    ],
    # Figures stored before vintages: a planner's published on the day its upload was made;
    # a shipped one's date is not known here (left empty: known at any date).
    7: [
        "ALTER TABLE actuals ADD COLUMN published VARCHAR",
        "UPDATE actuals SET published = (SELECT CAST(CAST(u.created_at AS DATE) AS VARCHAR)"
        " FROM uploads u WHERE u.id = actuals.upload_id AND u.kind <> 'seed')",
        "DROP VIEW current_actuals",
        "DROP VIEW live_actuals",
        _LIVE_PUBLISHED,
        _CURRENT_ACTUALS,
    ],
    8: _CLEAN_TEXT,
    # The entries already there are chained by the migration (catalog_tables.migrate).
    9: ["ALTER TABLE audit_log ADD COLUMN entry_hash VARCHAR"],
}
CHAIN_SINCE = 9


def render(statement: Statement, dialect: str) -> str:
    return statement if isinstance(statement, str) else statement[dialect]


def reset_sequence(name: str, next_value: int, dialect: str) -> list[str]:
    """Make `nextval(name)` return `next_value` (after a restore or a copy)."""
    if dialect == POSTGRESQL:
        return [f"SELECT setval('{name}', {int(next_value)}, false)"]
    # DuckDB has no setval; nothing depends on the sequences, so they are made anew.
    return [f"DROP SEQUENCE {name}", f"CREATE SEQUENCE {name} START {int(next_value)}"]


# Writers queue on the data-version row (PostgreSQL): each one then classifies its rows
# against what the previous writer committed. DuckDB serialises writers itself.
LOCK_WRITES = {
    DUCKDB: None,
    POSTGRESQL: "SELECT value FROM meta WHERE key = 'data_version' FOR UPDATE",
}
# A backup or a copy reads every table from one snapshot, while planners go on writing.
# (DuckDB: one transaction is one snapshot already.)
SNAPSHOT_READ = {
    DUCKDB: None,
    POSTGRESQL: "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY",
}
# Rows in one order on every backend, for the content hash: text by bytes (PostgreSQL would
# otherwise sort by its locale's collation), nulls last.
TEXT_ORDER = {DUCKDB: "", POSTGRESQL: ' COLLATE "C"'}


def sorted_select(table: Table, dialect: str, where: str = "") -> str:
    order = ", ".join(
        f"{c.name}{TEXT_ORDER[dialect] if c.type == 'str' else ''} NULLS LAST"
        for c in table.columns
    )
    return (
        f"SELECT {', '.join(table.names)} FROM {table.name}"
        f"{' WHERE ' + where if where else ''} ORDER BY {order}"
    )


# Two `init-db` at once (two replicas starting) must not both create the tables.
LOCK_SCHEMA = {DUCKDB: None, POSTGRESQL: "SELECT pg_advisory_xact_lock(74210011)"}
