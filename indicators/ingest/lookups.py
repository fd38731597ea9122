"""The first step of an upload's check (``resolve.check_rows``): each distinct text of a
column resolved once, into a small lookup table the rows reach by their codes.

A file repeats a few dozen names, periods, units and qualifiers: the rows carry each text's
position in its column's dictionary, and an answer reaches them as an Arrow dictionary column
(the codes over the lookup's column), so no join and no copy is made. Numbers written
plainly are cast in one pass, the rest parsed once per distinct text; a figure given twice is
found by counting one integer per (indicator, region, period).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from indicators.base.catalog import Catalog
from indicators.base.periods import ISO_DAY
from indicators.ingest.match import key
from indicators.ingest.units import WrittenUnitStatus, resolve_unit
from indicators.ingest.values import _PREFIXES, PLAIN_NUMBER, parse_value

QUALIFIERS = {key(w): s for w, s in _PREFIXES}
# Arrow's and DuckDB's regular expressions are both RE2: `PLAIN_NUMBER` means the same here.
PLAIN_SQL = PLAIN_NUMBER.replace("'", "''")


def lookup_table(
    texts: Sequence[str],
    fn: Callable[[str], dict[str, Any]],
    schema: dict[str, pa.DataType],
    keyed: str | None = None,
    known: dict[str, dict[str, Any]] | None = None,
) -> pa.Table:
    """Each distinct text's answers; with `keyed`, also `k`, a small integer per distinct
    answer in that column, so (indicator, region, period) fits in one BIGINT. `known`: the
    answers for some texts already worked out (fn is asked for the rest)."""
    known = known or {}
    answers = [known.get(t) or fn(t) for t in texts]
    # `c`: the text's position in the column's dictionary, which the rows carry instead.
    table = pa.table(
        {
            "text": pa.array(texts, pa.string()),
            "c": pa.array(np.arange(len(texts), dtype=np.int32)),
            **{c: pa.array([a[c] for a in answers], t) for c, t in schema.items()},
        }
    )
    if keyed is not None:
        dense = {
            v: i for i, v in enumerate(sorted({a[keyed] for a in answers if a[keyed] is not None}))
        }
        table = table.append_column(
            "k", pa.array([dense.get(a[keyed]) for a in answers], pa.int64())
        )
    return table


ENCODED = ("indicator", "region", "period", "unit", "qualifier")


def dictionary_encoded(column: pa.ChunkedArray) -> pa.DictionaryArray:
    return pc.dictionary_encode(column.combine_chunks())


def stored_text(column: pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Source and note as stored: trimmed, an empty cell no text."""
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(trimmed, ""), None, trimmed)


def iso_days(texts: list[str], today: date) -> dict[str, dict[str, Any]]:
    """The answers parse_period gives for ISO dates ("2019-08-31"), worked out in a few Arrow
    passes: a file of daily figures has thousands of distinct days. A text that is not a
    real date (2019-02-30, year 0) is left to parse_period, which says why."""
    arr = pa.array(texts, pa.string())
    iso = np.flatnonzero(
        np.asarray(
            pc.match_substring_regex(arr, f"^{ISO_DAY.pattern}$").to_numpy(zero_copy_only=False)
        )
    )
    if not iso.size:
        return {}
    candidates = arr.take(pa.array(iso))
    days = pc.strptime(candidates, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2019-02-30 over to 03-02: only a date that reads back as written is one.
    real = pc.fill_null(pc.equal(pc.strftime(days, format="%Y-%m-%d"), candidates), False)
    year = pc.fill_null(pc.year(days), 0).to_numpy()
    ok = np.asarray(real.to_numpy(zero_copy_only=False), dtype=bool) & (year >= 1)
    doy = pc.fill_null(pc.day_of_year(days), 1).to_numpy()
    in_year = np.where(np.asarray(pc.fill_null(pc.is_leap_year(days), False)), 366, 365)
    # As periods.t_of_date: the year before, plus the share of this year gone by its end.
    t = (year - 1).astype(np.float64) + doy / in_year
    after = np.asarray(
        pc.fill_null(pc.greater(pc.cast(days, pa.date32()), pa.scalar(today, pa.date32())), False)
    )
    labels = candidates.to_pylist()
    return {
        labels[i]: {
            "label": labels[i],
            "t": float(t[i]),
            "after_today": bool(after[i]),
            "year": int(year[i]),
            "blank": False,
        }
        for i in np.flatnonzero(ok).tolist()
    }


def k_of_rows(lookup: pa.Table, codes: np.ndarray) -> np.ndarray:
    """Each row's `k` (its distinct answer's number; -1: none), as int64."""
    k = np.asarray(lookup.column("k").fill_null(-1).to_numpy(), dtype=np.int64)
    return k[codes]


@dataclass(frozen=True)
class Values:
    """The value column: numbers per row, and what the rules need of each cell."""

    columns: dict[str, Any]  # added to the rows the rules read
    sql: str  # raw_number, blank_value, percent, cell_qualifier: SQL over those columns
    cell_units: list[str]  # the units written in cells; "" first
    cell_unit_code: np.ndarray  # per row, its position in `cell_units`


def values_of(col: pa.Array) -> Values:
    """Plain numbers (nearly every cell of a big file) are cast at once; the rest ("约5",
    ">98", "98%", "", "n/a") parsed once per distinct text."""
    n = len(col)
    plain = None
    if not col.null_count:
        try:
            plain = pc.cast(col, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            plain = None
    if plain is not None and bool(pc.all(pc.is_finite(plain)).as_py() or n == 0):
        # Arrow's number grammar is PLAIN_NUMBER without the spaces: every cell is plain.
        return Values(
            {"plain_number": plain},
            "plain_number AS raw_number, false AS blank_value, false AS percent, "
            "NULL::VARCHAR AS cell_qualifier, NULL::DOUBLE AS raw_high",
            [""],
            np.zeros(n, np.int32),
        )
    special = pc.invert(pc.match_substring_regex(col, PLAIN_NUMBER))
    distinct = pc.unique(col.filter(special))

    def value_of(text: str) -> dict[str, Any]:
        cell = parse_value(text)
        unit = "%" if cell.percent else cell.unit
        return {
            "number": cell.value,
            "high": cell.high,
            "qualifier": cell.qualifier,
            "percent": cell.percent,
            "cell_unit": unit or "",
            "blank": not text.strip(),
            "found": True,
        }

    val_map = lookup_table(
        distinct.to_pylist(),
        value_of,
        {
            "number": pa.float64(),
            "high": pa.float64(),
            "qualifier": pa.string(),
            "percent": pa.bool_(),
            "cell_unit": pa.string(),
            "blank": pa.bool_(),
            "found": pa.bool_(),
        },
    )
    # A plain cell is in no lookup: its index is null, and so is every answer below.
    idx = pc.index_in(col, value_set=distinct)

    def of(column: str) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(idx, val_map.column(column).combine_chunks())

    cell_units = ["", *sorted({u for u in val_map.column("cell_unit").to_pylist() if u})]
    per_text = np.array(
        [cell_units.index(u) for u in val_map.column("cell_unit").to_pylist()] + [0], dtype=np.int32
    )
    row_unit = per_text[np.asarray(idx.fill_null(len(distinct)).to_numpy(), dtype=np.int64)]
    return Values(
        {
            "value_text": col,
            "val_found": of("found"),
            "val_number": of("number"),
            "val_high": of("high"),
            "val_qualifier": of("qualifier"),
            "val_percent": of("percent"),
            "val_blank": of("blank"),
        },
        "CASE WHEN val_found THEN val_number ELSE TRY_CAST(value_text AS DOUBLE) END "
        "AS raw_number, coalesce(val_blank, false) AS blank_value, "
        "coalesce(val_percent, false) AS percent, val_qualifier AS cell_qualifier, "
        "val_high AS raw_high",
        cell_units,
        row_unit,
    )


def distinct_combos(key: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a small-integer key and each row's position among them."""
    if space <= 1 << 22:  # a count per possible key: no sort of a million rows
        present = np.flatnonzero(np.bincount(key, minlength=space))
        dense = np.full(space, -1, dtype=np.int32)
        dense[present] = np.arange(len(present), dtype=np.int32)
        return present, dense[key]
    present, inverse = np.unique(key, return_inverse=True)
    return present, inverse.astype(np.int32)


def unit_lookup(
    texts: dict[str, list[str]],
    codes: dict[str, np.ndarray],
    values: Values,
    ind: dict[str, str | None],
    catalog: Catalog,
) -> Callable[[str], pa.DictionaryArray]:
    """Factor into the catalog unit and status, per (indicator text, unit column text, unit
    written in the cell); status ok | unknown | mismatch | conflict (the cell and the unit
    column disagree) | fraction."""
    n_unit, n_cell = len(texts["unit"]), len(values.cell_units)
    key_ = (
        codes["indicator"].astype(np.int64) * n_unit + codes["unit"]
    ) * n_cell + values.cell_unit_code
    present, row_combo = distinct_combos(key_, len(texts["indicator"]) * n_unit * n_cell)
    factors: list[float | None] = []
    statuses: list[WrittenUnitStatus] = []
    for combo in present.tolist():
        rest, cell_code = divmod(combo, n_cell)
        ind_code, unit_code = divmod(rest, n_unit)
        ind_text, unit_text = texts["indicator"][ind_code], texts["unit"][unit_code]
        cell = values.cell_units[cell_code]
        tid = ind.get(ind_text)
        catalog_unit = catalog.targets[tid].unit if tid in catalog.targets else None
        factor: float | None = None
        status: WrittenUnitStatus = "ok"
        if catalog_unit is not None:
            res = resolve_unit(unit_text, catalog_unit)
            factor, status = res.factor, res.status
        if cell:
            if unit_text.strip() and key(unit_text) != key(cell):
                factor, status = None, "conflict"
            elif catalog_unit is not None:
                res = resolve_unit(cell, catalog_unit)
                factor, status = res.factor, res.status
        factors.append(factor)
        statuses.append(status)
    answers = {"factor": pa.array(factors, pa.float64()), "status": pa.array(statuses, pa.string())}
    indices = pa.array(row_combo, pa.int32())
    return lambda column: pa.DictionaryArray.from_arrays(indices, answers[column])


def duplicates(ks: dict[str, np.ndarray], excel_row: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Per row, the first row (position and Excel row) giving the same (indicator, region,
    period), where that figure is given more than once; null elsewhere."""
    n = len(excel_row)
    none = pa.nulls(n, pa.int64())
    sizes = [int(ks[f].max(initial=-1)) + 1 for f in ("indicator", "region", "period")]
    rows = np.flatnonzero((ks["indicator"] >= 0) & (ks["region"] >= 0) & (ks["period"] >= 0))
    if not rows.size:
        return none, none
    # One integer per figure: a figure given twice is an integer seen twice.
    figure = (ks["indicator"][rows] * sizes[1] + ks["region"][rows]) * sizes[2] + ks["period"][rows]
    if sizes[0] * sizes[1] * sizes[2] <= 1 << 22:  # a count per possible figure, no sort
        counts = np.bincount(figure)
        if counts.max() < 2:
            return none, none
        repeated = counts[figure] > 1
        rows, figure = rows[repeated], figure[repeated]
    order = np.argsort(figure, kind="stable")  # within a figure, file order
    ordered = figure[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]]
    starts = np.flatnonzero(new)
    sizes_of = np.diff(np.r_[starts, len(ordered)])
    if sizes_of.max(initial=0) < 2:
        return none, none
    group = np.cumsum(new) - 1
    in_order = rows[order]
    first_rn = np.full(n, -1, dtype=np.int64)
    first_row = np.zeros(n, dtype=np.int64)
    first_rn[in_order] = in_order[starts][group]
    first_row[in_order] = np.minimum.reduceat(excel_row[in_order], starts)[group]
    missing = first_rn < 0
    # A figure given once is its own first: no rule reads that as a duplicate.
    return (
        pa.array(first_rn, pa.int64(), mask=missing),
        pa.array(first_row, pa.int64(), mask=missing),
    )


# Doubles stay finite: "1e999" is not a number, and NaN would compare above every bound.
