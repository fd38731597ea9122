"""Parse -> validate -> preview (diff) -> commit: one path for uploads, the CLI and form edits.

Nothing is written unless every row passes; the store then writes the whole batch in one
transaction. Names, periods and units are resolved once per distinct text and mapped back
with Arrow, so a million-row file costs a few vectorised passes, not a Python loop per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..catalog import Catalog, load_plausibility
from ..store import ACTUAL_COLUMNS, Store, Upload, sha256_of
from . import rules
from .layout import LONG_FIELDS, Layout, LongTable, reshape
from .read import RawTable, ReadInfo, max_upload_bytes, read_table
from .report import MAX_REPORTED, Problem, Rejected, column_label
from .resolve import resolve


@dataclass(frozen=True)
class Options:
    layout: Layout = "auto"
    sheet: str | None = None
    encoding: str | None = None  # None: detect
    indicator: str | None = None  # for a sheet without an indicator column
    region: str | None = None  # for a sheet without a region column
    shares_as_fractions: bool = False  # the planner confirms 0.98 means 98 %
    max_bytes: int = field(default_factory=max_upload_bytes)
    today: date | None = None


@dataclass
class Checked:
    """A file after parsing and validation: rows ready to store, or the problems."""

    file_name: str | None
    sha256: str | None
    rows: pd.DataFrame  # ACTUAL_COLUMNS + excel_row
    problems: list[Problem] = field(default_factory=list)
    n_problems: int = 0  # all of them; `problems` holds at most MAX_REPORTED
    info: ReadInfo | None = None
    layout: str | None = None
    side: str | None = None

    @property
    def ok(self) -> bool:
        return self.n_problems == 0

    @classmethod
    def rejected(cls, file_name: str | None, sha: str | None, problems: list[Problem],
                 info: ReadInfo | None = None) -> Checked:
        empty = pd.DataFrame(columns=[*ACTUAL_COLUMNS, "excel_row"])
        return cls(file_name, sha, empty, problems[:MAX_REPORTED], len(problems), info)


PREVIEW_LIMIT = 1000


@dataclass(frozen=True)
class Preview:
    """What committing would do, shown before anything is stored."""

    counts: dict[str, int]  # new, changed, unchanged
    rows: pd.DataFrame  # up to PREVIEW_LIMIT rows of each change, old_value beside value
    duplicate_of: Upload | None  # the same bytes were uploaded before

    @property
    def new(self) -> int:
        return self.counts["new"]

    @property
    def changed(self) -> int:
        return self.counts["changed"]

    @property
    def unchanged(self) -> int:
        return self.counts["unchanged"]


class DuplicateUpload(Exception):
    def __init__(self, upload: Upload) -> None:
        super().__init__(f"this file was already uploaded as upload {upload.id}")
        self.upload = upload


# --- parse and validate ----------------------------------------------------------------------


def check_file(data: bytes, file_name: str, catalog: Catalog,
               options: Options | None = None) -> Checked:
    """Read, reshape and validate one file; nothing is written here."""
    options = options or Options()  # built per call: the size limit comes from the env
    sha = sha256_of(data)
    try:
        raw = read_table(data, file_name, sheet=options.sheet, encoding=options.encoding,
                         max_bytes=options.max_bytes)
    except Rejected as exc:
        return Checked.rejected(file_name, sha, exc.problems,
                                exc.info if isinstance(exc.info, ReadInfo) else None)
    return check_raw(raw, catalog, options, file_name=file_name, sha256=sha)


def check_records(records: list[dict[str, Any]], catalog: Catalog,
                  options: Options | None = None, *,
                  row_numbers: list[int] | None = None) -> Checked:
    """Form edits: rows of {indicator, region, period, value, unit, source, note} as typed.

    `row_numbers` are the rows as the form shows them, for the problem table.
    """
    headers = list(LONG_FIELDS)
    cells = pa.table({f"c{i}": pa.array(["" if r.get(h) is None else str(r.get(h))
                                          for r in records], pa.string())
                      for i, h in enumerate(headers)})
    numbers = np.array(row_numbers if row_numbers is not None
                       else range(2, len(records) + 2), dtype=np.int64)
    raw = RawTable(headers, cells, numbers, ReadInfo("form"))
    return check_raw(raw, catalog, replace(options or Options(), layout="long"))


def check_raw(raw: RawTable, catalog: Catalog, options: Options | None = None, *,
              file_name: str | None = None, sha256: str | None = None) -> Checked:
    options = options or Options()
    long = reshape(raw, catalog, layout=options.layout, indicator=options.indicator,
                   region=options.region)
    problems = list(raw.problems) + long.problems
    if problems:
        # Without the right columns, row checks would only add noise.
        return Checked.rejected(file_name, sha256, problems, raw.info)
    if long.table.num_rows == 0:
        return Checked.rejected(file_name, sha256, [Problem("header_only", excel_row=1)],
                                raw.info)
    formulas = _formula_problems(raw)
    today = options.today or date.today()
    frame = resolve(long.table, catalog, today=today,
                    shares_as_fractions=options.shares_as_fractions)
    rules.add_plausibility(frame, load_plausibility(), catalog.targets, today)
    failures = rules.failures(frame)
    if formulas or failures:
        # A formula cell is reported as a formula, not also as "not a number".
        flagged = {(p.excel_row, p.column) for p in formulas}
        problems = formulas + [
            p for p in (_problem(long, frame, pos, code)
                        for pos, code in failures[:MAX_REPORTED])
            if (p.excel_row, p.column) not in flagged]
        out = Checked.rejected(file_name, sha256, problems, raw.info)
        out.n_problems = len(problems) + max(0, len(failures) - MAX_REPORTED)
        out.layout, out.side = long.layout, long.side
        return out
    rows = frame[[*ACTUAL_COLUMNS, "excel_row"]].reset_index(drop=True)
    return Checked(file_name, sha256, rows, [], 0, raw.info, long.layout, long.side)


def _formula_problems(raw: RawTable) -> list[Problem]:
    """Formulas are refused wherever they are: stored text would run when exported to Excel."""
    header = rules.formula_cells(pa.array(raw.headers, pa.string()))
    out = [Problem("formula", excel_row=1, column=column_label(i, h), value=h)
           for i, h in enumerate(raw.headers) if header[i]]
    for i, h in enumerate(raw.headers):
        col = raw.cells.column(i)
        hits = np.flatnonzero(rules.formula_cells(col))
        out += [Problem("formula", excel_row=int(raw.excel_rows[pos]),
                        column=column_label(i, h), value=col[int(pos)].as_py())
                for pos in hits[:MAX_REPORTED]]
    return out


def _problem(long: LongTable, frame: pd.DataFrame, pos: int, code: str) -> Problem:
    """A broken rule as the planner sees it: the cell it is about, quoted as written."""
    fld = rules.FIELD_OF.get(code, "value")
    text = long.table.column(fld)[pos].as_py()
    if fld == "unit" and not str(text).strip():
        fld, text = "value", long.table.column("value")[pos].as_py()
    row = frame.iloc[pos]
    params: dict[str, object] = {}
    if code == "unit_mismatch":
        params["unit"] = row["unit"]
    elif code == "period_range":
        params.update(low=int(row["period_first"]), high=int(row["period_last"]))
    elif code == "implausible":
        params.update(low=f"{row['plausible_low']:g}", high=f"{row['plausible_high']:g}",
                      unit=row["unit"])
    elif code == "duplicate":
        same = frame[(frame["indicator_id"] == row["indicator_id"])
                     & (frame["region_code"] == row["region_code"])
                     & (frame["period"] == row["period"])]
        params["first"] = int(same["excel_row"].min())
    return Problem(code, excel_row=int(row["excel_row"]),
                   column=long.label(fld, pos) or None, value=str(text), params=params)


# --- preview and commit ----------------------------------------------------------------------


def arrow_rows(rows: pd.DataFrame) -> pa.Table:
    """The rows as the store takes them (Categoricals decoded to plain strings)."""
    table = pa.Table.from_pandas(rows.loc[:, list(ACTUAL_COLUMNS)], preserve_index=False)
    return table.cast(ACTUAL_SCHEMA)


def preview(store: Store, checked: Checked) -> Preview:
    """What committing would do: rows new, changed (old -> new) and unchanged."""
    if not checked.ok:
        raise Rejected(checked.problems)
    table = arrow_rows(checked.rows).append_column(
        "excel_row", pa.array(checked.rows["excel_row"].to_numpy(), pa.int64()))
    counts, rows = store.diff_preview(table, limit=PREVIEW_LIMIT)
    duplicate = store.find_upload_by_sha(checked.sha256) if checked.sha256 else None
    return Preview(counts, rows, duplicate)


def commit(
    store: Store,
    checked: Checked,
    *,
    user: str,
    kind: str = "file",
    note: str | None = None,
    allow_duplicate: bool = False,
) -> Upload:
    """Store the whole batch in one transaction; refuses a file with problems."""
    if not checked.ok:
        raise Rejected(checked.problems)
    if checked.sha256 and not allow_duplicate:
        earlier = store.find_upload_by_sha(checked.sha256)
        if earlier is not None:
            raise DuplicateUpload(earlier)
    return store.write_actuals(arrow_rows(checked.rows), kind=kind, user=user,
                               file_name=checked.file_name, sha256=checked.sha256, note=note)


ACTUAL_SCHEMA = pa.schema([
    ("indicator_id", pa.string()), ("region_code", pa.string()), ("period", pa.string()),
    ("t", pa.float64()), ("value", pa.float64()), ("qualifier", pa.string()),
    ("unit", pa.string()), ("source", pa.string()), ("note", pa.string()),
])
