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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import charset_normalizer
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from indicators.ingest.report import Problem, Rejected, column_letter
from indicators.ingest.rules import SPACE_FIRST, first_bytes

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 500
# Hostile files are refused while being read, before they cost time or memory: a header
# line must end within the first MiB (a 1,000,000-column line is refused unread) ...
MAX_HEADER_BYTES = 1024 * 1024
# ... a file has at most this many data rows (a 50 MB CSV of real rows holds ~1.5 M) ...
MAX_ROWS = 2_000_000
# ... and an XLSX unpacks to at most this much XML in all (counted while inflating: the
# zip directory can lie), no part but a sheet above MAX_XLSX_PART, and at most
# MAX_XLSX_CELLS filled cells (openpyxl reads ~150 k cells a second).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_XLSX_PART = 64 * 1024 * 1024
MAX_XLSX_CELLS = 1_500_000
MAX_ZIP_ENTRIES = 2000
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


def upload_backstop_mb() -> int:
    """Streamlit's own size limit, for the uploader and the server's upload route alike:
    about twice ours, so a file over our limit reaches our check and is refused in the
    planner's language ("文件 60 MB,超过上限 50 MB") instead of the browser's "Request failed
    with status code 413"; only far larger files meet Streamlit's refusal."""
    return int(max_upload_bytes() * 2 / 1024 / 1024) + 1


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
    _refuse_unread(data, file_name, max_bytes)
    raw = (
        _read_xlsx(data, sheet, max_columns)
        if is_xlsx(data, file_name)
        else _read_csv(data, encoding, max_columns)
    )
    return _with_rows(raw, max_columns)


def read_sheets(
    data: bytes,
    file_name: str,
    sheets: Sequence[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_columns: int = MAX_COLUMNS,
) -> Iterator[tuple[str, RawTable | Rejected]]:
    """Each of ``sheets`` read as ``read_table`` reads one, or why it cannot be; the file is
    checked, inflated and opened once for them all. A file-level refusal is each sheet's."""
    try:
        _refuse_unread(data, file_name, max_bytes)
        check_zip(data)
        wb = _open_workbook(data)
    except Rejected as exc:
        for name in sheets:
            yield name, exc
        return
    try:
        for name in sheets:
            try:
                yield name, _with_rows(_read_sheet(wb, name, len(data), max_columns), max_columns)
            except Rejected as exc:
                yield name, exc
    finally:
        wb.close()


def _refuse_unread(data: bytes, file_name: str, max_bytes: int) -> None:
    """What is refused before a file is parsed: too large, empty, the old binary .xls."""
    if len(data) > max_bytes:
        raise Rejected(
            [
                Problem(
                    "too_large",
                    params={
                        "size": f"{len(data) / 1024 / 1024:.1f}",
                        "limit": f"{max_bytes / 1024 / 1024:g}",
                    },
                )
            ]
        )
    blank = b" \t\r\n\x00" + codecs.BOM_UTF8
    # The first KiB decides for nearly every file; only a blank start costs a whole copy.
    if not data[:1024].strip(blank) and not data.strip(blank):
        raise Rejected([Problem("empty_file")])
    if file_name.lower().endswith(".xls") and not is_xlsx(data, file_name):
        raise Rejected([Problem("xls_unsupported")])


def _with_rows(raw: RawTable, max_columns: int) -> RawTable:
    """A table read: not too wide, and with a row below its header."""
    if len(raw.headers) > max_columns:
        raise Rejected(
            [
                Problem(
                    "too_many_columns_file", params={"n": len(raw.headers), "limit": max_columns}
                )
            ],
            raw.info,
        )
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
        raise Rejected(
            [
                Problem(
                    "undecodable_tried",
                    params={"encodings": ", ".join(["UTF-8", "UTF-16", "GB18030 (GBK)", "Big5"])},
                )
            ]
        )
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


def _header_line(data: bytes, codec: str, max_columns: int) -> tuple[str, str]:
    """The header line and the delimiter, from the first MiB alone: a file whose header is
    too long or too wide is refused before the rest is decoded."""
    head = data[:MAX_HEADER_BYTES].decode(codec, errors="replace").lstrip("\ufeff")
    lines = [ln for ln in head.splitlines(keepends=True) if ln.strip()]
    first = lines[0] if lines else ""
    ended = first.endswith(("\n", "\r"))
    if not ended and len(data) > MAX_HEADER_BYTES:
        raise Rejected(
            [Problem("header_too_long", excel_row=1, params={"limit": MAX_HEADER_BYTES // 1024})]
        )
    if len(data) > MAX_HEADER_BYTES and len(lines) > 1 and not lines[-1].endswith(("\n", "\r")):
        lines.pop()  # cut off by the MiB: a part of a line is no evidence
    # Sniffed once, over several lines: a yearbook's title line above the header has no
    # delimiter at all. The reader splits with it, and the header's width is counted with it.
    delimiter = sniff_delimiter("".join(lines[:30]))
    first = first.splitlines()[0] if first else ""
    n = first.count(delimiter) + 1
    if n > max_columns:
        # Quoted delimiters can only make the true count smaller: count exactly then.
        n = len(next(csv.reader([first], delimiter=delimiter), []))
    if n > max_columns:
        raise Rejected([Problem("too_many_columns_file", params={"n": n, "limit": max_columns})])
    return first, delimiter


def _read_csv(data: bytes, encoding: str | None, max_columns: int = MAX_COLUMNS) -> RawTable:
    chosen = encoding is not None
    try:
        codec = codecs.lookup(encoding).name if encoding else detect_encoding(data)
    except LookupError as exc:
        raise Rejected([Problem("undecodable", params={"encoding": encoding})]) from exc
    first_line, delimiter = _header_line(data, codec, max_columns)

    def decoded(part: bytes) -> str:
        try:
            return part.decode(codec).lstrip("\ufeff")
        except UnicodeDecodeError as exc:
            raise Rejected(
                [Problem("undecodable", params={"encoding": codec, "offset": exc.start})]
            ) from exc

    if codec in ("utf_8", "utf-8"):
        # UTF-8 goes to Arrow as it is, and Arrow checks every byte of it: no decoded copy
        # of a 50 MB file is made unless the plain reader below needs one (and it names
        # the offset of a byte that is not UTF-8).
        utf8, text = data, None
    else:
        text = decoded(data)
        utf8 = text.encode("utf-8")

    def whole() -> str:
        return text if text is not None else decoded(data)

    info = ReadInfo(
        "csv",
        encoding=codec,
        encoding_detected=not chosen,
        delimiter=DELIMITERS.get(delimiter, delimiter),
        size=len(data),
    )
    # Typing every column as text needs the count up front (pyarrow names them f0, f1, ...).
    n_columns = len(next(csv.reader([first_line], delimiter=delimiter), [""]))
    ragged: list[object] = []

    def on_invalid(row: object) -> str:
        ragged.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(utf8),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(n_columns)},
                strings_can_be_null=False,
                null_values=[],
                check_utf8=True,
                auto_dict_encode=False,
                include_missing_columns=False,
            ),
        )
    except pa.ArrowInvalid:
        # Shapes the fast reader declines (a lone header with no line end, a cell across
        # a block boundary, bytes that are not UTF-8): the plain reader takes them, or
        # says where they break.
        return _read_csv_python(whole(), delimiter, info)
    if ragged:
        # Rows with more or fewer cells than the header: the fast reader cannot say where
        # they are, so read again cell by cell to give Excel row numbers.
        return _read_csv_python(whole(), delimiter, info)
    if table.num_rows > MAX_ROWS + 1:
        raise Rejected([Problem("too_many_rows", params={"limit": f"{MAX_ROWS:,}"})], info)
    table = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
    # One search of the bytes spares a regex over every cell of a file with none.
    # (A file of plain ASCII, checked at memory speed, has none.)
    invisible = not utf8.isascii() and any(ch.encode() in utf8 for ch in _INVISIBLE_CHARS)
    return _split_header(table, np.arange(1, table.num_rows + 1), info, [], invisible=invisible)


_CHUNK_ROWS = 100_000


def _read_csv_python(text: str, delimiter: str, info: ReadInfo) -> RawTable:
    """Cell by cell, in chunks of rows turned into Arrow at once, so Python objects for
    the whole file never exist together."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    width: int | None = None
    problems: list[Problem] = []
    chunks: list[pa.Table] = []
    numbers: list[int] = []
    pending: list[list[str]] = []
    lead: list[tuple[int, list[str]]] = []  # rows up to the header, before the width is known

    def flush() -> None:
        if pending:
            chunks.append(
                pa.table(
                    {
                        f"c{i}": pa.array([r[i] for r in pending], pa.string())
                        for i in range(width or 0)
                    }
                )
            )
            pending.clear()

    try:
        # Rows are counted as records, as the Arrow reader does: a quoted cell with a line
        # break is one spreadsheet row (line_num would count its physical lines).
        for n, row in enumerate(reader, start=1):
            if width is None:
                if not any(c.strip() for c in row):
                    continue
                # The header is the first row with two cells or more: a title or unit line
                # above it (a yearbook's, or a pasted table's) has one cell and sets no width.
                lead.append((n, row))
                if sum(bool(c.strip()) for c in row) < 2 and len(lead) <= 50:
                    continue
                width = max(len(r) for _n, r in lead)
                for m, r in lead:
                    pending.append((r + [""] * width)[:width])
                    numbers.append(m)
                continue
            if len(row) > width and len(problems) < 1000 and any(c.strip() for c in row[width:]):
                extra = next(c for c in row[width:] if c.strip())
                problems.append(
                    Problem(
                        "too_many_columns",
                        excel_row=n,
                        column=column_letter(width),
                        value=extra[:200],
                        params={"n": len(row), "expected": width},
                    )
                )
            if len(numbers) > MAX_ROWS:
                raise Rejected([Problem("too_many_rows", params={"limit": f"{MAX_ROWS:,}"})], info)
            pending.append((row + [""] * width)[:width] if len(row) != width else row)
            numbers.append(n)
            if len(pending) >= _CHUNK_ROWS:
                flush()
    except csv.Error as exc:
        # An unclosed quote swallowing the file, a cell over the csv module's size limit.
        raise Rejected(
            [Problem("bad_csv", excel_row=reader.line_num, params={"reason": str(exc)})], info
        ) from exc
    if width is None and lead:
        # Only one-cell rows: a one-column file; its first row is the header.
        width = max(len(r) for _n, r in lead)
        for m, r in lead:
            pending.append((r + [""] * width)[:width])
            numbers.append(m)
    if width is None:
        raise Rejected([Problem("empty_file")])
    flush()
    table = pa.concat_tables(chunks)
    return _split_header(table, np.array(numbers), info, problems)


def _split_header(
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
        table = _strip_invisible(table)
    non_empty = _row_has_content(table)
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


def _row_has_content(table: pa.Table) -> np.ndarray:
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
_INVISIBLE_CHARS = "\ufeff\u200b\u200c\u200d\u2060"
_INVISIBLE = f"[{_INVISIBLE_CHARS}]"


def _strip_invisible(table: pa.Table) -> pa.Table:
    cols = []
    for col in table.columns:
        if pc.any(pc.match_substring_regex(col, _INVISIBLE)).as_py():
            col = pc.replace_substring_regex(col, _INVISIBLE, "")
        cols.append(col)
    return pa.table(cols, names=table.column_names)


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


def _refuse_zip(code: str, **params: object) -> Rejected:
    return Rejected([Problem(code, params=params)])


def check_zip(data: bytes) -> None:
    """Inflate every part once, counting as it goes, before any XML parser sees the file.

    Refused: more than MAX_UNPACKED_BYTES in all or MAX_XLSX_PART in a part other than a
    sheet (a zip bomb; the sizes in the zip directory are not trusted), a DOCTYPE or ENTITY
    anywhere (XXE, billion laughs), XML in UTF-16/32 (where that scan would be blind).
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Rejected([Problem("bad_xlsx")]) from exc
    limit_mb = f"{MAX_UNPACKED_BYTES / 1024 / 1024:g}"
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise _refuse_zip("xlsx_too_many_parts", n=len(infos), limit=MAX_ZIP_ENTRIES)
        total = 0
        for info in infos:
            name = info.filename
            part_limit = MAX_UNPACKED_BYTES if "worksheets/" in name.lower() else MAX_XLSX_PART
            if info.file_size > part_limit or total + info.file_size > MAX_UNPACKED_BYTES:
                raise _refuse_zip("xlsx_unpacked", part=name, limit=limit_mb)
            size, tail = 0, b""
            try:
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        if (
                            size == 0
                            and (chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:4])
                            and _is_xml(name)
                        ):
                            raise _refuse_zip("xlsx_xml_encoding", part=name)
                        size += len(chunk)
                        total += len(chunk)
                        if size > part_limit or total > MAX_UNPACKED_BYTES:
                            raise _refuse_zip("xlsx_unpacked", part=name, limit=limit_mb)
                        window = tail + chunk
                        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                            raise _refuse_zip("xlsx_doctype", part=name)
                        tail = chunk[-16:]
            except (
                zipfile.BadZipFile,
                OSError,
                ValueError,
                EOFError,
                NotImplementedError,
                RuntimeError,
            ) as exc:
                # Bad CRC, an unknown compression method, an encrypted part.
                raise Rejected([Problem("bad_xlsx")]) from exc


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


_WORKBOOK_XML = "xl/workbook.xml"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def sheet_names(data: bytes) -> list[str]:
    """The sheet names, from the workbook part alone (bounded; no sheet is opened).

    The server calls this itself to offer a choice, so it reads at most 4 MB of one part
    with a parser that refuses DTDs; any doubt answers [] and the worker reads the file.
    """
    from defusedxml import ElementTree as SafeET

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(_WORKBOOK_XML) as fh:
            xml = fh.read(4 * 1024 * 1024 + 1)
        if len(xml) > 4 * 1024 * 1024:
            return []
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except Exception:
        return []
    return [el.get("name", "") for el in root.iter(f"{_MAIN_NS}sheet")]


def _read_xlsx(data: bytes, sheet: str | None, max_columns: int = MAX_COLUMNS) -> RawTable:
    check_zip(data)
    wb = _open_workbook(data)
    try:
        return _read_sheet(wb, sheet, len(data), max_columns)
    finally:
        wb.close()


def _open_workbook(data: bytes) -> Any:
    """The workbook, read-only, formulas as written; call after ``check_zip``."""
    import openpyxl  # only XLSX uploads pay for the import

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:
        raise Rejected([Problem("bad_xlsx")]) from exc


def _read_sheet(wb: Any, sheet: str | None, size: int, max_columns: int) -> RawTable:
    """One sheet of an open workbook (the first when ``sheet`` is None)."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import WorkSheetParser

    names = tuple(wb.sheetnames)
    if sheet is not None and sheet not in names:
        raise Rejected([Problem("unknown_sheet", value=sheet, params={"sheets": ", ".join(names)})])
    ws = wb[sheet] if sheet is not None else wb[names[0]]
    info = ReadInfo("xlsx", sheet=ws.title, sheets=names, size=size)
    rows: list[dict[int, str]] = []
    numbers: list[int] = []
    width = n_cells = 0
    # The sheet's own parser, not ws.iter_rows(): that pads every row to the declared
    # <dimension> (A1:XFD1048576 with one cell: 17 billion empty cells). Here only
    # cells present in the XML cost anything.
    try:
        with ws._get_source() as src:
            parser = WorkSheetParser(
                src,
                ws._shared_strings,
                data_only=False,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
            for idx, cells in parser.parse():
                texts: dict[int, str] = {}
                for c in cells:
                    if c["value"] is None:
                        continue
                    cell = ReadOnlyCell(ws, **c)
                    text = _cell_text(cell.value, cell.number_format)
                    if not text.strip():
                        continue
                    if c["column"] > max_columns:
                        raise Rejected(
                            [
                                Problem(
                                    "too_many_columns_file",
                                    params={"n": c["column"], "limit": max_columns},
                                )
                            ],
                            info,
                        )
                    texts[c["column"]] = text
                if not texts:
                    continue
                n_cells += len(texts)
                if n_cells > MAX_XLSX_CELLS or len(rows) >= MAX_ROWS:
                    raise Rejected(
                        [Problem("too_many_cells", params={"limit": f"{MAX_XLSX_CELLS:,}"})],
                        info,
                    )
                rows.append(texts)
                numbers.append(idx)
                width = max(width, max(texts))
    except Rejected:
        raise
    except Exception as exc:
        raise Rejected([Problem("bad_xlsx")], info) from exc
    if not rows:
        raise Rejected([Problem("empty_file")], info)
    table = pa.table(
        {
            f"c{i - 1}": pa.array([r.get(i, "") for r in rows], pa.string())
            for i in range(1, width + 1)
        }
    )
    return _split_header(table, np.array(numbers), info, [])
