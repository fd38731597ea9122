"""A CSV upload read into a raw table: the encoding detected (or chosen), the delimiter
sniffed, each cell kept as the text the planner sees. What was detected is reported in
``ReadInfo``, never silently assumed."""

from __future__ import annotations

import codecs
import csv
import io

import charset_normalizer
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from indicators.ingest import limits
from indicators.ingest.raw import INVISIBLE_CHARS, RawTable, ReadInfo, split_header
from indicators.ingest.report import Problem, Rejected, column_letter

# Enough text for the encoding detector to be sure; whole files can be 50 MB.
DETECT_SAMPLE = 256 * 1024
# The encodings Chinese offices produce; isolating them keeps the detector from exotic guesses.
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5"]
DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon"}
# GB2312 and GBK are subsets of GB18030, so decoding as the superset loses nothing.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030", "ascii": "utf_8"}


def detect_encoding(data: bytes) -> str:
    """The codec to decode with, from the BOM or charset-normalizer on a sample."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf_8_sig"
    # UTF-32 first: its little-endian BOM begins with UTF-16's (read as UTF-16, every other
    # character came out as NUL and the names were garbled).
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf_32"
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
    head = data[: limits.MAX_HEADER_BYTES].decode(codec, errors="replace").lstrip("\ufeff")
    lines = [ln for ln in head.splitlines(keepends=True) if ln.strip()]
    first = lines[0] if lines else ""
    ended = first.endswith(("\n", "\r"))
    if not ended and len(data) > limits.MAX_HEADER_BYTES:
        raise Rejected(
            [
                Problem(
                    "header_too_long",
                    excel_row=1,
                    params={"limit": limits.MAX_HEADER_BYTES // 1024},
                )
            ]
        )
    if (
        len(data) > limits.MAX_HEADER_BYTES
        and len(lines) > 1
        and not lines[-1].endswith(("\n", "\r"))
    ):
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


def read_csv(data: bytes, encoding: str | None, max_columns: int = limits.MAX_COLUMNS) -> RawTable:
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
        return read_csv_python(whole(), delimiter, info)
    if ragged:
        # Rows with more or fewer cells than the header: the fast reader cannot say where
        # they are, so read again cell by cell to give Excel row numbers.
        return read_csv_python(whole(), delimiter, info)
    if table.num_rows > limits.MAX_ROWS + 1:
        raise Rejected([Problem("too_many_rows", params={"limit": f"{limits.MAX_ROWS:,}"})], info)
    table = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
    # One search of the bytes spares a regex over every cell of a file with none.
    # (A file of plain ASCII, checked at memory speed, has none.)
    invisible = not utf8.isascii() and any(ch.encode() in utf8 for ch in INVISIBLE_CHARS)
    return split_header(table, np.arange(1, table.num_rows + 1), info, [], invisible=invisible)


_CHUNK_ROWS = 100_000


def read_csv_python(text: str, delimiter: str, info: ReadInfo) -> RawTable:
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
            if len(numbers) > limits.MAX_ROWS:
                raise Rejected(
                    [Problem("too_many_rows", params={"limit": f"{limits.MAX_ROWS:,}"})], info
                )
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
    return split_header(table, np.array(numbers), info, problems)
