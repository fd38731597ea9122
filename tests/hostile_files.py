"""Generators of the hostile uploads from the attack review (issue 10), one per attack.

Built in memory so no large file sits in the repository; the tests use small sizes and
bench/bench_hostile.py the sizes of the review.
"""

from __future__ import annotations

import io
import struct
import zipfile

HEADER = "指标/indicator,地区/region,时期/period,数值/value,单位/unit,来源/source,备注/note"
GOOD_ROW = "信息消费规模,全国,2022,7.1,万亿元,test,"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_rows(rows: list[list[str]], first_row: int = 1) -> str:
    out = []
    for n, row in enumerate(rows, start=first_row):
        cells = "".join(_cell(f"{chr(65 + i)}{n}", v) for i, v in enumerate(row) if v)
        out.append(f'<row r="{n}">{cells}</row>')
    return "".join(out)


GOOD_TABLE = [
    ["指标", "地区", "时期", "数值", "单位"],
    ["信息消费规模", "全国", "2022", "7.1", "万亿元"],
]


def xlsx(sheet_xml: str | bytes, *, sheet_name: str = "Sheet1", level: int = 6) -> bytes:
    """A minimal valid workbook around one sheet's XML (inline strings, no styles)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK.format(name=sheet_name))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buf.getvalue()


def sheet(body: str, *, dimension: str | None = None, prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{SHEET_NS}">'
        f"{dim}<sheetData>{body}</sheetData></worksheet>"
    )


def xlsx_dimension_bomb(*, column: str = "A") -> bytes:
    """Declares A1:XFD1048576 and holds one cell at the very bottom (openpyxl's read-only
    iter_rows pads every row in between to 16,384 cells)."""
    body = sheet_rows(GOOD_TABLE) + f'<row r="1048576">{_cell(f"{column}1048576", "x")}</row>'
    return xlsx(sheet(body, dimension="A1:XFD1048576"))


def xlsx_zip_bomb(unpacked_mb: int) -> bytes:
    """A sheet whose XML inflates to about ``unpacked_mb`` MB of blank rows' padding."""
    head = sheet(sheet_rows(GOOD_TABLE)).replace("</sheetData></worksheet>", "")
    chunk = b" " * (1 << 20)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK.format(name="Sheet1"))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            for _ in range(unpacked_mb):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def lie_about_size(data: bytes, member: str, claimed: int) -> bytes:
    """The same zip with ``member``'s uncompressed size rewritten in both headers."""
    out = bytearray(data)
    name = member.encode()
    # Local file header: signature, ..., uncompressed size at offset 22, name at 30.
    pos = out.find(b"PK\x03\x04" + b"", 0)
    while pos != -1:
        n_len = struct.unpack_from("<H", out, pos + 26)[0]
        if bytes(out[pos + 30 : pos + 30 + n_len]) == name:
            struct.pack_into("<I", out, pos + 22, claimed)
        pos = out.find(b"PK\x03\x04", pos + 4)
    # Central directory entry: uncompressed size at offset 24, name at 46.
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        n_len = struct.unpack_from("<H", out, pos + 28)[0]
        if bytes(out[pos + 46 : pos + 46 + n_len]) == name:
            struct.pack_into("<I", out, pos + 24, claimed)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def xlsx_with_doctype(prolog: str = BILLION_LAUGHS) -> bytes:
    rows = [GOOD_TABLE[0], ["信息消费规模", "全国", "2022", "7.1", "&lol3;"]]
    return xlsx(sheet(sheet_rows(rows), prolog=prolog))


def csv_wide_header(columns: int) -> bytes:
    """One line of ``columns`` cells and no data (the review's 9.9 MB, 1,000,000 columns)."""
    return (",".join(f"c{i % 10}" for i in range(columns)) + "\n").encode()


def csv_one_line_no_newline() -> bytes:
    return HEADER.encode()


def csv(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")
