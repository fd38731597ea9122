"""The audit log: append-only, one row per action that changes something."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from indicators.store.catalog_tables import CatalogTables
from indicators.store.engines import read_frame


class AuditLog(CatalogTables):
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
