"""Tables as CSV (UTF-8 with BOM) and XLSX that open cleanly in Excel.

Header cells are in the current language and carry units: give them in
``df.attrs["units"]`` (column -> unit label) and the header reads ``列名（单位）`` or
``Column (unit)``.
A text cell that begins with ``= + - @`` (or tab / carriage return, which OWASP lists too)
followed by more text would run as a formula when a spreadsheet opens the file ("CSV
injection"); such cells are neutralised. The full-width ``＝＋－＠`` count too: spreadsheets
with an East Asian input method read them as their ASCII twins. Plain numbers, negative
ones included, stay numbers.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators.base.escape import printable
from indicators.base.formatting import qualifier_text
from indicators.base.i18n import Lang, _

MIME: dict[str, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Full-width forms first mapped to their ASCII twins, then judged alike.
_HALF_WIDTH = str.maketrans("＝＋－＠", "=+-@")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Significant digits kept in files: more than any published figure has, fewer than the
# 17 that show floating-point noise.
FLOAT_DIGITS = 10
# A figure's plotted values are computed (shares, paths, projections): six significant
# digits say everything the chart does.
FIGURE_DIGITS = 6
_NUMBER = re.compile(r"^[+-]?(\d[\d,]*)?(\.\d+)?([eE][+-]?\d+)?%?$")


def looks_like_formula(value: object) -> bool:
    """True for text a spreadsheet would evaluate: ``=1+1``, ``@SUM(A1)``, ``-cmd|...``."""
    if not isinstance(value, str) or len(value) < 2:
        return False
    value = value[:1].translate(_HALF_WIDTH) + value[1:]
    if not value.startswith(FORMULA_START):
        return False
    return not _NUMBER.match(value.strip()) or value.strip() in ("+", "-")


def neutralise(value: object) -> object:
    """The value with a leading apostrophe when it looks like a formula (Excel's own
    way to mark "this is text"); anything else unchanged."""
    return f"'{value}" if looks_like_formula(value) else value


def inert_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every text cell neutralised: for a table shown on a page, whose toolbar's "Download
    as CSV" writes the cells as shown (Streamlit escapes no formula), and for the CLI's CSV.
    The apostrophe is then shown too, which marks the text as inert where it is read."""
    return df.map(neutralise)


def header_labels(df: pd.DataFrame, lang: Lang) -> list[str]:
    units: Mapping[str, str] = df.attrs.get("units", {}) or {}
    out = []
    for col in df.columns:
        label = _("export.col.id", lang) if col == "id" else str(col)
        unit = units.get(col)
        if unit:
            label = f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"
        out.append(str(neutralise(label)))
    return out


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: object) -> Any:
    """Cells as Python scalars (numpy / pandas ones do not go into openpyxl), floats
    without binary noise (99 - 99.6 is -0.5999999999999943; the file says -0.6)."""
    if _is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float):
        return float(f"{value:.{FLOAT_DIGITS}g}")
    if isinstance(value, str):
        return printable(value)  # openpyxl refuses control characters (XML)
    return value


def to_csv_bytes(df: pd.DataFrame, lang: Lang) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on Windows reads Chinese correctly."""
    out = df.map(lambda v: neutralise(_plain(v)))
    out.columns = header_labels(df, lang)
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _sheet_title(text: str) -> str:
    return (re.sub(r"[\[\]:*?/\\]", " ", text).strip() or "data")[:31]


def _display_width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def to_xlsx_bytes(
    df: pd.DataFrame, lang: Lang, *, sheet: str = "data", notes: Sequence[str] = ()
) -> bytes:
    """One sheet of data (bold header, frozen, columns sized to fit); ``notes`` (title,
    source, data-as-of) go on a second sheet so the data sheet stays a clean table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(sheet)
    headers = header_labels(df, lang)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    widths = [_display_width(h) for h in headers]
    for row in df.itertuples(index=False):
        values = [_plain(v) for v in row]
        ws.append(values)
        for i, (cell, value) in enumerate(zip(ws[ws.max_row], values, strict=True)):
            if isinstance(value, str):
                # openpyxl would store "=..." as a formula; force text, and mark it the
                # way Excel marks a typed leading apostrophe so an edit keeps it text.
                cell.data_type = "s"
                if looks_like_formula(value):
                    cell.quotePrefix = True
            widths[i] = max(widths[i], _display_width(value))
    ws.freeze_panes = "A2"
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(w + 2, 60)
    if notes:
        ns = wb.create_sheet(_sheet_title(_("export.sheet.notes", lang)))
        for line in notes:
            ns.append([line])
            ns.cell(row=ns.max_row, column=1).data_type = "s"
        ns.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- the data behind a figure -----------------------------------------------------------------


def _axis_title(fig: go.Figure, axis: str) -> str | None:
    ax = getattr(fig.layout, axis, None)
    text = ax.title.text if ax is not None and ax.title is not None else None
    return text or None


def _text(title: object) -> str:
    text = getattr(title, "text", title)
    return re.sub(r"<[^>]+>", " ", str(text or "")).strip()


def figure_data(fig: go.Figure, lang: Lang) -> pd.DataFrame:
    """The numbers a figure plots, one row per point: series, category, value.

    Generic over trace types (bars, lines, markers, indicators), so any chart gets a data
    download without its builder doing anything. Axis titles (which carry the units) head
    the columns.
    """
    table = (fig.layout.meta or {}).get("data") if isinstance(fig.layout.meta, dict) else None
    if table:
        # The builder says what its marks stand for (a tile map's marks sit at grid
        # coordinates, which mean nothing in a spreadsheet).
        return pd.DataFrame(table["rows"], columns=table["columns"])
    series_col = _("export.col.series", lang)
    qual_col = _("export.col.qualifier", lang)
    rows: list[dict[str, object]] = []
    cat_label = val_label = None
    qualified = False
    for trace in fig.data:
        if getattr(trace, "mode", None) == "text":
            continue  # labels for marks drawn by another trace: no data of their own
        name = _text(getattr(trace, "name", None))
        if trace.type == "indicator":
            label = _text(trace.title) or name
            rows.append({series_col: label, "_cat": None, "_val": trace.value})
            continue
        x = getattr(trace, "x", None)
        y = getattr(trace, "y", None)
        if x is None or y is None:
            continue
        # A builder may say to what precision its values are meant and how each figure was
        # qualified as published ("约"): the download keeps both, as the chart shows them.
        meta = trace.meta if isinstance(trace.meta, dict) else {}
        decimals = meta.get("decimals")
        qualifiers = list(meta.get("qualifiers") or [])
        qualified = qualified or "qualifiers" in meta
        horizontal = getattr(trace, "orientation", None) == "h"
        cats, vals = (y, x) if horizontal else (x, y)
        if cat_label is None:
            xa = "xaxis" if not horizontal else "yaxis"
            ya = "yaxis" if not horizontal else "xaxis"
            cat_label, val_label = _axis_title(fig, xa), _axis_title(fig, ya)
        for i, (c, v) in enumerate(zip(cats, vals, strict=False)):
            if isinstance(v, float) and math.isfinite(v):
                v = round(v, decimals) if decimals is not None else float(f"{v:.{FIGURE_DIGITS}g}")
            q = qualifiers[i] if i < len(qualifiers) else ""
            rows.append(
                {series_col: name, "_cat": c, "_val": v, qual_col: qualifier_text(q, lang).strip()}
            )
    frame = pd.DataFrame(rows, columns=[series_col, "_cat", "_val", qual_col])
    if not qualified:
        frame = frame.drop(columns=[qual_col])
    return frame.rename(
        columns={
            "_cat": _text(cat_label) or _("export.col.category", lang),
            "_val": _text(val_label) or _("export.col.value", lang),
        }
    )


def figure_notes(fig: go.Figure) -> list[str]:
    """Title and annotations (source line, data-as-of) of a figure, as plain lines."""
    lines = [_text(fig.layout.title)] if fig.layout.title and fig.layout.title.text else []
    lines += [_text(a.text) for a in fig.layout.annotations or () if a.text]
    return [line for line in lines if line]
