"""Tables as statistical yearbooks, bulletins (统计公报) and web pages print them.

A yearbook sheet puts a title, blank and unit rows above the header (`单位：%`), may spread the
header over two rows (a year spanning sub-columns), writes units in headers (`规模(亿元)`),
lists sub-rows under a region (`其中：城市`, `#深圳`) and ends with notes (`注：…`). `locate`
finds the header, reads the unit and sets aside the rows that are not figures, saying which
and why, so the planner sees how the sheet was read before anything is stored. What cannot
be read unambiguously (two figures per period and no way to tell which one is meant) is
refused with a reason, never guessed.

A file in our own template has its header on the first row and none of the above: `locate`
then returns it unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from indicators.base.catalog import Catalog
from indicators.ingest.layout import NO_DATA, LongTable, _is_period
from indicators.ingest.match import header_role, key, match_indicator, match_region
from indicators.ingest.read import RawTable
from indicators.ingest.report import Problem, column_label, column_letter
from indicators.ingest.units import is_known_unit, resolve_unit
from indicators.ingest.values import parse_value

# The header is looked for among the first rows only: a title block is a few rows long.
SCAN_ROWS = 30
NOTE_TAIL = 50
_LABEL = r"(?:计量单位|单位|unit|units)"
_UNIT_CELL = re.compile(rf"^\s*{_LABEL}\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)
_PAREN_UNIT = re.compile(
    rf"^(.*?)\s*[(（]\s*(?:{_LABEL}\s*[:：]\s*)?([^()（）]+?)\s*[)）]\s*$", re.IGNORECASE
)
# Notes under a table; written for Arrow's RE2 (\x{3000} is the full-width space).
_NOTE_RE2 = (
    r"^[\s\x{3000}]*(?:注[\s\x{3000}]*\d*|附注|资料来源|数据来源|来源|说明|备注|"
    r"(?i:notes?)|(?i:sources?))[\s\x{3000}]*[:：]"
)
# Marks of a row that details the one above: `#深圳`, `其中：城市`, or an indent.
_SUBROW = re.compile(r"^(?:[\s\u3000]*(?:[#＃]+|其中\s*[:：]?|内\s*[:：]))+\s*|^[\s\u3000]+")
# Totals and groupings yearbooks print between regions: not regions, not errors.
_AGGREGATES = frozenset(
    key(w)
    for w in (
        "合计",
        "总计",
        "总 计",
        "小计",
        "东部地区",
        "中部地区",
        "西部地区",
        "东北地区",
        "东部",
        "中部",
        "西部",
        "东北",
        "城镇",
        "农村",
        "城市",
        "乡村",
        "total",
        "subtotal",
    )
)


@dataclass(frozen=True)
class Ignored:
    """A row (or column) of the sheet that holds no figure to store, and why."""

    excel_row: int
    text: str
    reason: str  # title | unit | note | subrow | column
    column: str | None = None


@dataclass(frozen=True)
class Shape:
    """How a sheet was read: the preview shows it before anything is committed."""

    header_rows: tuple[int, ...] = (1,)
    ignored: tuple[Ignored, ...] = ()
    unit: str | None = None  # the unit the table states for its values, as written
    unit_cell: str | None = None  # where it says so, "A3 · 单位：%"
    column_units: dict[str, str] = field(default_factory=dict)  # column label -> unit
    indicator: str | None = None  # named by a two-row header's sub-columns
    no_figure: int = 0  # cells marked as having no figure (…, -, 空)
    problems: tuple[Problem, ...] = ()
    found: bool = True  # False: no row looked like a header; read as the first row

    @property
    def plain(self) -> bool:
        """Nothing to say: a header on row 1, nothing ignored, no unit read from the layout."""
        return (
            self.header_rows == (1,)
            and not self.ignored
            and self.unit is None
            and not self.column_units
            and not self.no_figure
        )


def split_unit(text: str) -> tuple[str, str | None]:
    """`规模(亿元)` -> (`规模`, `亿元`): a known unit in brackets, or any after `单位：`."""
    m = _PAREN_UNIT.match(text)
    if m and (
        is_known_unit(m.group(2)) or re.search(rf"[(（]\s*{_LABEL}\s*[:：]", text, re.IGNORECASE)
    ):
        return m.group(1).strip(), m.group(2).strip()
    return text.strip(), None


def unit_of_cell(text: str) -> str | None:
    """The unit a cell above the header states: `单位：亿元`, `(万亿元)`, a title's `(%)`."""
    m = _UNIT_CELL.match(text)
    return m.group(1) if m else split_unit(text)[1]


_TITLE_NOISE = re.compile(
    r"^\s*(?:表\s*[\w.\-－]*\s+)?(?:\d{4}\s*年\s*)?(?:各地区|分地区|各省|分省)?"
)


def indicator_of_title(catalog: Catalog, text: str) -> str | None:
    """A title that is exactly an indicator's name (`表3 各地区行政村通光纤比例（%）`)."""
    return match_indicator(catalog, _TITLE_NOISE.sub("", split_unit(text)[0]))


def _name(text: str) -> str:
    return split_unit(text)[0]


def _is_header_row(cells: list[str]) -> bool:
    """Two cells or more, one a period or a known column name, and no figure among them (a
    data row that holds a year is not a header)."""
    filled = [c for c in cells if c.strip()]
    return (
        len(filled) >= 2
        and any(header_role(_name(c)) is not None or _is_period(_name(c)) for c in filled)
        and all(_is_period(_name(c)) or parse_value(c).value is None for c in filled)
    )


def _top_rows(raw: RawTable, n: int) -> list[tuple[int, list[str]]]:
    k = min(n, raw.n_rows)
    cols = [raw.cells.column(i).slice(0, k).to_pylist() for i in range(len(raw.headers))]
    return [(raw.header_row, list(raw.headers))] + [
        (int(raw.excel_rows[r]), [str(c[r]) for c in cols]) for r in range(k)
    ]


def _is_sub_header(cells: list[str]) -> bool:
    """A second header row: no label, and words or periods rather than figures."""
    filled = [c for c in cells[1:] if c.strip()]
    return (
        not cells[0].strip()
        and bool(filled)
        and all(_is_period(_name(c)) or parse_value(c).value is None for c in filled)
    )


def _two_row_candidate(headers: list[str], below: list[str]) -> bool:
    """A second header row under this one: never under a long table's header (a row with an
    empty first cell there is a data row with a blank), and only where periods are."""
    roles = {header_role(_name(h)) for h in headers if h}
    if {"period", "value"} <= roles or not _is_sub_header(below):
        return False
    return any(_is_period(_name(c)) for c in [*headers, *below] if c.strip())


def _title_block(
    rows: list[tuple[int, list[str]]], catalog: Catalog
) -> tuple[list[Ignored], str | None, str | None, str | None]:
    """The rows above the header, set aside: each as a title or a unit row; the first unit
    found (and its cell), and an indicator named by a title."""
    ignored: list[Ignored] = []
    unit = unit_cell = titled = None
    for number, cells in rows:
        text = " ".join(c.strip() for c in cells if c.strip())
        found = next(
            (
                (j, u)
                for j, c in enumerate(cells)
                if c.strip() and (u := unit_of_cell(c)) is not None
            ),
            None,
        )
        if found is not None and unit is None:
            j, unit = found
            unit_cell = f"{column_letter(j)}{number} · {cells[j].strip()}"
        ignored.append(Ignored(number, text, "unit" if found else "title"))
        titled = titled or indicator_of_title(catalog, text)
    return ignored, unit, unit_cell, titled


def locate(
    raw: RawTable, catalog: Catalog, *, indicator: str | None = None
) -> tuple[RawTable, Shape]:
    """The table below its title block, with notes and sub-rows set aside."""
    top = _top_rows(raw, SCAN_ROWS)
    h = next((i for i, (_n, cells) in enumerate(top) if _is_header_row(cells)), None)
    if h is None:  # nothing looks like a header: read as before, and say what is wrong
        return raw, Shape(found=False)
    ignored, unit, unit_cell, titled = _title_block(top[:h], catalog)
    header_number, headers = top[h]
    headers = [c.strip() for c in headers]
    header_rows = [header_number]
    body_start = h  # position in raw.cells of the first row below the header
    column_units: dict[int, str] = {}
    problems: list[Problem] = []
    found_indicator = None
    drop: list[int] = []
    if h + 1 < len(top) and _two_row_candidate(headers, top[h + 1][1]):
        sub_number, sub = top[h + 1]
        header_rows.append(sub_number)
        body_start += 1
        headers, column_units, drop, found_indicator, problem = _two_rows(
            headers, [c.strip() for c in sub], header_number, catalog, indicator or titled
        )
        if problem is not None:
            problems.append(problem)
    for j, text in enumerate(headers):
        name, u = split_unit(text)
        if u is None:
            continue
        headers[j] = name
        if _is_period(name):
            column_units.setdefault(j, u)
        elif header_role(name) != "unit" and unit is None:
            unit, unit_cell = u, f"{column_letter(j)}{header_number} · {text}"
    for j in drop:
        below = top[h + 1][1][j].strip()
        ignored.append(
            Ignored(header_number, f"{headers[j]} {below}", "column", column_label(j, headers[j]))
        )
        headers[j] = ""
    cells = raw.cells.slice(body_start)
    rows = raw.excel_rows[body_start:]
    if drop:  # emptied, not removed, so every other column keeps its Excel letter
        cells = pa.table(
            {
                name: (
                    pa.array([""] * cells.num_rows, pa.string()) if i in drop else cells.column(i)
                )
                for i, name in enumerate(cells.column_names)
            }
        )
    keep = np.ones(cells.num_rows, dtype=bool)
    notes = _note_rows(cells)
    for i in np.flatnonzero(notes):
        ignored.append(Ignored(int(rows[i]), _row_text(cells, int(i)), "note"))
    keep &= ~notes
    label = _label_column(headers)
    if label is not None:
        cells, sub_rows = _sub_rows(cells, label, headers, catalog)
        for i in np.flatnonzero(sub_rows & keep):
            ignored.append(
                Ignored(int(rows[i]), cells.column(label)[int(i)].as_py().strip(), "subrow")
            )
        keep &= ~sub_rows
    if not keep.all():
        cells = cells.filter(pa.array(keep))
        rows = rows[keep]
    located = RawTable(headers, cells, rows, raw.info, raw.problems, header_row=header_number)
    labels = {column_label(j, headers[j]): u for j, u in column_units.items()}
    shape = Shape(
        tuple(header_rows),
        tuple(sorted(ignored, key=lambda x: x.excel_row)),
        unit,
        unit_cell,
        labels,
        found_indicator or titled,
        _no_figure_cells(located),
        tuple(problems),
    )
    return located, shape


def _two_rows(
    top: list[str],
    sub: list[str],
    row: int,
    catalog: Catalog,
    indicator: str | None,
) -> tuple[list[str], dict[int, str], list[int], str | None, Problem | None]:
    """One header from two: each column's period, and which sub-column holds the figure.

    A merged cell spans sub-columns, and Excel keeps its text only in the first of them, so
    the upper row is filled rightwards first.
    """
    filled, last = [], ""
    for j, t in enumerate(top):
        if t:
            last = t if j > 0 and header_role(t) not in ("indicator", "region") else ""
        filled.append(t or last)
    headers: list[str] = []
    measures: dict[int, tuple[str, str | None]] = {}  # period column -> (measure, unit)
    for j, (t, s) in enumerate(zip(filled, sub + [""] * (len(filled) - len(sub)), strict=False)):
        (tn, tu), (sn, su) = split_unit(t), split_unit(s)
        if not s or not t:
            headers.append(t or s)
        elif _is_period(tn):
            headers.append(tn)
            measures[j] = (sn, su or tu)
        elif _is_period(sn):
            headers.append(sn)
            measures[j] = (tn, su or tu)
        else:
            headers.append(f"{t} {s}")
    units = {j: u for j, (_m, u) in measures.items() if u}
    names = {key(m) for m, _u in measures.values() if m}
    if len(names) <= 1:
        # One figure per period: its sub-header is a unit, or names the indicator.
        only = next((m for m, _u in measures.values() if m), "")
        return headers, units, [], match_indicator(catalog, only) if only else None, None
    chosen = match_indicator(catalog, indicator) if indicator else None
    target = catalog.targets.get(chosen) if chosen else None
    take: list[int] = []
    if target is not None:
        take = [j for j, (m, _u) in measures.items() if match_indicator(catalog, m) == chosen]
        if not take:  # no sub-column named after it: the one in its unit
            take = [
                j
                for j, (_m, u) in measures.items()
                if u and resolve_unit(u, target.unit).status == "ok"
            ]
        taken = {key(measures[j][0]) for j in take}
        if len(taken) != 1:
            take = []
    listed = "、".join(dict.fromkeys(m for m, _u in measures.values() if m))
    if not take:
        return (
            headers,
            units,
            [],
            None,
            Problem("ambiguous_columns", excel_row=row, value=listed, params={"measures": listed}),
        )
    drop = [j for j in measures if j not in take]
    return headers, {j: u for j, u in units.items() if j in take}, drop, None, None


def _row_text(cells: pa.Table, i: int) -> str:
    return " ".join(
        t.strip()
        for t in (cells.column(c)[i].as_py() for c in range(cells.num_columns))
        if t.strip()
    )


def _filled_counts(cells: pa.Table) -> np.ndarray:
    counts = np.zeros(cells.num_rows, dtype=np.int64)
    for col in cells.columns:
        counts += np.asarray(
            pc.not_equal(pc.utf8_trim_whitespace(col), "").to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )
    return counts


def _note_rows(cells: pa.Table) -> np.ndarray:
    """A note (`注：…`, `资料来源：…`) alone on its row, and the lines that continue it."""
    n = cells.num_rows
    if not n or not cells.num_columns:
        return np.zeros(n, dtype=bool)
    # Notes close a table: looking at its last rows keeps a million-row file fast.
    tail = max(0, n - NOTE_TAIL)
    if tail:
        out = np.zeros(n, dtype=bool)
        out[tail:] = _note_rows(cells.slice(tail))
        return out
    counts = _filled_counts(cells)
    first = pc.coalesce(
        *[pc.if_else(pc.equal(pc.utf8_trim_whitespace(c), ""), None, c) for c in cells.columns],
        pa.scalar("", pa.string()),
    )
    starts = np.asarray(
        pc.match_substring_regex(first, _NOTE_RE2).to_numpy(zero_copy_only=False), dtype=bool
    ) & (counts == 1)
    if not starts.any():
        return starts
    out = np.zeros(n, dtype=bool)
    begin = int(np.argmax(starts))
    out[begin:] = counts[begin:] <= 1
    return out | starts


def _label_column(headers: list[str]) -> int | None:
    """The column of region (or indicator) names in a sheet with periods across the top."""
    roles = [header_role(h) if h else None for h in headers]
    if "value" in roles and "period" in roles:
        return None  # a long table: its names are checked as they are
    if not any(_is_period(h) for h in headers if h):
        return None
    for role in ("region", "indicator"):
        if role in roles:
            return roles.index(role)
    return 0 if headers and not _is_period(headers[0]) and roles[0] is None else None


def _sub_rows(
    cells: pa.Table, label: int, headers: list[str], catalog: Catalog
) -> tuple[pa.Table, np.ndarray]:
    """Rows that detail the one above or total several (`其中：城市`, `#深圳`, `合计`).

    A name that matches a region (or indicator) is kept, whatever its marks or spaces; one
    that does not is set aside only when it is marked as a sub-row or is a known total, so a
    misspelt province is still reported as an unknown region.
    """
    col = cells.column(label)
    texts = set(pc.unique(col).to_pylist())
    role = header_role(headers[label])
    if role is None:
        as_regions = sum(match_region(catalog, t) is not None for t in texts)
        as_indicators = sum(match_indicator(catalog, t) is not None for t in texts)
        role = "region" if as_regions >= as_indicators else "indicator"
    match = match_region if role == "region" else match_indicator
    rename: dict[str, str] = {}
    skip: list[str] = []
    for t in texts:
        if not t.strip() or match(catalog, t) is not None:
            continue
        bare = _SUBROW.sub("", t)
        if bare != t and match(catalog, bare) is not None:
            rename[t] = bare
        elif bare != t or key(bare) in _AGGREGATES:
            skip.append(t)
    mask = (
        np.asarray(
            pc.is_in(col, value_set=pa.array(skip, pa.string())).to_numpy(zero_copy_only=False),
            dtype=bool,
        )
        if skip
        else np.zeros(cells.num_rows, dtype=bool)
    )
    if rename:
        fixed = pa.array([rename.get(t, t) for t in col.to_pylist()], pa.string())
        cells = cells.set_column(label, cells.column_names[label], fixed)
    return cells, mask


def _no_figure_cells(raw: RawTable) -> int:
    """Cells in period columns marked as having no figure: shown, never an error."""
    markers = pa.array([m for m in NO_DATA if m])
    total = 0
    for j, h in enumerate(raw.headers):
        if h and header_role(h) is None and _is_period(h):
            col = pc.utf8_lower(pc.utf8_trim_whitespace(raw.cells.column(j)))
            total += int(pc.sum(pc.is_in(col, value_set=markers)).as_py() or 0)
    return total


def apply_units(long: LongTable, shape: Shape) -> LongTable:
    """Rows without a unit of their own take their column's (`2019年(亿元)`) or the table's."""
    if shape.unit is None and not shape.column_units:
        return long
    table = long.table
    unit = table.column("unit")
    blank = pc.equal(pc.utf8_trim_whitespace(unit), "")
    if shape.column_units and "value_col" in table.column_names:
        from_col = pa.array(
            [shape.column_units.get(c, "") for c in table.column("value_col").to_pylist()],
            pa.string(),
        )
        unit = pc.if_else(blank, from_col, unit)
        blank = pc.equal(pc.utf8_trim_whitespace(unit), "")
    labels = dict(long.labels)
    if shape.unit is not None:
        unit = pc.if_else(blank, pa.scalar(shape.unit, pa.string()), unit)
        labels.setdefault("unit", shape.unit_cell or "")
    idx = table.column_names.index("unit")
    return replace(long, table=table.set_column(idx, "unit", unit), labels=labels)
