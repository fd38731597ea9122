"""Long or wide: which sheet a planner sent, and the reshape to one row per figure.

Long: one row per (indicator, region, period, value[, unit, qualifier, source, note]).
Wide: indicators (or regions) down the side, periods across the top, as planners keep them;
the dimension not in the sheet (the region of an indicator table, say) is chosen by the
planner for the whole sheet, never assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from indicators.base.catalog import Catalog
from indicators.base.periods import PeriodError, parse_period
from indicators.ingest.match import HEADER_ALIASES, header_role, match_indicator, match_region
from indicators.ingest.read import RawTable
from indicators.ingest.report import Problem, column_label

Layout = Literal["auto", "long", "wide"]
LONG_FIELDS = (
    "indicator",
    "region",
    "period",
    "value",
    "unit",
    "qualifier",
    "source",
    "note",
    "published",
)
# What Chinese statistical tables put in a cell with no figure.
NO_DATA = ("", "-", "—", "–", "--", "——", "…", "……", "...", "/", "n/a", "na", "无", "空", "－", "―")


@dataclass(frozen=True)
class LongTable:
    """One string row per figure, with where each cell came from."""

    table: pa.Table  # excel_row + LONG_FIELDS (+ value_col for wide sheets)
    labels: dict[str, str]  # field -> column label, for fields from one column
    layout: Literal["long", "wide"]
    side: str | None = None  # wide: "indicator" or "region" down the side
    problems: list[Problem] = field(default_factory=list)

    def label(self, fld: str, row: int) -> str:
        # A unit read from a period's header ("2019年(亿元)") is that column's too.
        by_column = fld in ("value", "period") or (fld == "unit" and fld not in self.labels)
        if by_column and "value_col" in self.table.column_names:
            return str(self.table.column("value_col")[row].as_py())
        return self.labels.get(fld, "")


def _is_period(header: str) -> bool:
    try:
        parse_period(header)
    except PeriodError:
        return False
    return True


def _expected(role: str) -> str:
    return " / ".join(HEADER_ALIASES[role][:4])


def _const(text: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(text, pa.string()), n)


def reshape(
    raw: RawTable,
    catalog: Catalog,
    *,
    layout: Layout = "auto",
    indicator: str | None = None,
    region: str | None = None,
) -> LongTable:
    """Turn a raw table into long rows; `indicator`/`region` fill a dimension the sheet lacks."""
    headers = raw.headers
    roles = [header_role(h) if h else None for h in headers]
    periods = [r is None and bool(h) and _is_period(h) for h, r in zip(headers, roles, strict=True)]
    if layout == "auto":
        layout = (
            "long"
            if "value" in roles and "period" in roles
            else ("wide" if any(periods) else "long")
        )
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, role in enumerate(roles):
        if role is None:
            continue
        if role in seen:
            problems.append(
                Problem(
                    "duplicate_column",
                    excel_row=1,
                    column=column_label(i, headers[i]),
                    value=headers[i],
                )
            )
        seen.setdefault(role, i)
    if layout == "long":
        out = _long(raw, roles, seen, indicator, region, problems)
    else:
        out = _wide(raw, catalog, roles, periods, seen, indicator, region, problems)
    if raw.header_row != 1:  # a header found below title rows: point at it
        out.problems[:] = [
            replace(p, excel_row=raw.header_row) if p.excel_row == 1 else p for p in out.problems
        ]
    return out


def _set_aside(raw: RawTable, i: int) -> bool:
    """A column with no header and no cell: one the reader of a two-row header emptied."""
    col = raw.cells.column(i)
    return not raw.headers[i] and (
        not len(col) or not pc.any(pc.not_equal(pc.utf8_trim_whitespace(col), "")).as_py()
    )


def _unknown_column(i: int, header: str) -> Problem:
    if not header:
        return Problem("too_many_columns_header", excel_row=1, column=column_label(i, header))
    return Problem("unknown_column", excel_row=1, column=column_label(i, header), value=header)


def _fill_defaults(
    columns: dict[str, pa.Array],
    labels: dict[str, str],
    n: int,
    indicator: str | None,
    region: str | None,
    problems: list[Problem],
) -> None:
    for role, default in (("indicator", indicator), ("region", region)):
        if role in columns:
            continue
        if default:
            columns[role] = _const(default, n)
            labels[role] = f"({default})"
        else:
            problems.append(
                Problem(
                    "missing_column",
                    excel_row=1,
                    params={"role": role, "expected": _expected(role)},
                )
            )


def _long(
    raw: RawTable,
    roles: list[str | None],
    seen: dict[str, int],
    indicator: str | None,
    region: str | None,
    problems: list[Problem],
) -> LongTable:
    n, headers = raw.n_rows, raw.headers
    for i, role in enumerate(roles):
        if role is None and not _set_aside(raw, i):
            problems.append(_unknown_column(i, headers[i]))
    columns: dict[str, pa.Array] = {}
    labels: dict[str, str] = {}
    for role, i in seen.items():
        columns[role] = raw.cells.column(i)
        labels[role] = column_label(i, headers[i])
    for role in ("period", "value"):
        if role not in columns:
            problems.append(
                Problem(
                    "missing_column",
                    excel_row=1,
                    params={"role": role, "expected": _expected(role)},
                )
            )
    _fill_defaults(columns, labels, n, indicator, region, problems)
    table = pa.table(
        {
            "excel_row": pa.array(raw.excel_rows, pa.int64()),
            **{f: columns[f] if f in columns else _const("", n) for f in LONG_FIELDS},
        }
    )
    return LongTable(table, labels, "long", problems=problems)


def _side_of(raw: RawTable, catalog: Catalog, i: int) -> Literal["indicator", "region"]:
    """Whether an unnamed label column lists indicators or regions, by which its cells match."""
    names = set(raw.cells.column(i).to_pylist())
    as_indicators = sum(match_indicator(catalog, x) is not None for x in names)
    as_regions = sum(match_region(catalog, x) is not None for x in names)
    return "region" if as_regions > as_indicators else "indicator"


def _wide(
    raw: RawTable,
    catalog: Catalog,
    roles: list[str | None],
    periods: list[bool],
    seen: dict[str, int],
    indicator: str | None,
    region: str | None,
    problems: list[Problem],
) -> LongTable:
    headers = raw.headers
    side_cols: dict[str, int] = {
        r: i
        for r, i in seen.items()
        if r in ("indicator", "region", "unit", "source", "note", "published")
    }
    for long_role in ("value", "period", "qualifier"):
        if long_role in seen:
            i = seen[long_role]
            problems.append(_unknown_column(i, headers[i]))
    side = next((r for r in ("indicator", "region") if r in side_cols), None)
    for i, (role, is_period) in enumerate(zip(roles, periods, strict=True)):
        if role is not None or is_period:
            continue
        if _set_aside(raw, i):
            continue
        if i == 0 and "indicator" not in side_cols and "region" not in side_cols:
            # A label column with a header like "项目": tell by its contents.
            side = _side_of(raw, catalog, i)
            side_cols[side] = i
        else:
            problems.append(_unknown_column(i, headers[i]))
    period_cols = [i for i, p in enumerate(periods) if p]
    if not period_cols:
        problems.append(
            Problem(
                "missing_column",
                excel_row=1,
                params={"role": "period", "expected": "2019, 2020Q1, 2020-09"},
            )
        )
    labels = {r: column_label(i, headers[i]) for r, i in side_cols.items()}
    pieces = []
    no_data = pa.array(NO_DATA)
    for j in period_cols:
        cells = raw.cells.column(j)
        keep = pc.invert(pc.is_in(pc.utf8_lower(pc.utf8_trim_whitespace(cells)), value_set=no_data))
        idx = np.flatnonzero(np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool))
        if not idx.size:
            continue
        take = pa.array(idx)
        n = idx.size
        piece: dict[str, pa.Array] = {
            "excel_row": pa.array(raw.excel_rows[idx], pa.int64()),
            "period": _const(headers[j], n),
            "value": pc.take(cells, take),
            "value_col": _const(column_label(j, headers[j]), n),
        }
        for role, i in side_cols.items():
            piece[role] = pc.take(raw.cells.column(i), take)
        pieces.append(piece)
    n_total = sum(len(p["excel_row"]) for p in pieces)
    merged: dict[str, pa.Array] = {
        k: pa.chunked_array([p[k] for p in pieces]) if pieces else pa.array([], pa.string())
        for k in ("excel_row", "period", "value", "value_col", *side_cols)
    }
    if not pieces:
        merged["excel_row"] = pa.array([], pa.int64())
    _fill_defaults(merged, labels, n_total, indicator, region, problems)
    table = pa.table(
        {
            "excel_row": merged["excel_row"],
            **{f: merged[f] if f in merged else _const("", n_total) for f in LONG_FIELDS},
            "value_col": merged["value_col"],
        }
    )
    return LongTable(table, labels, "wide", side=side, problems=problems)
