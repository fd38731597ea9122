"""Bytes to a raw table of strings: CSV (any encoding planners' Excel writes) or XLSX.

The entry points; the readers are ``read_csv`` and ``read_xlsx``, the limits ``limits``, the
table types ``raw``. What was detected (encoding, delimiter, sheet) is reported, never
silently assumed.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Sequence

from indicators.ingest import read_xlsx as xlsx
from indicators.ingest.limits import (
    DEFAULT_MAX_BYTES,
    MAX_COLUMNS,
    max_upload_bytes,
    upload_backstop_mb,
)
from indicators.ingest.raw import RawTable, ReadInfo
from indicators.ingest.read_csv import detect_encoding, read_csv, sniff_delimiter
from indicators.ingest.read_xlsx import sheet_names
from indicators.ingest.report import Problem, Rejected

# Names the rest of the app imports from here.
__all__ = [
    "RawTable",
    "ReadInfo",
    "detect_encoding",
    "is_xlsx",
    "max_upload_bytes",
    "read_sheets",
    "read_table",
    "sheet_names",
    "sniff_delimiter",
    "upload_backstop_mb",
]


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
        xlsx.read_xlsx(data, sheet, max_columns)
        if is_xlsx(data, file_name)
        else read_csv(data, encoding, max_columns)
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
        xlsx.check_zip(data)
        wb = xlsx.open_workbook(data)
    except Rejected as exc:
        for name in sheets:
            yield name, exc
        return
    try:
        for name in sheets:
            try:
                yield (
                    name,
                    _with_rows(xlsx.read_sheet(wb, name, len(data), max_columns), max_columns),
                )
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
