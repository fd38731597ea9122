"""A file read into a raw table of strings: the types every reader returns, and the header
split that CSV and XLSX share.

Nothing is interpreted here beyond splitting cells: every cell stays the text the planner
sees, so later stages can quote it back in the problem table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from indicators.ingest.report import Problem, Rejected
from indicators.ingest.rules import SPACE_FIRST, first_bytes

# How the rows came: a file of either kind, or the single-value form (read as a table too).
FileFormat = Literal["csv", "xlsx", "form"]


@dataclass(frozen=True)
class ReadInfo:
    format: FileFormat
    encoding: str | None = None
    encoding_detected: bool = True  # False when the planner chose it
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    size: int = 0


@dataclass(frozen=True)
class RawTable:
    headers: list[str]
    cells: pa.Table  # one string column per header, "" for an empty cell
    excel_rows: np.ndarray  # the Excel row number of each data row
    info: ReadInfo
    problems: list[Problem] = field(default_factory=list)
    header_row: int = 1  # the Excel row of `headers`

    @property
    def n_rows(self) -> int:
        return self.cells.num_rows


def split_header(
    table: pa.Table,
    rows: np.ndarray,
    info: ReadInfo,
    problems: list[Problem],
    *,
    invisible: bool = True,
) -> RawTable:
    """First non-empty row is the header; wholly empty rows and columns are dropped.

    `invisible`: whether the cells may hold invisible characters to drop.
    """
    if invisible:
        table = strip_invisible(table)
    non_empty = row_has_content(table)
    first = int(np.argmax(non_empty)) if non_empty.any() else None
    if first is None:
        raise Rejected([Problem("empty_file")])
    headers = [str(table.column(i)[first].as_py()).strip() for i in range(table.num_columns)]
    body = table.slice(first + 1)
    keep = non_empty[first + 1 :]
    body_rows = rows[first + 1 :]
    if not keep.all():
        body = body.filter(pa.array(keep))
        body_rows = body_rows[keep]
    # Excel often saves trailing columns that are empty in every row; they mean nothing.
    cols = [
        i
        for i, h in enumerate(headers)
        if h
        or (
            body.num_rows
            and pc.any(pc.not_equal(pc.utf8_trim_whitespace(body.column(i)), "")).as_py()
        )
    ]
    body = pa.table({f"c{j}": body.column(i) for j, i in enumerate(cols)})
    return RawTable(
        [headers[i] for i in cols], body, body_rows, info, problems, header_row=int(rows[first])
    )


def row_has_content(table: pa.Table) -> np.ndarray:
    """Per row, whether any cell holds more than spaces."""
    if table.num_columns == 0 or table.num_rows == 0:
        return np.zeros(table.num_rows, dtype=bool)
    table = table.combine_chunks()
    content = np.zeros(table.num_rows, dtype=bool)
    unsure = np.zeros(table.num_rows, dtype=bool)
    for col in table.columns:
        chunk = col.chunk(0) if col.num_chunks else pa.array([], col.type)
        found = first_bytes(chunk)
        if found is None:  # typed or with nulls: judged whole
            unsure |= True
            continue
        # A cell whose first byte is no space has content (nearly every filled cell): only
        # those starting with one are looked at whole, no trimmed copy of every cell made.
        first_byte, filled = found
        spacey = SPACE_FIRST[first_byte] & filled
        content |= filled & ~spacey
        unsure |= spacey
    rows = np.flatnonzero(unsure & ~content)
    if rows.size:
        picked = table.take(pa.array(rows))
        for col in picked.columns:
            filled = pc.and_(pc.not_equal(col, ""), pc.invert(pc.utf8_is_space(col)))
            content[rows] |= np.asarray(
                pc.fill_null(filled, False).to_numpy(zero_copy_only=False), dtype=bool
            )
    return content


# Invisible characters Excel and editors leave behind (a BOM pasted mid-file, zero-width
# spaces): a name with one looks right and matches nothing, so they are dropped.
INVISIBLE_CHARS = "\ufeff\u200b\u200c\u200d\u2060"
_INVISIBLE = f"[{INVISIBLE_CHARS}]"


def strip_invisible(table: pa.Table) -> pa.Table:
    cols = []
    for col in table.columns:
        if pc.any(pc.match_substring_regex(col, _INVISIBLE)).as_py():
            col = pc.replace_substring_regex(col, _INVISIBLE, "")
        cols.append(col)
    return pa.table(cols, names=table.column_names)
