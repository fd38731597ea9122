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
from collections.abc import Iterator
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
from indicators.base.periods import PeriodError, parse_period
from indicators.ingest.lookups import (
    ENCODED,
    QUALIFIERS,
    dictionary_encoded,
    duplicates,
    iso_days,
    k_of_rows,
    lookup_table,
    stored_text,
    unit_lookup,
    values_of,
)
from indicators.ingest.match import key, match_indicator, match_region
from indicators.ingest.rules import broken_any_sql, broken_codes_sql, broken_count_sql
from indicators.ingest.value_column import published_column


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


def check_rows(
    table: pa.Table,
    catalog: Catalog,
    bounds: Plausibility,
    *,
    today: date,
    shares_as_fractions: bool,
    limit: int,
    published_today: bool = True,
) -> Outcome:
    """Every rule over every row of the long table (excel_row + LONG_FIELDS), in three
    steps: each distinct text resolved, the rules run over the rows, the rows handed back."""
    r = _resolve(table, catalog, bounds, today, published_today)
    ran = _run_rules(r, bounds, today=today, shares_as_fractions=shares_as_fractions, limit=limit)
    if isinstance(ran, Outcome):
        return ran
    return Outcome(0, [], _passed_rows(r, ran))


@dataclass(frozen=True)
class _Resolved:
    """Step 1's answers: every row's columns for the rule query, and what step 3 needs to
    hand the rows back (lookups, codes, keys, stored texts, catalog units)."""

    n: int
    columns: dict[str, Any]
    number_sql: str
    maps: dict[str, pa.Table]
    codes: dict[str, np.ndarray]
    ks: dict[str, np.ndarray]
    stored: dict[str, Any]
    excel_row: np.ndarray
    units: list[str]


def _resolve(
    table: pa.Table, catalog: Catalog, bounds: Plausibility, today: date, published_today: bool
) -> _Resolved:
    """Each distinct text resolved once; the rows reach the answers by their codes."""
    n = table.num_rows
    # Repeated texts become integer codes here (Arrow's hash, one pass a column); each
    # distinct text is resolved once, and its answers reach the rows as Arrow dictionary
    # columns over those codes: a "join" that copies nothing.
    # Each column is a single-threaded Arrow pass that releases the GIL: side by side, the
    # seven take about half the time on two cores.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        encoding = {c: pool.submit(dictionary_encoded, table.column(c)) for c in ENCODED}
        storing = {
            c: pool.submit(stored_text, table.column(c)) for c in ("source", "note", "published")
        }
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
        stored = QUALIFIERS.get(key(text)) if text.strip() else None
        return {"q": stored, "bad": bool(text.strip()) and stored is None}

    maps = {
        "indicator": lookup_table(
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
        "region": lookup_table(
            texts["region"],
            lambda t: {"code": match_region(catalog, t), "blank": not t.strip()},
            {"code": pa.string(), "blank": pa.bool_()},
            keyed="code",
        ),
        "period": lookup_table(
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
            known=iso_days(texts["period"], today),
        ),
        "qualifier": lookup_table(
            texts["qualifier"], qualifier_of, {"q": pa.string(), "bad": pa.bool_()}
        ),
    }

    def of(field: str, column: str) -> pa.DictionaryArray:
        """Each row's answer for its text: the lookup column as the dictionary."""
        return pa.DictionaryArray.from_arrays(
            pa.array(codes[field], pa.int32()), maps[field].column(column).combine_chunks()
        )

    values = values_of(table.column("value").combine_chunks())
    ks = {f: k_of_rows(maps[f], codes[f]) for f in ("indicator", "region", "period")}
    units_of = unit_lookup(texts, codes, values, ind, catalog)
    first_rn, first_row = duplicates(ks, excel_row)
    # the publication date as an ISO date (the upload's day where none is written)
    stored["published"], published_bad = published_column(
        pa.chunked_array([stored["published"]]).combine_chunks()
        if isinstance(stored["published"], pa.Array)
        else stored["published"].combine_chunks(),
        today,
        today if published_today else None,
    )
    columns: dict[str, Any] = {
        "rn": pa.array(np.arange(n, dtype=np.int64)),
        "excel_row": excel_row,
        "source": stored["source"],
        "note": stored["note"],
        "published_bad": published_bad,
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
    return _Resolved(n, columns, values.sql, maps, codes, ks, stored, excel_row, units)


def _run_rules(
    r: _Resolved, bounds: Plausibility, *, today: date, shares_as_fractions: bool, limit: int
) -> Outcome | pa.Table:
    """The rule query over every row: the failures (counted, the first `limit` in full), or,
    when every row passed, each row's value in the catalog unit and qualifier code."""
    qualifiers = sorted(set(QUALIFIERS.values()))
    listed = "[" + ", ".join(f"'{q}'" for q in qualifiers) + "]"
    with scratch() as con:
        con.register("checked_rows", pa.table(r.columns))
        con.execute(
            _CHECK_SQL.format(
                number=r.number_sql,
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
            failing = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
            return Outcome(n_failures, failing, None)
        # Every row passed: the number in the catalog unit and the qualifier as a small code
        # (-1: none).
        out = con.sql(f"""SELECT rn, value, coalesce(value_high, 'NaN'::DOUBLE) AS value_high,
                          coalesce(list_position({listed}, qualifier), 0) - 1 AS qualifier_k
                          FROM valued""").to_arrow_table()
    return out


def _nan_as_null(values: np.ndarray) -> pa.Array:
    """A range's high end, null for a single figure."""
    return pa.array(values, pa.float64(), mask=np.isnan(values))


def _passed_rows(r: _Resolved, out: pa.Table) -> pa.Table:
    """The rows that passed, in file order: ids, periods and units as dictionary columns."""
    maps, codes, ks = r.maps, r.codes, r.ks
    qualifiers = sorted(set(QUALIFIERS.values()))
    rn = out.column("rn").to_numpy()
    in_order = bool((rn == np.arange(r.n)).all())

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
    return pa.table(
        {
            "indicator_id": decoded(ks["indicator"], maps["indicator"], "id"),
            "region_code": decoded(ks["region"], maps["region"], "code"),
            "period": decoded(ks["period"], maps["period"], "label"),
            "t": t,
            "value": in_file_order("value", np.float64),
            "value_high": _nan_as_null(in_file_order("value_high", np.float64)),
            "qualifier": pa.DictionaryArray.from_arrays(
                pa.array(qualifier_k, pa.int32(), mask=qualifier_k < 0),
                pa.array(qualifiers, pa.string()),
            ),
            "unit": pa.DictionaryArray.from_arrays(
                pa.array(unit_k, pa.int32(), mask=unit_k < 0), pa.array(r.units, pa.string())
            ),
            "source": r.stored["source"],
            "note": r.stored["note"],
            "published": r.stored["published"],
            "excel_row": r.excel_row,
        }
    )


_CHECK_SQL = """
CREATE TEMP VIEW valued AS
WITH joined AS (
    SELECT *, {number} FROM checked_rows
), numbers AS (
    SELECT *, CASE WHEN isfinite(raw_number) THEN raw_number END AS number,
           CASE WHEN isfinite(raw_high) THEN raw_high END AS number_high FROM joined
), fractions AS (
    -- A share written 0.98 without a % sign: 98 % only when the planner confirms it.
    SELECT *, coalesce(kind = 'share' AND NOT percent AND written_unit_status = 'ok'
                       AND number > 0 AND number <= 1, false) AS looks_fraction,
           -- Divide by whole powers of ten rather than multiply by 1e-4: 5800 亿元 is 0.58.
           CASE WHEN factor >= 1 THEN number * factor
                ELSE number / round(1 / factor) END AS converted,
           -- a range's high end, converted as its low end is
           CASE WHEN factor >= 1 THEN number_high * factor
                ELSE number_high / round(1 / factor) END AS converted_high
    FROM numbers
)
SELECT *,
       CASE WHEN {as_fractions} AND looks_fraction THEN number * 100
            ELSE converted END AS value,
       CASE WHEN {as_fractions} AND looks_fraction THEN number_high * 100
            ELSE converted_high END AS value_high,
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
