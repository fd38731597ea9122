"""Bytes to a raw table of strings: CSV (any encoding planners' Excel writes) or XLSX.

Nothing is interpreted here beyond splitting cells: every cell stays the text the planner
sees, so later stages can quote it back in the problem table. What was detected (encoding,
delimiter, sheet) is reported, never silently assumed.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import charset_normalizer
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .report import Problem, Rejected, column_letter

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 500
# Enough text for the encoding detector to be sure; whole files can be 50 MB.
DETECT_SAMPLE = 256 * 1024
# The encodings Chinese offices produce; isolating them keeps the detector from exotic guesses.
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5"]
DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon"}
# GB2312 and GBK are subsets of GB18030, so decoding as the superset loses nothing.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030", "ascii": "utf_8"}


def max_upload_bytes() -> int:
    """The file size limit: INDICATORS_MAX_UPLOAD_MB, default 50 MB."""
    raw = os.environ.get("INDICATORS_MAX_UPLOAD_MB", "")
    try:
        return int(float(raw) * 1024 * 1024) if raw.strip() else DEFAULT_MAX_BYTES
    except ValueError:
        return DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class ReadInfo:
    format: str  # csv | xlsx
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


def is_xlsx(data: bytes, file_name: str) -> bool:
    return data[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm"))


def read_table(
    data: bytes,
    file_name: str,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_columns: int = MAX_COLUMNS,
) -> RawTable:
    """Split a file into header + string cells; raises Rejected for file-level problems."""
    if len(data) > max_bytes:
        raise Rejected([Problem("too_large", params={
            "size": f"{len(data) / 1024 / 1024:.1f}", "limit": f"{max_bytes / 1024 / 1024:g}"})])
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise Rejected([Problem("empty_file")])
    if file_name.lower().endswith(".xls") and not is_xlsx(data, file_name):
        raise Rejected([Problem("xls_unsupported")])
    raw = _read_xlsx(data, sheet) if is_xlsx(data, file_name) else _read_csv(data, encoding)
    if len(raw.headers) > max_columns:
        raise Rejected([Problem("too_many_columns_file", params={
            "n": len(raw.headers), "limit": max_columns})], raw.info)
    if raw.n_rows == 0:
        raise Rejected([Problem("header_only", excel_row=1)], raw.info)
    return raw


# --- CSV ------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """The codec to decode with, from the BOM or charset-normalizer on a sample."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf_8_sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf_16"
    sample = data[:DETECT_SAMPLE]
    if len(data) > DETECT_SAMPLE and b"\n" in sample:
        # Cut at a line end so the sample never ends inside a multi-byte character.
        sample = sample[: sample.rindex(b"\n") + 1]
    best = charset_normalizer.from_bytes(sample, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        raise Rejected([Problem("undecodable", params={"encoding": "?"})])
    return _SUPERSETS.get(best.encoding, best.encoding)


def sniff_delimiter(first_line: str) -> str:
    """The most frequent of comma, tab, semicolon outside quotes in the header line."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, encoding: str | None) -> RawTable:
    chosen = encoding is not None
    codec = codecs.lookup(encoding).name if encoding else detect_encoding(data)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise Rejected([Problem("undecodable", params={
            "encoding": codec, "offset": exc.start})]) from exc
    except LookupError as exc:
        raise Rejected([Problem("undecodable", params={"encoding": codec})]) from exc
    text = text.lstrip("\ufeff")
    utf8 = data if codec in ("utf_8", "utf-8") else text.encode("utf-8")
    lines = [ln for ln in text[:65536].splitlines() if ln.strip()]
    first_line = lines[0] if lines else ""
    # Over several lines: a yearbook's title line above the header has no delimiter at all.
    delimiter = sniff_delimiter("\n".join(lines[:30]))
    info = ReadInfo("csv", encoding=codec, encoding_detected=not chosen,
                    delimiter=DELIMITERS.get(delimiter, delimiter), size=len(data))
    # Typing every column as text needs the count up front (pyarrow names them f0, f1, ...).
    n_columns = len(next(csv.reader([first_line], delimiter=delimiter), [""]))
    ragged: list[object] = []

    def on_invalid(row: object) -> str:
        ragged.append(row)
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(autogenerate_column_names=True,
                                       block_size=8 << 20),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                         ignore_empty_lines=False,
                                         invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types={f"f{i}": pa.string() for i in range(n_columns)},
            strings_can_be_null=False, null_values=[],
            check_utf8=True, auto_dict_encode=False,
            include_missing_columns=False),
    )
    if ragged:
        # Rows with more or fewer cells than the header: the fast reader cannot say where
        # they are, so read again cell by cell to give Excel row numbers.
        return _read_csv_python(text, delimiter, info)
    table = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
    return _split_header(table, np.arange(1, table.num_rows + 1), info, [])


def _read_csv_python(text: str, delimiter: str, info: ReadInfo) -> RawTable:
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise Rejected([Problem("empty_file")])
    # The header is the first row with two cells or more: a title or unit line above it
    # (a yearbook's, or a pasted table's) has one cell and sets no width.
    head = next((i for i, r in enumerate(rows) if sum(bool(c.strip()) for c in r) >= 2), 0)
    width = max(len(r) for r in rows[: head + 1])
    problems = []
    for n, row in enumerate(rows[head + 1:], start=head + 2):
        extra = row[width:]
        if any(c.strip() for c in extra):
            problems.append(Problem("too_many_columns", excel_row=n,
                                    column=column_letter(width), value=extra[0],
                                    params={"n": len(row), "expected": width}))
    padded = [(r + [""] * width)[:width] for r in rows]
    table = pa.table({f"c{i}": [r[i] for r in padded] for i in range(width)})
    return _split_header(table, np.arange(1, len(rows) + 1), info, problems)


def _split_header(
    table: pa.Table, rows: np.ndarray, info: ReadInfo, problems: list[Problem]
) -> RawTable:
    """First non-empty row is the header; wholly empty rows and columns are dropped."""
    non_empty = _row_has_content(table)
    first = int(np.argmax(non_empty)) if non_empty.any() else None
    if first is None:
        raise Rejected([Problem("empty_file")])
    headers = [str(table.column(i)[first].as_py()).strip() for i in range(table.num_columns)]
    body = table.slice(first + 1)
    keep = non_empty[first + 1:]
    body_rows = rows[first + 1:]
    if not keep.all():
        body = body.filter(pa.array(keep))
        body_rows = body_rows[keep]
    # Excel often saves trailing columns that are empty in every row; they mean nothing.
    cols = [i for i, h in enumerate(headers)
            if h or (body.num_rows and pc.any(pc.not_equal(
                pc.utf8_trim_whitespace(body.column(i)), "")).as_py())]
    body = pa.table({f"c{j}": body.column(i) for j, i in enumerate(cols)})
    return RawTable([headers[i] for i in cols], body, body_rows, info, problems,
                    header_row=int(rows[first]))


def _row_has_content(table: pa.Table) -> np.ndarray:
    if table.num_columns == 0 or table.num_rows == 0:
        return np.zeros(table.num_rows, dtype=bool)
    mask = None
    for col in table.columns:
        filled = pc.not_equal(pc.utf8_trim_whitespace(col), "")
        mask = filled if mask is None else pc.or_(mask, filled)
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


# --- XLSX -----------------------------------------------------------------------------------


def _cell_text(value: object, number_format: str | None) -> str:
    """A cell as the planner sees it; formulas stay formulas (data_only=False)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    fmt = (number_format or "").lower()
    if isinstance(value, datetime | date):
        d = value.date() if isinstance(value, datetime) else value
        # A cell typed "2019-09" becomes a date shown as yyyy-mm: keep it a month.
        if "d" not in fmt and "m" in fmt:
            return f"{d.year}-{d.month:02d}"
        return d.isoformat()
    if isinstance(value, int | float):
        if "%" in fmt:
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}" if isinstance(value, float) else str(value)
    return str(value)


def sheet_names(data: bytes) -> list[str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return []
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _read_xlsx(data: bytes, sheet: str | None) -> RawTable:
    import openpyxl  # only XLSX uploads pay for the import

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Rejected([Problem("bad_xlsx")]) from exc
    try:
        names = tuple(wb.sheetnames)
        if sheet is not None and sheet not in names:
            raise Rejected([Problem("unknown_sheet", value=sheet,
                                    params={"sheets": ", ".join(names)})])
        ws = wb[sheet] if sheet is not None else wb[names[0]]
        rows: list[list[str]] = []
        numbers: list[int] = []
        for row in ws.iter_rows():
            texts = [_cell_text(getattr(c, "value", None), getattr(c, "number_format", None))
                     for c in row]
            if any(t.strip() for t in texts):
                rows.append(texts)
                numbers.append(next(c.row for c in row if hasattr(c, "row")))
    finally:
        wb.close()
    info = ReadInfo("xlsx", sheet=ws.title, sheets=names, size=len(data))
    if not rows:
        raise Rejected([Problem("empty_file")])
    width = max(len(r) for r in rows)
    padded = [r + [""] * (width - len(r)) for r in rows]
    table = pa.table({f"c{i}": pa.array([r[i] for r in padded], pa.string())
                      for i in range(width)})
    return _split_header(table, np.array(numbers), info, [])
