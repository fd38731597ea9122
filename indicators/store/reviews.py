"""Uploads and their review: a submitted upload waits for a reviewer; the store records
what it is told (whether review is on is decided in ``indicators.domain.review_policy``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pandas as pd

from indicators.store.accounts import Accounts
from indicators.store.core import Upload, _one
from indicators.store.engines import read_frame
from indicators.store.errors import NotWaiting, StoreError

# "auto": review is on once a deployment has more than one active account (the rule is the
# domain's: indicators.domain.review_policy.review_on).
ReviewSetting = Literal["on", "off", "auto"]


class Reviews(Accounts):
    # --- uploads ------------------------------------------------------------------------

    _UPLOAD_SELECT = """
        SELECT u.*, (SELECT max(x.id) FROM uploads x WHERE x.undoes = u.id AND x.id NOT IN
                     (SELECT upload_id FROM reviews WHERE state = 'rejected')) AS undone_by,
               coalesce(r.state, 'published') AS state, r.reviewer, r.reason
        FROM uploads u LEFT JOIN reviews r ON r.upload_id = u.id"""

    def upload(self, upload_id: int) -> Upload:
        with self.connect() as con:
            cur = con.execute(f"{self._UPLOAD_SELECT} WHERE u.id = ?", [upload_id])
            row = _one(cur)
            if row is None:
                raise StoreError(f"no upload with id {upload_id}")
            names = [d[0] for d in cur.description]
        return Upload(**dict(zip(names, row, strict=True)))

    def uploads(self, *, state: str | None = None) -> list[Upload]:
        """Every upload, newest first; with `state`, only those in that review state."""
        where = "" if state is None else "WHERE r.state = ?"
        with self.connect() as con:
            params = [] if state is None else [state]
            cur = con.execute(f"{self._UPLOAD_SELECT} {where} ORDER BY u.id DESC", params)
            names = [d[0] for d in cur.description]
            return [Upload(**dict(zip(names, r, strict=True))) for r in cur.fetchall()]

    def upload_rows(self, upload_id: int) -> pd.DataFrame:
        with self.connect() as con:
            return read_frame(
                con,
                """SELECT id, indicator_id, region_code, period, value, qualifier, unit,
                          source, note FROM actuals WHERE upload_id = ? ORDER BY id""",
                [upload_id],
            )

    def upload_regions(self, upload_id: int) -> set[str]:
        """The regions an upload's rows are for (who may undo it: indicators.domain.auth)."""
        with self.connect() as con:
            return {
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT region_code FROM actuals WHERE upload_id = ?", [upload_id]
                ).fetchall()
            }

    # --- review: submitted uploads wait for a reviewer ---------------------------------

    def review_setting(self) -> ReviewSetting:
        """The stored setting; whether review is on follows from it and the accounts
        (``indicators.domain.review_policy.review_mode``)."""
        with self.connect() as con:
            row = _one(con.execute("SELECT value FROM meta WHERE key = 'review'"))
        return "on" if row and row[0] == "on" else "off" if row and row[0] == "off" else "auto"

    def set_review_mode(self, mode: ReviewSetting, *, user: str) -> None:
        if mode not in ("on", "off", "auto"):
            raise StoreError(f"review mode is on, off or auto, not {mode!r}")
        with self.transaction() as con:
            con.execute("DELETE FROM meta WHERE key = 'review'")
            if mode != "auto":
                con.execute("INSERT INTO meta VALUES ('review', ?)", [mode])
            self._audit(con, user, "review_mode", None, mode)

    def _submitted(
        self, con: Any, upload_id: int, kind: str, user: str, detail: str, *, review: bool
    ) -> None:
        """A new upload waits for review when the caller says review is on; seeds are the
        shipped data."""
        if kind == "seed":
            return
        if review:
            con.execute(
                "INSERT INTO reviews VALUES (?, 'submitted', NULL, NULL, NULL)", [upload_id]
            )
            self._audit(
                con, user, "submit" if kind != "undo" else "undo", f"upload {upload_id}", detail
            )
        else:
            self._audit(
                con, user, "publish" if kind != "undo" else "undo", f"upload {upload_id}", detail
            )

    def submitted_uploads(self) -> list[Upload]:
        return self.uploads(state="submitted")

    def decide(
        self, upload_id: int, *, approve: bool, reviewer: str, reason: str | None = None
    ) -> Upload:
        """Publish or reject a submitted upload (who may: ``indicators.domain.review_policy``)."""
        with self.transaction() as con:
            self._lock_writes(con)
            row = _one(con.execute("SELECT state FROM reviews WHERE upload_id = ?", [upload_id]))
            if row is None or row[0] != "submitted":
                raise NotWaiting(f"upload {upload_id} is not waiting for review")
            state = "published" if approve else "rejected"
            con.execute(
                "UPDATE reviews SET state = ?, reviewer = ?, decided_at = ?, reason = ? "
                "WHERE upload_id = ?",
                [state, reviewer, datetime.now(), reason, upload_id],
            )
            self._audit(
                con, reviewer, "approve" if approve else "reject", f"upload {upload_id}", reason
            )
            self._bump(con)
        return self.upload(upload_id)
