"""The audit log: append-only, one row per action that changes something, each entry
chained to the one before by hash (store/chain.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from indicators.store.catalog_tables import CatalogTables
from indicators.store.chain import CHAIN_SELECT, entry_hash, first_broken, seal
from indicators.store.engines import read_frame
from indicators.store.schema import LOCK_WRITES

# Who acts, where no browser does: the command line sets "os:<user>" (the operating-system
# user beside --user, which anyone may type); None in the app, whose sessions pass theirs.
_process_client: str | None = None


def set_process_client(client: str | None) -> None:
    global _process_client
    _process_client = client


class AuditLog(CatalogTables):
    # --- audit log (append-only) ----------------------------------------------------------

    def _audit(
        self,
        con: Any,
        user: str | None,
        action: str,
        subject: str | None,
        detail: str | None,
        client: str | None = None,
    ) -> None:
        # One writer at a time appends (PostgreSQL: the writers' row lock), so each entry
        # follows the newest committed one.
        lock = LOCK_WRITES[self.dialect]
        if lock:
            con.execute(lock).fetchall()
        last = con.execute("SELECT entry_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchall()
        new_id = con.execute("SELECT nextval('audit_id')").fetchall()[0][0]
        row = [
            int(new_id),
            datetime.now(),
            user,
            action,
            subject,
            detail,
            client or _process_client,
        ]
        con.execute(
            "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [*row, entry_hash(last[0][0] if last else None, row)],
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

    def audit_chain(self) -> tuple[int, str | None, tuple[int, str] | None]:
        """(entries, the newest entry's hash, (id, why) of the first broken one or None)."""
        with self.connect() as con:
            rows = con.execute(f"{CHAIN_SELECT} ORDER BY id").fetchall()
        return len(rows), (str(rows[-1][-1]) if rows else None), first_broken(rows)

    def seal_audit(self) -> int:
        """Chain entries restored from a backup made before the chain (they have no hash)."""
        with self.transaction() as con:
            return seal(con)
