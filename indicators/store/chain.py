"""The audit log's hash chain: each entry's hash covers its fields and the previous entry's
hash, so an entry edited, removed or inserted in a copy of the store breaks every hash after
it (`audit --verify` names the first). A chain recomputed whole by someone who rewrote the
log verifies too: keep the head hash `audit --verify` prints somewhere else to compare."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

# The hashed fields, in order (the audit_log columns before entry_hash).
FIELDS = ("id", "created_at", "user_name", "action", "subject", "detail", "client")
GENESIS = "0" * 64


def entry_hash(prev: str | None, row: Sequence[Any]) -> str:
    """sha256 over the previous hash and the entry's fields (timestamps to the microsecond,
    as both backends keep them)."""
    fields = [v.isoformat(timespec="microseconds") if isinstance(v, datetime) else v for v in row]
    text = json.dumps([prev or GENESIS, *[None if f is None else str(f) for f in fields]])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_broken(rows: Iterable[Sequence[Any]]) -> tuple[int, str] | None:
    """(id, why) of the first entry whose hash does not follow, or None. `rows`: the FIELDS
    then entry_hash, in id order."""
    prev: str | None = None
    for row in rows:
        *fields, stored = row
        if stored is None:
            return int(fields[0]), "no hash"
        if stored != entry_hash(prev, fields):
            return int(fields[0]), "hash does not match its fields and the entry before"
        prev = stored
    return None


def head(rows: Sequence[Sequence[Any]]) -> str | None:
    return str(rows[-1][-1]) if rows else None


CHAIN_SELECT = f"SELECT {', '.join(FIELDS)}, entry_hash FROM audit_log"


def seal(con: Any, *, only_unsealed: bool = True) -> int:
    """Give entries without a hash theirs, in id order, chained to those before: at the
    migration that added the chain, and after restoring a backup older than it. Returns
    how many were sealed."""
    rows = con.execute(f"{CHAIN_SELECT} ORDER BY id").fetchall()
    prev: str | None = None
    sealed = 0
    for row in rows:
        *fields, stored = row
        if stored is not None and only_unsealed:
            prev = stored
            continue
        prev = entry_hash(prev, fields)
        con.execute("UPDATE audit_log SET entry_hash = ? WHERE id = ?", [prev, fields[0]])
        sealed += 1
    return sealed
