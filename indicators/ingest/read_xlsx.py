"""An XLSX upload read into a raw table: the zip checked while it inflates (its directory
can lie), formulas seen and refused rather than evaluated, each cell the text Excel shows."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from typing import Any

import numpy as np
import pyarrow as pa

from indicators.ingest import limits
from indicators.ingest.raw import RawTable, ReadInfo, split_header
from indicators.ingest.report import Problem, Rejected


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
    limit_mb = f"{limits.MAX_UNPACKED_BYTES / 1024 / 1024:g}"
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.MAX_ZIP_ENTRIES:
            raise _refuse_zip("xlsx_too_many_parts", n=len(infos), limit=limits.MAX_ZIP_ENTRIES)
        total = 0
        for info in infos:
            name = info.filename
            part_limit = (
                limits.MAX_UNPACKED_BYTES if "worksheets/" in name.lower() else limits.MAX_XLSX_PART
            )
            if info.file_size > part_limit or total + info.file_size > limits.MAX_UNPACKED_BYTES:
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
                        if size > part_limit or total > limits.MAX_UNPACKED_BYTES:
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


def read_xlsx(data: bytes, sheet: str | None, max_columns: int = limits.MAX_COLUMNS) -> RawTable:
    check_zip(data)
    wb = open_workbook(data)
    try:
        return read_sheet(wb, sheet, len(data), max_columns)
    finally:
        wb.close()


def open_workbook(data: bytes) -> Any:
    """The workbook, read-only, formulas as written; call after ``check_zip``."""
    import openpyxl  # only XLSX uploads pay for the import

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:
        raise Rejected([Problem("bad_xlsx")]) from exc


def read_sheet(wb: Any, sheet: str | None, size: int, max_columns: int) -> RawTable:
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
                if n_cells > limits.MAX_XLSX_CELLS or len(rows) >= limits.MAX_ROWS:
                    raise Rejected(
                        [Problem("too_many_cells", params={"limit": f"{limits.MAX_XLSX_CELLS:,}"})],
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
    return split_header(table, np.array(numbers), info, [])
