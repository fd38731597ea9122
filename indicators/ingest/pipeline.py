"""Parse -> validate -> preview (diff) -> commit: one path for uploads, the CLI and form edits.

Nothing is written unless every row passes; the store then writes the whole batch in one
transaction. Names, periods and units are resolved once per distinct text and mapped back
with Arrow, so a million-row file costs a few vectorised passes, not a Python loop per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.base.catalog import Catalog
from indicators.domain.review_policy import submits_for_review
from indicators.ingest import rules
from indicators.ingest.layout import LONG_FIELDS, Layout, LongTable, reshape
from indicators.ingest.match import nearest_indicator, nearest_region
from indicators.ingest.read import (
    RawTable,
    ReadInfo,
    is_xlsx,
    max_upload_bytes,
    read_sheets,
    read_table,
    sheet_names,
)
from indicators.ingest.report import MAX_REPORTED, Problem, Rejected, column_label
from indicators.ingest.resolve import check_rows
from indicators.ingest.shape import Shape, apply_units, locate
from indicators.store import ACTUAL_COLUMNS, ACTUAL_SCHEMA, Store, Upload, UploadKind, sha256_of

ALL_SHEETS = "*"  # Options.sheet: every sheet whose shape is recognised


@dataclass(frozen=True)
class Options:
    layout: Layout = "auto"
    sheet: str | None = None  # None: the first; ALL_SHEETS: each one that can be read
    encoding: str | None = None  # None: detect
    indicator: str | None = None  # for a sheet without an indicator column
    region: str | None = None  # for a sheet without a region column
    shares_as_fractions: bool = False  # the planner confirms 0.98 means 98 %
    max_bytes: int = field(default_factory=max_upload_bytes)
    today: date | None = None
    # A row without a publication date was published on the upload's day; a shipped file's
    # row without one has no date known (stored empty: read at any as-of date).
    published_today: bool = True


@dataclass
class Checked:
    """A file after parsing and validation: rows ready to store, or the problems."""

    file_name: str | None
    sha256: str | None
    # ACTUAL_COLUMNS + excel_row (+ sheet): what preview and commit hand the store as it is,
    # ids, periods and units as dictionary columns; `rows` is the same as a frame.
    table: pa.Table
    problems: list[Problem] = field(default_factory=list)
    n_problems: int = 0  # all of them; `problems` holds at most MAX_REPORTED
    info: ReadInfo | None = None
    layout: str | None = None
    side: str | None = None
    shape: Shape | None = None  # how the sheet was read: header, ignored rows, unit
    sheets: list[SheetRead] = field(default_factory=list)  # a workbook read whole

    @property
    def ok(self) -> bool:
        return self.n_problems == 0

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The checked rows as a frame, made when asked for: a million-row ingest never
        needs one."""
        return _frame(self.table)

    @classmethod
    def rejected(
        cls,
        file_name: str | None,
        sha: str | None,
        problems: list[Problem],
        info: ReadInfo | None = None,
    ) -> Checked:
        empty = ACTUAL_SCHEMA.append(pa.field("excel_row", pa.int64())).empty_table()
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


def check_file(
    data: bytes, file_name: str, catalog: Catalog, options: Options | None = None
) -> Checked:
    """Read, reshape and validate one file; nothing is written here."""
    options = options or Options()  # built per call: the size limit comes from the env
    # The file's digest is worked out beside the parsing (hashlib lets go of the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(sha256_of, data)
        checked = _check_file(data, file_name, catalog, options)
        checked.sha256 = digest.result()
    return checked


def _check_file(data: bytes, file_name: str, catalog: Catalog, options: Options) -> Checked:
    if options.sheet == ALL_SHEETS and is_xlsx(data, file_name):
        return _check_sheets(data, file_name, catalog, options)
    try:
        raw = read_table(
            data,
            file_name,
            sheet=options.sheet,
            encoding=options.encoding,
            max_bytes=options.max_bytes,
        )
    except Rejected as exc:
        return Checked.rejected(
            file_name, None, exc.problems, exc.info if isinstance(exc.info, ReadInfo) else None
        )
    return check_raw(raw, catalog, options, file_name=file_name)


def check_records(
    records: list[dict[str, Any]],
    catalog: Catalog,
    options: Options | None = None,
    *,
    row_numbers: list[int] | None = None,
) -> Checked:
    """Form edits: rows of {indicator, region, period, value, unit, source, note} as typed.

    `row_numbers` are the rows as the form shows them, for the problem table.
    """
    headers = list(LONG_FIELDS)
    cells = pa.table(
        {
            f"c{i}": pa.array(
                ["" if r.get(h) is None else str(r.get(h)) for r in records], pa.string()
            )
            for i, h in enumerate(headers)
        }
    )
    numbers = np.array(
        row_numbers if row_numbers is not None else range(2, len(records) + 2), dtype=np.int64
    )
    raw = RawTable(headers, cells, numbers, ReadInfo("form"))
    return check_raw(raw, catalog, replace(options or Options(), layout="long"))


def check_raw(
    raw: RawTable,
    catalog: Catalog,
    options: Options | None = None,
    *,
    file_name: str | None = None,
    sha256: str | None = None,
) -> Checked:
    options = options or Options()
    raw, shape, long, problems = _read_sheet(raw, catalog, options)
    if problems:
        out = Checked.rejected(file_name, sha256, problems, raw.info)
        out.shape = shape
        return out
    return _validate(raw, long, shape, catalog, options, file_name, sha256)


def _read_sheet(
    raw: RawTable, catalog: Catalog, options: Options
) -> tuple[RawTable, Shape, LongTable, list[Problem]]:
    """Find the table in the sheet and reshape it; the problems that stop reading it."""
    shape = Shape()
    if raw.info.format != "form":
        raw, shape = locate(raw, catalog, indicator=options.indicator)
    long = reshape(
        raw,
        catalog,
        layout=options.layout,
        indicator=options.indicator or shape.indicator,
        region=options.region,
    )
    # Without the right columns, row checks would only add noise; and a layout that cannot
    # be read says so alone, without the column problems it causes.
    problems = list(raw.problems) + (list(shape.problems) or long.problems)
    if not problems and long.table.num_rows == 0:
        problems = [Problem("header_only", excel_row=raw.header_row)]
    return raw, shape, long, problems


def _validate(
    raw: RawTable,
    long: LongTable,
    shape: Shape,
    catalog: Catalog,
    options: Options,
    file_name: str | None,
    sha256: str | None,
) -> Checked:
    long = apply_units(long, shape)
    formulas = formula_problems(raw) + control_problems(raw, long.labels.get("note"))
    today = options.today or date.today()
    result = check_rows(
        long.table,
        catalog,
        catalog.plausibility,
        today=today,
        published_today=options.published_today,
        shares_as_fractions=options.shares_as_fractions,
        limit=MAX_REPORTED,
    )
    if formulas or result.n_failures:
        # A formula cell is reported as a formula, not also as "not a number".
        flagged = {(p.excel_row, p.column) for p in formulas}
        found = [(row, code) for row in result.failing for code in row["broken"]]
        problems = formulas + [
            p
            for p in (_problem(long, row, code, catalog) for row, code in found[:MAX_REPORTED])
            if (p.excel_row, p.column) not in flagged
        ]
        out = Checked.rejected(file_name, sha256, problems, raw.info)
        out.n_problems = len(problems) + max(0, result.n_failures - MAX_REPORTED)
        out.layout, out.side, out.shape = long.layout, long.side, shape
        return out
    assert result.rows is not None
    return Checked(file_name, sha256, result.rows, [], 0, raw.info, long.layout, long.side, shape)


def _frame(rows: pa.Table) -> pd.DataFrame:
    """Checked rows as a frame; repeated texts (ids, periods, units) as Categoricals, so a
    million rows are integer codes and a few names, not a million Python strings."""
    for name in ("indicator_id", "region_code", "period", "qualifier", "unit", "source", "note"):
        i = rows.column_names.index(name)
        if not pa.types.is_dictionary(rows.schema.field(name).type):
            rows = rows.set_column(i, name, pc.dictionary_encode(rows.column(name)))
    return rows.to_pandas()


# --- several sheets ----------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRead:
    """One sheet of a workbook read whole: taken with its rows, or skipped and why."""

    name: str
    shape: Shape | None = None
    layout: str | None = None
    side: str | None = None
    rows: int = 0
    skipped: Problem | None = None


def in_sheet(sheet: str, problem: Problem) -> Problem:
    """A problem of one sheet among several: its column names the sheet."""
    return replace(
        problem, column=f"[{sheet}] {problem.column}" if problem.column else f"[{sheet}]"
    )


def _check_sheets(data: bytes, file_name: str, catalog: Catalog, options: Options) -> Checked:
    """Every sheet whose shape is recognised, validated and previewed as one upload (the
    digest is set by the caller)."""
    names = sheet_names(data)
    reads: list[SheetRead] = []
    parts: list[tuple[str, Checked]] = []
    # The workbook is checked, inflated and opened once for all its sheets.
    for name, raw in read_sheets(data, file_name, names, max_bytes=options.max_bytes):
        if isinstance(raw, Rejected):
            reads.append(SheetRead(name, skipped=raw.problems[0]))
            continue
        raw, shape, long, problems = _read_sheet(raw, catalog, options)
        if problems:  # not a table we can read: set aside, and say why
            reason = problems[0] if shape.found else Problem("no_table")
            reads.append(SheetRead(name, shape, skipped=reason))
            continue
        checked = _validate(raw, long, shape, catalog, options, file_name, None)
        parts.append((name, checked))
        reads.append(SheetRead(name, shape, checked.layout, checked.side, checked.table.num_rows))
    info = ReadInfo(
        "xlsx", sheet=", ".join(n for n, _c in parts), sheets=tuple(names), size=len(data)
    )
    if not names:  # not a workbook at all: the single-sheet path says why
        return _check_file(data, file_name, catalog, replace(options, sheet=None))
    if not parts:
        out = Checked.rejected(
            file_name,
            None,
            [in_sheet(r.name, r.skipped) for r in reads if r.skipped is not None],
            info,
        )
        out.sheets = reads
        return out
    problems = [in_sheet(n, p) for n, c in parts for p in c.problems]
    if problems:
        out = Checked.rejected(file_name, None, problems, info)
        out.n_problems = sum(c.n_problems for _n, c in parts)
        out.sheets = reads
        return out
    table = _stacked(parts)
    problems, n_problems = _on_two_sheets(table)
    if problems:
        out = Checked.rejected(file_name, None, problems, info)
        out.n_problems = n_problems
        out.sheets = reads
        return out
    layouts = {c.layout for _n, c in parts}
    return Checked(
        file_name,
        None,
        table,
        [],
        0,
        info,
        layouts.pop() if len(layouts) == 1 else None,
        None,
        None,
        reads,
    )


def _stacked(parts: list[tuple[str, Checked]]) -> pa.Table:
    """The sheets' rows in sheet order as one table (ACTUAL_COLUMNS, excel_row, sheet),
    kept in Arrow: ids, periods and units stay dictionary columns, one dictionary each."""
    tables = [c.table.select([*ACTUAL_COLUMNS, "excel_row"]) for _n, c in parts]
    for name in tables[0].column_names:
        if len({t.schema.field(name).type for t in tables}) > 1:
            # Typed differently on two sheets (a dictionary on one, plain on another):
            # spelled out on every sheet, so the columns stack.
            tables = [
                t.set_column(t.column_names.index(name), name, _plain(t[name])) for t in tables
            ]
    stacked = pa.concat_tables(tables, promote_options="permissive")
    stacked = stacked.unify_dictionaries().combine_chunks()
    of_row = np.repeat(np.arange(len(parts)), [t.num_rows for t in tables])
    sheets = pc.take(pa.array([n for n, _c in parts], pa.string()), pa.array(of_row))
    return stacked.append_column("sheet", sheets)


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    typ = column.type
    return column.cast(typ.value_type) if pa.types.is_dictionary(typ) else column


def _on_two_sheets(table: pa.Table) -> tuple[list[Problem], int]:
    """The same figure on two sheets: as within one sheet, each later one is refused,
    naming the sheet and row of the first. The problems (at most MAX_REPORTED) and how many.

    Found by a group by over (indicator, region, period), not a Python loop over the rows.
    """
    keys = ["indicator_id", "region_code", "period"]
    rows = pa.table(
        {**{k: _plain(table[k]) for k in keys}, "pos": pa.array(np.arange(table.num_rows))}
    )
    groups = rows.group_by(keys, use_threads=False).aggregate([("pos", "min"), ("pos", "count")])
    groups = groups.filter(pc.greater(groups["pos_count"], 1))
    if groups.num_rows == 0:
        return [], 0
    later = rows.join(groups.select([*keys, "pos_min"]), keys, use_threads=False)
    later = later.filter(pc.not_equal(later["pos"], later["pos_min"])).sort_by("pos")
    sheet, excel_row = table["sheet"], table["excel_row"]
    shown = later.slice(0, MAX_REPORTED)
    problems = [
        in_sheet(
            sheet[i].as_py(),
            Problem(
                "duplicate_sheet",
                excel_row=excel_row[i].as_py(),
                value=str(period),
                params={"sheet": sheet[j].as_py(), "first": excel_row[j].as_py()},
            ),
        )
        for i, j, period in zip(
            shown["pos"].to_pylist(),
            shown["pos_min"].to_pylist(),
            shown["period"].to_pylist(),
            strict=True,
        )
    ]
    return problems, later.num_rows


def formula_problems(raw: RawTable, columns: Iterable[int] | None = None) -> list[Problem]:
    """Formulas are refused wherever they are: stored text would run when exported to Excel.

    ``columns``: only these (by position; default every one), header and cells.
    """
    picked = list(range(len(raw.headers))) if columns is None else sorted(columns)
    heads = [raw.headers[i] for i in picked]
    header = rules.formula_cells(pa.array(heads, pa.string()))
    out = [
        Problem("formula", excel_row=raw.header_row, column=column_label(i, h), value=h)
        for i, h, hit in zip(picked, heads, header, strict=True)
        if hit
    ]
    for i, h in zip(picked, heads, strict=True):
        col = raw.cells.column(i)
        hits = np.flatnonzero(rules.formula_cells(col))
        out += [
            Problem(
                "formula",
                excel_row=int(raw.excel_rows[pos]),
                column=column_label(i, h),
                value=col[int(pos)].as_py(),
            )
            for pos in hits[:MAX_REPORTED]
        ]
    return out


def control_problems(
    raw: RawTable, note_label: str | None = None, columns: Iterable[int] | None = None
) -> list[Problem]:
    """Control characters are refused wherever they are, on either backend: stored, they
    broke every renderer (and PostgreSQL refuses NUL only when the rows are written).
    ``note_label``: the note column, where tab and line breaks are text."""
    picked = list(range(len(raw.headers))) if columns is None else sorted(columns)
    heads = [raw.headers[i] for i in picked]
    header = rules.control_cells(pa.array(heads, pa.string()), breaks_allowed=False)
    out = [
        Problem("control", excel_row=raw.header_row, column=column_label(i, h), value=h)
        for i, h, hit in zip(picked, heads, header, strict=True)
        if hit
    ]
    for i, h in zip(picked, heads, strict=True):
        label = column_label(i, h)
        col = raw.cells.column(i)
        hits = np.flatnonzero(rules.control_cells(col, breaks_allowed=label == note_label))
        out += [
            Problem(
                "control",
                excel_row=int(raw.excel_rows[pos]),
                column=label,
                value=col[int(pos)].as_py(),
            )
            for pos in hits[:MAX_REPORTED]
        ]
    return out


def _problem(long: LongTable, row: dict[str, Any], code: str, catalog: Catalog) -> Problem:
    """A broken rule as the planner sees it: the cell it is about, quoted as written, the
    row's indicator, and for a name that matches nothing the nearest one (or none)."""
    pos = int(row["rn"])
    fld = rules.FIELD_OF.get(code, "value")
    text = long.table.column(fld)[pos].as_py()
    if fld == "unit" and not str(text).strip():
        fld, text = "value", long.table.column("value")[pos].as_py()
    params: dict[str, object] = {}
    if code == "unit_mismatch":
        params["unit"] = row["unit"]
    elif code == "period_range":
        params.update(low=int(row["period_first"]), high=int(row["period_last"]))
    elif code == "implausible":
        params.update(
            low=f"{row['plausible_low']:g}", high=f"{row['plausible_high']:g}", unit=row["unit"]
        )
    elif code == "duplicate":
        params["first"] = int(row["first_row"])
    elif code in ("unknown_region", "unknown_indicator"):
        nearest = nearest_region if code == "unknown_region" else nearest_indicator
        params["suggest"] = nearest(catalog, str(text)) or ""
    if isinstance(row["indicator_id"], str):
        params["indicator_id"] = row["indicator_id"]
    return Problem(
        code,
        excel_row=int(row["excel_row"]),
        column=long.label(fld, pos) or None,
        value=str(text),
        params=params,
    )


# --- preview and commit ----------------------------------------------------------------------


def arrow_rows(checked: Checked) -> pa.Table:
    """The rows as the store takes them: no pandas on the way, and dictionary columns kept
    (both backends read them; a million ids are never spelled out)."""
    return checked.table.select(list(ACTUAL_COLUMNS))


def preview(store: Store, checked: Checked) -> Preview:
    """What committing would do: rows new, changed (old -> new) and unchanged."""
    if not checked.ok:
        raise Rejected(checked.problems)
    extra = [c for c in ("excel_row", "sheet") if c in checked.table.column_names]
    table = checked.table.select([*ACTUAL_COLUMNS, *extra])
    with store.session():
        counts, rows = store.diff_preview(table, limit=PREVIEW_LIMIT)
        duplicate = store.find_upload_by_sha(checked.sha256) if checked.sha256 else None
    return Preview(counts, rows, duplicate)


def commit(
    store: Store,
    checked: Checked,
    *,
    user: str,
    kind: UploadKind = "file",
    note: str | None = None,
    allow_duplicate: bool = False,
) -> Upload:
    """Store the whole batch in one transaction; refuses a file with problems."""
    if not checked.ok:
        raise Rejected(checked.problems)
    with store.session():
        if checked.sha256 and not allow_duplicate:
            earlier = store.find_upload_by_sha(checked.sha256)
            if earlier is not None:
                raise DuplicateUpload(earlier)
        return store.write_actuals(
            arrow_rows(checked),
            kind=kind,
            user=user,
            file_name=checked.file_name,
            sha256=checked.sha256,
            note=note,
            review=submits_for_review(store),
        )
