"""From cell texts to checked rows: one SQL query over the whole upload.

A file repeats a few dozen names, periods, units and qualifiers. Each distinct text is
resolved once in Python, by the catalog's own matching (OpenCC, NFKC, aliases), into a small
lookup table; the rows reach those answers as Arrow dictionary columns (the row's code into
the column's distinct texts, the lookup as the dictionary), so no join and no copy is made.
Numbers written plainly (nearly all of a big file) are cast in one pass, the rest ("约5",
">98", "4.5万亿元") parsed once per distinct text; a figure given twice is found by counting
one integer per (indicator, region, period). One DuckDB query over the rows then converts
units and evaluates every rule of ``rules.RULES``, in parallel and without a Python object
per row. Only the first `limit` broken rows are materialised for the problem table; the
rest are counted.

The DuckDB here is an in-memory scratch database, never the store's file: the store (and
whatever backend it has) sees only rows that passed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from indicators.base.catalog import Catalog, Plausibility
from indicators.base.periods import ISO_DAY, PeriodError, parse_period
from indicators.ingest.match import key, match_indicator, match_region
from indicators.ingest.rules import broken_any_sql, broken_codes_sql, broken_count_sql
from indicators.ingest.units import WrittenUnitStatus, resolve_unit
from indicators.ingest.values import _PREFIXES, PLAIN_NUMBER, parse_value

_QUALIFIERS = {key(w): s for w, s in _PREFIXES}
# Arrow's and DuckDB's regular expressions are both RE2: `PLAIN_NUMBER` means the same here.
_PLAIN_SQL = PLAIN_NUMBER.replace("'", "''")


@dataclass(frozen=True)
class Outcome:
    """The rules over every row: how many broke, the first broken rows, or the rows."""

    n_failures: int  # every (row, rule) broken
    failing: list[dict[str, Any]]  # the first broken rows, in file order, with `broken`
    # store.ACTUAL_COLUMNS + excel_row, in file order, when nothing is broken; ids, periods and
    # units as dictionary columns
    rows: pa.Table | None


_instance: tuple[int, duckdb.DuckDBPyConnection] | None = None
_instance_guard = threading.Lock()


@contextmanager
def scratch() -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection of its own to this process's in-memory scratch database, closed (with
    whatever it registered) at the end. One database per process, not per check: opening
    one cost ~20 ms of every check. A forked child makes its own."""
    global _instance
    with _instance_guard:
        if _instance is None or _instance[0] != os.getpid():
            db = duckdb.connect(
                ":memory:",
                config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
            )
            _instance = (os.getpid(), db)
        con = _instance[1].cursor()
    try:
        con.execute("SET enable_progress_bar = false")  # a long check would draw one
        yield con
    finally:
        con.close()


def _lookup(
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


def check_rows(
    table: pa.Table,
    catalog: Catalog,
    bounds: Plausibility,
    *,
    today: date,
    shares_as_fractions: bool,
    limit: int,
) -> Outcome:
    """Every rule over every row of the long table (excel_row + LONG_FIELDS)."""
    n = table.num_rows
    # Repeated texts become integer codes here (Arrow's hash, one pass a column); each
    # distinct text is resolved once, and its answers reach the rows as Arrow dictionary
    # columns over those codes: a "join" that copies nothing.
    # Each column is a single-threaded Arrow pass that releases the GIL: side by side, the
    # seven take about half the time on two cores.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        encoding = {c: pool.submit(_encoded, table.column(c)) for c in _ENCODED}
        storing = {c: pool.submit(_stored_text, table.column(c)) for c in ("source", "note")}
    encoded = {c: f.result() for c, f in encoding.items()}
    stored = {c: f.result() for c, f in storing.items()}
    texts = {c: e.dictionary.to_pylist() for c, e in encoded.items()}
    codes = {c: e.indices.to_numpy().astype(np.int32, copy=False) for c, e in encoded.items()}
    excel_row = table.column("excel_row").to_numpy()
    ind = {t: match_indicator(catalog, t) for t in texts["indicator"]}
    units = sorted({t.unit for t in catalog.targets.values()})

    def indicator_of(text: str) -> dict[str, Any]:
        target = catalog.targets.get(ind[text] or "")
        found = bounds.for_target(target) if target else None
        return {
            "id": ind[text],
            "blank": not text.strip(),
            "kind": target.kind if target else None,
            "unit": target.unit if target else None,
            "unit_k": units.index(target.unit) if target else None,
            "low": found.low if found else None,
            "high": found.high if found else None,
        }

    def period_of(text: str) -> dict[str, Any]:
        try:
            p = parse_period(text)
        except PeriodError:
            return {
                "label": None,
                "t": None,
                "after_today": False,
                "year": None,
                "blank": not text.strip(),
            }
        return {
            "label": p.label,
            "t": p.t,
            "after_today": p.end > today,
            "year": p.year,
            "blank": False,
        }

    def qualifier_of(text: str) -> dict[str, Any]:
        stored = _QUALIFIERS.get(key(text)) if text.strip() else None
        return {"q": stored, "bad": bool(text.strip()) and stored is None}

    maps = {
        "indicator": _lookup(
            texts["indicator"],
            indicator_of,
            {
                "id": pa.string(),
                "blank": pa.bool_(),
                "kind": pa.string(),
                "unit": pa.string(),
                "unit_k": pa.int32(),
                "low": pa.float64(),
                "high": pa.float64(),
            },
            keyed="id",
        ),
        "region": _lookup(
            texts["region"],
            lambda t: {"code": match_region(catalog, t), "blank": not t.strip()},
            {"code": pa.string(), "blank": pa.bool_()},
            keyed="code",
        ),
        "period": _lookup(
            texts["period"],
            period_of,
            {
                "label": pa.string(),
                "t": pa.float64(),
                "after_today": pa.bool_(),
                "year": pa.int64(),
                "blank": pa.bool_(),
            },
            keyed="label",
            known=_iso_days(texts["period"], today),
        ),
        "qualifier": _lookup(
            texts["qualifier"], qualifier_of, {"q": pa.string(), "bad": pa.bool_()}
        ),
    }

    def of(field: str, column: str) -> pa.DictionaryArray:
        """Each row's answer for its text: the lookup column as the dictionary."""
        return pa.DictionaryArray.from_arrays(
            pa.array(codes[field], pa.int32()), maps[field].column(column).combine_chunks()
        )

    values = _values(table.column("value").combine_chunks())
    ks = {f: _k_of_rows(maps[f], codes[f]) for f in ("indicator", "region", "period")}
    units_of = _unit_lookup(texts, codes, values, ind, catalog)
    first_rn, first_row = _duplicates(ks, excel_row)
    columns: dict[str, Any] = {
        "rn": pa.array(np.arange(n, dtype=np.int64)),
        "excel_row": excel_row,
        "source": stored["source"],
        "note": stored["note"],
        "indicator_id": of("indicator", "id"),
        "indicator_k": of("indicator", "k"),
        "blank_indicator": of("indicator", "blank"),
        "region_code": of("region", "code"),
        "region_k": of("region", "k"),
        "blank_region": of("region", "blank"),
        "period": of("period", "label"),
        "period_k": of("period", "k"),
        "t": of("period", "t"),
        "after_today": of("period", "after_today"),
        "period_year": of("period", "year"),
        "blank_period": of("period", "blank"),
        "column_qualifier": of("qualifier", "q"),
        "qualifier_bad": of("qualifier", "bad"),
        "factor": units_of("factor"),
        "written_unit_status": units_of("status"),
        "kind": of("indicator", "kind"),
        "unit": of("indicator", "unit"),
        "unit_k": of("indicator", "unit_k"),
        "plausible_low": of("indicator", "low"),
        "plausible_high": of("indicator", "high"),
        "first_rn": first_rn,
        "first_row": first_row,
        **values.columns,
    }
    qualifiers = sorted(set(_QUALIFIERS.values()))
    listed = "[" + ", ".join(f"'{q}'" for q in qualifiers) + "]"
    with scratch() as con:
        con.register("checked_rows", pa.table(columns))
        con.execute(
            _CHECK_SQL.format(
                number=values.sql,
                as_fractions="true" if shares_as_fractions else "false",
                first=bounds.first_year,
                last=bounds.last_year(today),
            )
        )
        # The rows breaking any rule, found by a filter (cheaper than a count per row for
        # every row, or than the test as a column); only those are counted and, the first
        # `limit`, worked out in full.
        broken = con.sql(
            f"SELECT rn, {broken_count_sql()} AS n_broken FROM valued WHERE {broken_any_sql()}"
        ).to_arrow_table()
        n_failures = int(pc.sum(broken.column("n_broken")).as_py() or 0)
        if n_failures:
            shown = np.sort(broken.column("rn").to_numpy())[:limit]
            con.register("shown", pa.table({"rn": pa.array(shown, pa.int64())}))
            cur = con.execute(f"""
                SELECT *, {broken_codes_sql()} AS broken FROM valued
                WHERE rn IN (SELECT rn FROM shown) ORDER BY rn""")
            names = [d[0] for d in cur.description]
            failing = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            return Outcome(n_failures, failing, None)
        # Every row passed: the number in the catalog unit and the qualifier as a small code
        # (-1: none).
        out = con.sql(f"""SELECT rn, value,
                          coalesce(list_position({listed}, qualifier), 0) - 1 AS qualifier_k
                          FROM valued""").to_arrow_table()
    rn = out.column("rn").to_numpy()
    in_order = bool((rn == np.arange(n)).all())

    def in_file_order(column: str, dtype: type) -> np.ndarray:
        # A scan hands rows back in order; should a parallel plan not, `rn` says where
        # each belongs, and putting them back is one scatter, not a sort.
        got = out.column(column).to_numpy().astype(dtype, copy=False)
        if in_order:
            return got
        placed = np.empty_like(got)
        placed[rn] = got
        return placed

    def decoded(k: np.ndarray, lookup: pa.Table, column: str) -> pa.DictionaryArray:
        # k numbers the distinct answers in sorted order (see _lookup).
        dictionary = sorted({v for v in lookup.column(column).to_pylist() if v is not None})
        return pa.DictionaryArray.from_arrays(
            pa.array(k.astype(np.int32), mask=k < 0), pa.array(dictionary, pa.string())
        )

    unit_k = np.asarray(
        maps["indicator"].column("unit_k").fill_null(-1).to_numpy(), dtype=np.int32
    )[codes["indicator"]]
    t = np.asarray(maps["period"].column("t").fill_null(np.nan).to_numpy(), dtype=np.float64)[
        codes["period"]
    ]
    qualifier_k = in_file_order("qualifier_k", np.int32)
    return Outcome(
        0,
        [],
        pa.table(
            {
                "indicator_id": decoded(ks["indicator"], maps["indicator"], "id"),
                "region_code": decoded(ks["region"], maps["region"], "code"),
                "period": decoded(ks["period"], maps["period"], "label"),
                "t": t,
                "value": in_file_order("value", np.float64),
                "qualifier": pa.DictionaryArray.from_arrays(
                    pa.array(qualifier_k, pa.int32(), mask=qualifier_k < 0),
                    pa.array(qualifiers, pa.string()),
                ),
                "unit": pa.DictionaryArray.from_arrays(
                    pa.array(unit_k, pa.int32(), mask=unit_k < 0), pa.array(units, pa.string())
                ),
                "source": stored["source"],
                "note": stored["note"],
                "excel_row": excel_row,
            }
        ),
    )


_ENCODED = ("indicator", "region", "period", "unit", "qualifier")


def _encoded(column: pa.ChunkedArray) -> pa.DictionaryArray:
    return pc.dictionary_encode(column.combine_chunks())


def _stored_text(column: pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Source and note as stored: trimmed, an empty cell no text."""
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(trimmed, ""), None, trimmed)


def _iso_days(texts: list[str], today: date) -> dict[str, dict[str, Any]]:
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


def _k_of_rows(lookup: pa.Table, codes: np.ndarray) -> np.ndarray:
    """Each row's `k` (its distinct answer's number; -1: none), as int64."""
    k = np.asarray(lookup.column("k").fill_null(-1).to_numpy(), dtype=np.int64)
    return k[codes]


@dataclass(frozen=True)
class _Values:
    """The value column: numbers per row, and what the rules need of each cell."""

    columns: dict[str, Any]  # added to the rows the rules read
    sql: str  # raw_number, blank_value, percent, cell_qualifier: SQL over those columns
    cell_units: list[str]  # the units written in cells; "" first
    cell_unit_code: np.ndarray  # per row, its position in `cell_units`


def _values(col: pa.Array) -> _Values:
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
        return _Values(
            {"plain_number": plain},
            "plain_number AS raw_number, false AS blank_value, false AS percent, "
            "NULL::VARCHAR AS cell_qualifier",
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
            "qualifier": cell.qualifier,
            "percent": cell.percent,
            "cell_unit": unit or "",
            "blank": not text.strip(),
            "found": True,
        }

    val_map = _lookup(
        distinct.to_pylist(),
        value_of,
        {
            "number": pa.float64(),
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
    return _Values(
        {
            "value_text": col,
            "val_found": of("found"),
            "val_number": of("number"),
            "val_qualifier": of("qualifier"),
            "val_percent": of("percent"),
            "val_blank": of("blank"),
        },
        "CASE WHEN val_found THEN val_number ELSE TRY_CAST(value_text AS DOUBLE) END "
        "AS raw_number, coalesce(val_blank, false) AS blank_value, "
        "coalesce(val_percent, false) AS percent, val_qualifier AS cell_qualifier",
        cell_units,
        row_unit,
    )


def _distinct_combos(key: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a small-integer key and each row's position among them."""
    if space <= 1 << 22:  # a count per possible key: no sort of a million rows
        present = np.flatnonzero(np.bincount(key, minlength=space))
        dense = np.full(space, -1, dtype=np.int32)
        dense[present] = np.arange(len(present), dtype=np.int32)
        return present, dense[key]
    present, inverse = np.unique(key, return_inverse=True)
    return present, inverse.astype(np.int32)


def _unit_lookup(
    texts: dict[str, list[str]],
    codes: dict[str, np.ndarray],
    values: _Values,
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
    present, row_combo = _distinct_combos(key_, len(texts["indicator"]) * n_unit * n_cell)
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


def _duplicates(ks: dict[str, np.ndarray], excel_row: np.ndarray) -> tuple[pa.Array, pa.Array]:
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
_CHECK_SQL = """
CREATE TEMP VIEW valued AS
WITH joined AS (
    SELECT *, {number} FROM checked_rows
), numbers AS (
    SELECT *, CASE WHEN isfinite(raw_number) THEN raw_number END AS number FROM joined
), fractions AS (
    -- A share written 0.98 without a % sign: 98 % only when the planner confirms it.
    SELECT *, coalesce(kind = 'share' AND NOT percent AND written_unit_status = 'ok'
                       AND number > 0 AND number <= 1, false) AS looks_fraction,
           -- Divide by whole powers of ten rather than multiply by 1e-4: 5800 亿元 is 0.58.
           CASE WHEN factor >= 1 THEN number * factor
                ELSE number / round(1 / factor) END AS converted
    FROM numbers
)
SELECT *,
       CASE WHEN {as_fractions} AND looks_fraction THEN number * 100
            ELSE converted END AS value,
       CASE WHEN {as_fractions} AND written_unit_status = 'fraction' THEN 'ok'
            WHEN NOT {as_fractions}
                 AND (written_unit_status = 'fraction' OR looks_fraction)
            THEN 'fraction_unconfirmed'
            ELSE written_unit_status END AS unit_status,
       coalesce(cell_qualifier, column_qualifier) AS qualifier,
       coalesce(cell_qualifier <> column_qualifier, false) AS qualifier_conflict,
       {first} AS period_first, {last} AS period_last
FROM fractions
"""
