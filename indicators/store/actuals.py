"""Published figures (actuals): reads, append-only writes, undo, the upload preview, and
task and checklist statuses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from indicators.store.core import Upload, UploadKind, _one, _value
from indicators.store.engines import frame_of, read_frame
from indicators.store.errors import StoreError
from indicators.store.reviews import Reviews
from indicators.store.schema import ACTUAL_COLUMNS, UNPUBLISHED, reset_sequence

# Incoming rows (a relation named `incoming`) against the current values: the preview and
# the write classify with this one query, so they cannot disagree.
_CLASSIFIED = """
    SELECT i.*, c.value AS old_value, c.qualifier AS old_qualifier,
           c.upload_id AS old_upload_id,
           CASE WHEN c.value IS NULL THEN 'new'
                WHEN c.value = i.value
                     AND coalesce(c.qualifier, '') = coalesce(i.qualifier, '')
                     AND c.value_high IS NOT DISTINCT FROM i.value_high
                THEN 'unchanged' ELSE 'changed' END AS change
    FROM incoming i LEFT JOIN current_actuals c
      ON c.indicator_id = i.indicator_id AND c.region_code = i.region_code
     AND c.period = i.period"""

# What the preview adds to each row shown, in the order diff_preview's query reads them.
_PREVIEW_ADDS = (
    ("old_value", pa.float64()),
    ("old_qualifier", pa.string()),
    ("old_upload_id", pa.int64()),
    ("change", pa.string()),
)


class Actuals(Reviews):
    # --- actuals: reads -----------------------------------------------------------------

    def current_actuals(
        self,
        indicator_ids: list[str] | None = None,
        region_codes: list[str] | None = None,
        *,
        as_if_published: list[int] | None = None,
        known_on: date | None = None,
    ) -> pd.DataFrame:
        """Published figures; `as_if_published` adds pending uploads (the reviewers' and
        planners' preview). `known_on`: as known that day, each figure at its latest vintage
        published by then (a figure with no publication date recorded counts as known);
        without it the latest vintage of each."""
        # Filters go inside, before the window: with 10 M county rows this is the difference
        # between ~3 s and ~0.1 s (DuckDB does not push them through the view's window).
        hidden = UNPUBLISHED
        params: list[Any] = []
        if as_if_published:
            hidden = f"SELECT upload_id FROM ({UNPUBLISHED}) h WHERE NOT (upload_id = ANY(?))"
            params = [[int(i) for i in as_if_published]] * 2
        where = [
            f"a.upload_id NOT IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL "
            f"AND id NOT IN ({hidden}))",
            f"a.upload_id NOT IN ({hidden})",
        ]
        if indicator_ids is not None:
            where.append("a.indicator_id = ANY(?)")
            params.append(list(indicator_ids))
        if region_codes is not None:
            where.append("a.region_code = ANY(?)")
            params.append(list(region_codes))
        if known_on is not None:
            where.append("(a.published IS NULL OR a.published <= ?)")
            params.append(known_on.isoformat())
        with self.connect() as con:
            return read_frame(
                con,
                f"""WITH live AS (SELECT * FROM actuals a WHERE {" AND ".join(where)}),
                    ranked AS (SELECT *, row_number() OVER (
                        PARTITION BY indicator_id, region_code, period
                        -- no date recorded: ranked by when it was stored, as before
                        ORDER BY coalesce(published, '9999') DESC, id DESC)
                        AS _rank FROM live),
                    cur AS (SELECT * FROM ranked WHERE _rank = 1)
                    SELECT c.id, c.indicator_id, c.region_code, c.period, c.t, c.value,
                           c.value_high, c.qualifier, c.unit, c.published, c.source, c.note,
                           c.upload_id,
                           u.kind AS upload_kind, u.file_name, u.user_name, u.created_at
                    FROM cur c JOIN uploads u ON u.id = c.upload_id
                    ORDER BY c.indicator_id, c.region_code, c.t""",
                params,
            )

    def published_versions(
        self, indicator_ids: Sequence[str], region_codes: Sequence[str]
    ) -> pd.DataFrame:
        """Every published version (vintage) of these series, oldest first, and whether an
        undo took it back: each figure's history for the open data (no account names)."""
        with self.connect() as con:
            return read_frame(
                con,
                f"""SELECT a.indicator_id, a.region_code, a.period, a.t, a.value, a.value_high,
                          a.qualifier, a.unit, a.source, a.note, a.published, a.upload_id,
                          u.created_at,
                          a.upload_id IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL
                                          AND id NOT IN ({UNPUBLISHED})) AS undone
                   FROM actuals a JOIN uploads u ON u.id = a.upload_id
                   WHERE a.upload_id NOT IN ({UNPUBLISHED})
                     AND a.indicator_id = ANY(?) AND a.region_code = ANY(?)
                   ORDER BY a.indicator_id, a.region_code, a.t, a.id""",
                [list(indicator_ids), list(region_codes)],
            )

    def actual_history(self, indicator_id: str, region_code: str, period: str) -> pd.DataFrame:
        """Every version of one figure, newest first, with whether it is live."""
        with self.connect() as con:
            return read_frame(
                con,
                f"""SELECT a.id, a.value, a.value_high, a.qualifier, a.unit, a.source, a.note,
                          a.published, a.upload_id, u.kind, u.file_name, u.user_name, u.created_at,
                          a.upload_id IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL
                                          AND id NOT IN ({UNPUBLISHED})) AS undone,
                          coalesce(r.state, 'published') AS review_state
                   FROM actuals a JOIN uploads u ON u.id = a.upload_id
                   LEFT JOIN reviews r ON r.upload_id = a.upload_id
                   WHERE a.indicator_id = ? AND a.region_code = ? AND a.period = ?
                   ORDER BY a.id DESC""",
                [indicator_id, region_code, period],
            )

    def summary(self) -> dict[str, Any]:
        """What the 'data as of' line needs: newest period and time of the last upload."""
        with self.connect() as con:
            newest = _one(
                con.execute("SELECT period FROM live_actuals ORDER BY t DESC, id DESC LIMIT 1")
            )
            period = newest[0] if newest else None
            last = con.execute(
                "SELECT max(created_at) FROM uploads WHERE kind <> 'seed' "
                f"AND id NOT IN ({UNPUBLISHED})"
            ).fetchall()[0][0]
            seeded = con.execute(
                f"SELECT max(created_at) FROM uploads WHERE id NOT IN ({UNPUBLISHED})"
            ).fetchall()[0][0]
        return {"newest_period": period, "last_upload_at": last or seeded}

    # --- actuals: writes ----------------------------------------------------------------

    def find_upload_by_sha(self, sha256: str) -> Upload | None:
        with self.connect() as con:
            ids = con.execute(
                "SELECT id FROM uploads WHERE sha256 = ? AND kind IN ('file', 'seed') "
                "AND id NOT IN (SELECT undoes FROM uploads WHERE undoes IS NOT NULL "
                "AND id NOT IN (SELECT upload_id FROM reviews WHERE state = 'rejected')) "
                "AND id NOT IN (SELECT upload_id FROM reviews WHERE state = 'rejected') "
                "ORDER BY id DESC LIMIT 1",
                [sha256],
            ).fetchall()
        return self.upload(ids[0][0]) if ids else None

    def write_actuals(
        self,
        rows: pd.DataFrame | pa.Table,
        *,
        kind: UploadKind,
        user: str,
        file_name: str | None = None,
        sha256: str | None = None,
        note: str | None = None,
        skip_unchanged: bool = True,
        review: bool,
    ) -> Upload:
        """Store a validated batch as one upload, all or nothing.

        Rows identical to the current value are counted but not written again, so a
        re-upload does not bury the history under copies. With `review` the upload waits
        for a reviewer (the caller decides: ``indicators.domain.review_policy.review_mode``).
        """
        if isinstance(rows, pd.DataFrame):
            # a caller's single figures have no high end (NaN is stored as null)
            high = rows.get("value_high", np.nan)
            rows = rows.assign(value_high=pd.to_numeric(high, errors="coerce"))
            if "published" not in rows:
                rows = rows.assign(published=None)
        table = (
            rows
            if isinstance(rows, pa.Table)
            else pa.Table.from_pandas(rows.loc[:, list(ACTUAL_COLUMNS)], preserve_index=False)
        )
        if "value_high" not in table.column_names:
            table = table.append_column("value_high", pa.nulls(table.num_rows, pa.float64()))
        if "published" not in table.column_names:
            # a caller's figures without a publication date: none recorded
            table = table.append_column("published", pa.nulls(table.num_rows, pa.string()))
        # Each row's position: its id is the first reserved id plus this (see _reserve_ids).
        table = table.append_column("_pos", pa.array(np.arange(table.num_rows, dtype=np.int64)))
        with self.transaction() as con:
            upload_id = con.execute("SELECT nextval('upload_id')").fetchall()[0][0]
            con.register("incoming", table)
            self._lock_writes(con)
            first_id = self._reserve_ids(con, "actual_id", table.num_rows)
            # A view, not a table: the join runs twice (count, insert) but a million rows
            # are never materialised, which is the faster of the two.
            con.execute("CREATE TEMP VIEW classified AS " + _CLASSIFIED)
            counts = dict(
                con.execute("SELECT change, count(*) FROM classified GROUP BY change").fetchall()
            )
            keep = "WHERE change <> 'unchanged'" if skip_unchanged else ""
            con.execute(
                f"""INSERT INTO actuals (id, {", ".join(ACTUAL_COLUMNS)}, upload_id)
                    SELECT CAST(? AS BIGINT) + _pos, {", ".join(ACTUAL_COLUMNS)}, ?
                    FROM classified {keep}""",
                [first_id, upload_id],
            )
            con.execute(
                """INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)""",
                [
                    upload_id,
                    kind,
                    file_name,
                    sha256,
                    user,
                    datetime.now(),
                    table.num_rows,
                    counts.get("new", 0),
                    counts.get("changed", 0),
                    counts.get("unchanged", 0),
                    note,
                ],
            )
            con.execute("DROP VIEW classified")
            con.unregister("incoming")
            self._submitted(
                con,
                upload_id,
                kind,
                user,
                f"{file_name or kind}: {counts.get('new', 0)} new, "
                f"{counts.get('changed', 0)} changed",
                review=review,
            )
            self._bump(con)
        return self.upload(upload_id)

    def _reserve_ids(self, con: Any, sequence: str, n: int) -> int:
        """The first of `n` consecutive ids, the sequence moved past them, taken under the
        write lock. A batch's ids are this plus each row's position, handed in with the rows:
        `nextval` per row was about a third of a million-row commit on DuckDB. An unchanged
        row skipped leaves its id unused, as a rolled-back nextval would."""
        first = int(_value(con.execute(f"SELECT nextval('{sequence}')")))
        for statement in reset_sequence(sequence, first + n, self.dialect):
            con.execute(statement).fetchall()
        return first

    def undo_upload(
        self, upload_id: int, *, user: str, review: bool, note: str | None = None
    ) -> Upload:
        """Hide an upload's rows; the values they replaced become current again."""
        with self.transaction() as con:
            self._lock_writes(con)
            # A rejected undo undid nothing; a pending one stops a second undo being filed.
            row = _one(
                con.execute(
                    "SELECT kind, (SELECT count(*) FROM uploads WHERE undoes = ? AND id NOT IN "
                    "(SELECT upload_id FROM reviews WHERE state = 'rejected')) "
                    "FROM uploads WHERE id = ?",
                    [upload_id, upload_id],
                )
            )
            if row is None:
                raise StoreError(f"no upload with id {upload_id}")
            kind, undone = row
            if kind == "undo":
                raise StoreError(f"upload {upload_id} is itself an undo")
            if undone:
                raise StoreError(f"upload {upload_id} has already been undone")
            n = con.execute(
                "SELECT count(*) FROM actuals WHERE upload_id = ?", [upload_id]
            ).fetchall()[0][0]
            undo_id = con.execute("SELECT nextval('upload_id')").fetchall()[0][0]
            con.execute(
                """INSERT INTO uploads VALUES (?, 'undo', NULL, NULL, ?, ?, ?, 0, 0, 0, ?, ?)""",
                [undo_id, user, datetime.now(), n, upload_id, note],
            )
            self._submitted(
                con, undo_id, "undo", user, f"undo of upload {upload_id}", review=review
            )
            self._bump(con)
        return self.upload(undo_id)

    # --- task and checklist status ------------------------------------------------------

    def set_status(
        self,
        subject_type: str,
        subject_id: str,
        status: str,
        *,
        user: str,
        note: str | None = None,
        evidence: str | None = None,
    ) -> int:
        with self.transaction() as con:
            new_id = con.execute("SELECT nextval('status_id')").fetchall()[0][0]
            con.execute(
                "INSERT INTO status_updates VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [new_id, subject_type, subject_id, status, note, evidence, user, datetime.now()],
            )
            self._audit(con, user, "status", f"{subject_type} {subject_id}", status)
            self._bump(con)
        return int(new_id)

    def current_statuses(self, subject_type: str) -> pd.DataFrame:
        with self.connect() as con:
            return read_frame(
                con,
                """SELECT subject_id, status, note, evidence, user_name, created_at FROM (
                       SELECT *, row_number() OVER (PARTITION BY subject_id ORDER BY id DESC)
                           AS _rank
                       FROM status_updates WHERE subject_type = ?) s
                   WHERE _rank = 1""",
                [subject_type],
            )

    # --- planners' data entry (ingest) --------------------------------------------------

    def diff_preview(
        self, rows: pa.Table, *, limit: int = 1000
    ) -> tuple[dict[str, int], pd.DataFrame]:
        """The upload preview without a million-row frame: counts per change, and the first
        `limit` rows of each change (new / changed / unchanged) in file order.

        `rows` has ACTUAL_COLUMNS plus `excel_row`; the frame adds old_value, old_qualifier,
        old_upload_id and change (new | changed | unchanged).
        """
        # Only what the comparison reads goes to the database (on PostgreSQL each column is
        # copied to the server); the rows shown are then taken from `rows` by position.
        if "value_high" not in rows.column_names:
            rows = rows.append_column("value_high", pa.nulls(rows.num_rows, pa.float64()))
        incoming = rows.select(
            [
                "indicator_id",
                "region_code",
                "period",
                "value",
                "value_high",
                "qualifier",
                "excel_row",
            ]
        ).append_column("_pos", pa.array(np.arange(rows.num_rows)))
        shown: list[tuple[Any, ...]] = []
        with self.connect() as con:
            con.register("incoming", incoming)
            con.execute("DROP TABLE IF EXISTS previewed")  # left by a call that failed midway
            con.execute(
                "CREATE TEMP TABLE previewed AS SELECT _pos, excel_row, old_value, "
                f"old_qualifier, old_upload_id, change FROM ({_CLASSIFIED}) classified"
            )
            counts = dict(
                con.execute("SELECT change, count(*) FROM previewed GROUP BY change").fetchall()
            )
            for change in counts:
                shown += con.execute(
                    """SELECT _pos, excel_row, old_value, old_qualifier, old_upload_id, change
                       FROM previewed WHERE change = ? ORDER BY excel_row, _pos LIMIT ?""",
                    [change, limit],
                ).fetchall()
            # A pooled connection outlives this call.
            con.execute("DROP TABLE previewed")
            con.unregister("incoming")
        shown.sort(key=lambda r: (r[1], r[0]))
        sample = rows.take(pa.array([r[0] for r in shown], pa.int64()))
        for i, (name, typ) in enumerate(_PREVIEW_ADDS, start=2):
            sample = sample.append_column(name, pa.array([r[i] for r in shown], typ))
        return {c: int(counts.get(c, 0)) for c in ("new", "changed", "unchanged")}, frame_of(sample)
