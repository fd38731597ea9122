"""From cell texts to checked rows: one SQL query over the whole upload.

A file repeats a few dozen names, periods, units and qualifiers. Each distinct text is
resolved once in Python, by the catalog's own matching (OpenCC, NFKC, aliases), into a small
lookup table; numbers written plainly (nearly all of a big file) are cast in SQL, the rest
("约5", ">98", "4.5万亿元") parsed once per distinct text. One DuckDB query over the rows
(an Arrow table, read without a copy) then joins the lookups, converts units, and evaluates
every rule of ``rules.RULES``, in parallel and without a Python object per row. Only the
first `limit` broken rows are materialised for the problem table; the rest are counted.

The DuckDB here is an in-memory scratch database, never the store's file: the store (and
whatever backend it has) sees only rows that passed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..catalog import Catalog, Plausibility
from ..periods import PeriodError, parse_period
from .match import key, match_indicator, match_region
from .rules import broken_codes_sql, broken_count_sql
from .units import resolve_unit
from .values import _PREFIXES, PLAIN_NUMBER, parse_value

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


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False})
    con.execute("SET enable_progress_bar = false")  # a long check would draw one
    return con


def _keep(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """A lookup as a table of the scratch database: with its size known, the planner
    builds each join's hash table on the lookup, never on the million rows."""
    con.register("lookup", table)
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM lookup")
    con.unregister("lookup")


def _texts(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    return [r[0] for r in con.execute(sql).fetchall()]


def _lookup(texts: Sequence[str], fn: Callable[[str], dict[str, Any]],
            schema: dict[str, pa.DataType], keyed: str | None = None) -> pa.Table:
    """Each distinct text's answers; with `keyed`, also `k`, a small integer per distinct
    answer in that column, so (indicator, region, period) fits in one BIGINT."""
    answers = [fn(t) for t in texts]
    # `c`: the text's position in the column's dictionary, which the rows carry instead.
    table = pa.table({"text": pa.array(texts, pa.string()),
                      "c": pa.array(np.arange(len(texts), dtype=np.int32)),
                      **{c: pa.array([a[c] for a in answers], t) for c, t in schema.items()}})
    if keyed is not None:
        dense = {v: i for i, v in enumerate(sorted({a[keyed] for a in answers
                                                    if a[keyed] is not None}))}
        table = table.append_column("k", pa.array([dense.get(a[keyed]) for a in answers],
                                                  pa.int64()))
    return table


def check_rows(table: pa.Table, catalog: Catalog, bounds: Plausibility, *, today: date,
               shares_as_fractions: bool, limit: int) -> Outcome:
    """Every rule over every row of the long table (excel_row + LONG_FIELDS)."""
    n = table.num_rows
    cols = {c: table.column(c) for c in ("excel_row", "value")}
    # Repeated texts become integer codes here (Arrow's hash, one pass a column), so every
    # join below compares integers, not a million strings.
    texts: dict[str, list[str]] = {}
    for c in ("indicator", "region", "period", "unit", "qualifier"):
        encoded = pc.dictionary_encode(table.column(c).combine_chunks())
        texts[c] = encoded.dictionary.to_pylist()
        cols[c] = encoded.indices
    for c in ("source", "note"):  # stored trimmed; an empty cell is no text
        trimmed = pc.utf8_trim_whitespace(table.column(c))
        cols[c] = pc.if_else(pc.equal(trimmed, ""), None, trimmed)
    cols["rn"] = pa.array(np.arange(n, dtype=np.int64))
    rows = pa.table(cols)
    con = connect()
    try:
        con.register("long", rows)
        ind = {t: match_indicator(catalog, t) for t in texts["indicator"]}
        units = sorted({t.unit for t in catalog.targets.values()})

        def indicator_of(text: str) -> dict[str, Any]:
            target = catalog.targets.get(ind[text] or "")
            found = bounds.for_target(target) if target else None
            return {"id": ind[text], "blank": not text.strip(),
                    "kind": target.kind if target else None,
                    "unit": target.unit if target else None,
                    "unit_k": units.index(target.unit) if target else None,
                    "low": found.low if found else None, "high": found.high if found else None}

        _keep(con, "ind_map", _lookup(texts["indicator"], indicator_of, {
            "id": pa.string(), "blank": pa.bool_(), "kind": pa.string(), "unit": pa.string(),
            "unit_k": pa.int32(), "low": pa.float64(), "high": pa.float64()}, keyed="id"))
        _keep(con, "reg_map", _lookup(
            texts["region"],
            lambda t: {"code": match_region(catalog, t), "blank": not t.strip()},
            {"code": pa.string(), "blank": pa.bool_()}, keyed="code"))

        def period_of(text: str) -> dict[str, Any]:
            try:
                p = parse_period(text)
            except PeriodError:
                return {"label": None, "t": None, "after_today": False, "year": None,
                        "blank": not text.strip()}
            return {"label": p.label, "t": p.t, "after_today": p.end > today, "year": p.year,
                    "blank": False}

        _keep(con, "per_map", _lookup(
            texts["period"], period_of,
            {"label": pa.string(), "t": pa.float64(), "after_today": pa.bool_(),
             "year": pa.int64(), "blank": pa.bool_()}, keyed="label"))

        def qualifier_of(text: str) -> dict[str, Any]:
            stored = _QUALIFIERS.get(key(text)) if text.strip() else None
            return {"q": stored, "bad": bool(text.strip()) and stored is None}

        _keep(con, "q_map", _lookup(texts["qualifier"], qualifier_of,
                                    {"q": pa.string(), "bad": pa.bool_()}))

        def value_of(text: str) -> dict[str, Any]:
            cell = parse_value(text)
            unit = "%" if cell.percent else cell.unit
            return {"number": cell.value, "qualifier": cell.qualifier, "percent": cell.percent,
                    "cell_unit": unit or "", "blank": not text.strip()}

        # Only cells that are not plain numbers: "约5", ">98", "98%", "", "n/a".
        _keep(con, "val_map", _lookup(
            _texts(con, "SELECT DISTINCT value FROM long "
                        f"WHERE NOT regexp_matches(value, '{_PLAIN_SQL}')"),
            value_of, {"number": pa.float64(), "qualifier": pa.string(),
                       "percent": pa.bool_(), "cell_unit": pa.string(), "blank": pa.bool_()}))
        _keep(con, "unit_map", _unit_map(con, ind, texts, catalog))
        # One BIGINT per (indicator, region, period): grouping it finds every figure given
        # twice without a window over the whole, wide relation.
        sizes = [con.execute(f"SELECT count(DISTINCT k) + 1 FROM {m}").fetchall()[0][0]
                 for m in ("reg_map", "per_map")]
        figure = f"(i.k * {sizes[0]} + g.k) * {sizes[1]} + p.k"
        con.execute(_DUPLICATES_SQL.format(figure=figure))
        con.execute(_CHECK_SQL.format(
            figure=figure, as_fractions="true" if shares_as_fractions else "false",
            first=bounds.first_year, last=bounds.last_year(today)))
        # One pass gives the rows and, per row, how many rules it breaks; nothing of the
        # whole relation is kept in the scratch database. Ids, periods, units and
        # qualifiers leave as small integer codes into the lookups (-1: none), not as a
        # million strings each: the rows are then Arrow dictionary columns.
        qualifiers = sorted(set(_QUALIFIERS.values()))
        listed = "[" + ", ".join(f"'{q}'" for q in qualifiers) + "]"
        out = con.sql(f"""SELECT rn, {broken_count_sql()} AS n_broken,
                          indicator_k, region_k, period_k, unit_k,
                          coalesce(list_position({listed}, qualifier), 0) - 1 AS qualifier_k,
                          t, value, excel_row
                          FROM valued""").to_arrow_table()
        n_broken = out.column("n_broken")
        n_failures = int(pc.sum(n_broken).as_py() or 0)
        rn = out.column("rn").to_numpy()
        if n_failures:
            shown = np.sort(rn[np.asarray(pc.greater(n_broken, 0).to_numpy(
                zero_copy_only=False), dtype=bool)])[:limit]
            del out
            con.register("shown", pa.table({"rn": pa.array(shown, pa.int64())}))
            # Only these rows are worked out in full, however many are broken.
            cur = con.execute(f"""
                SELECT *, {broken_codes_sql()} AS broken FROM valued
                WHERE rn IN (SELECT rn FROM shown) ORDER BY rn""")
            names = [d[0] for d in cur.description]
            failing = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            return Outcome(n_failures, failing, None)

        def in_file_order(column: str, dtype: type) -> np.ndarray:
            # Parallel joins may hand rows back out of file order; `rn` says where each
            # belongs, so putting them back is one scatter, not a sort. Every value is
            # set: a row that passed has its ids, period, unit and number.
            values = out.column(column).to_numpy().astype(dtype, copy=False)
            placed = np.empty_like(values)
            placed[rn] = values
            return placed

        def texts_of(lookup: str, value: str) -> list[str]:
            return _texts(con, f"SELECT {value} FROM {lookup} WHERE k IS NOT NULL "
                               f"GROUP BY k, {value} ORDER BY k")

        def decoded(codes: np.ndarray, dictionary: list[str]) -> pa.DictionaryArray:
            return pa.DictionaryArray.from_arrays(
                pa.array(codes, pa.int32(), mask=codes < 0), pa.array(dictionary, pa.string()))

        return Outcome(0, [], pa.table({
            "indicator_id": decoded(in_file_order("indicator_k", np.int32),
                                    texts_of("ind_map", "id")),
            "region_code": decoded(in_file_order("region_k", np.int32),
                                   texts_of("reg_map", "code")),
            "period": decoded(in_file_order("period_k", np.int32), texts_of("per_map", "label")),
            "t": in_file_order("t", np.float64), "value": in_file_order("value", np.float64),
            "qualifier": decoded(in_file_order("qualifier_k", np.int32), qualifiers),
            "unit": decoded(in_file_order("unit_k", np.int32), units),
            "source": rows.column("source"), "note": rows.column("note"),
            "excel_row": in_file_order("excel_row", np.int64),
        }))
    finally:
        con.close()


def _unit_map(con: duckdb.DuckDBPyConnection, ind: dict[str, str | None],
              texts: dict[str, list[str]], catalog: Catalog) -> pa.Table:
    """Factor into the catalog unit and status, per (indicator text, unit column text, unit
    written in the cell); status ok | unknown | mismatch | conflict (the cell and the unit
    column disagree) | fraction."""
    combos = con.execute(
        "SELECT DISTINCT l.indicator, l.unit, coalesce(v.cell_unit, '') FROM long l "
        "LEFT JOIN val_map v ON l.value = v.text").fetchall()
    factors: list[float | None] = []
    statuses: list[str] = []
    for ind_code, unit_code, cell in combos:
        ind_text, unit_text = texts["indicator"][ind_code], texts["unit"][unit_code]
        tid = ind.get(ind_text)
        catalog_unit = catalog.targets[tid].unit if tid in catalog.targets else None
        factor: float | None = None
        status = "ok"
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
    return pa.table({
        "indicator": pa.array([c[0] for c in combos], pa.int32()),
        "unit": pa.array([c[1] for c in combos], pa.int32()),
        "cell_unit": pa.array([c[2] for c in combos], pa.string()),
        "factor": pa.array(factors, pa.float64()),
        "status": pa.array(statuses, pa.string()),
    })


_DUPLICATES_SQL = """
CREATE TEMP TABLE duplicates AS
SELECT {figure} AS figure, min(l.rn) AS first_rn, min(l.excel_row) AS first_row
FROM long l
JOIN ind_map i ON l.indicator = i.c
JOIN reg_map g ON l.region = g.c
JOIN per_map p ON l.period = p.c
WHERE i.k IS NOT NULL AND g.k IS NOT NULL AND p.k IS NOT NULL
GROUP BY 1 HAVING count(*) > 1
"""

# Doubles stay finite: "1e999" is not a number, and NaN would compare above every bound.
_CHECK_SQL = """
CREATE TEMP VIEW valued AS
WITH joined AS (
    SELECT l.rn, l.excel_row, l.source, l.note,
           i.id AS indicator_id, i.k AS indicator_k, i.blank AS blank_indicator,
           g.code AS region_code, g.k AS region_k, g.blank AS blank_region,
           p.label AS period, p.k AS period_k, p.t, p.after_today, p.year AS period_year,
           p.blank AS blank_period,
           coalesce(v.blank, false) AS blank_value,
           CASE WHEN v.text IS NOT NULL THEN v.number
                ELSE TRY_CAST(l.value AS DOUBLE) END AS raw_number,
           coalesce(v.percent, false) AS percent,
           v.qualifier AS cell_qualifier, q.q AS column_qualifier,
           coalesce(q.bad, false) AS qualifier_bad,
           u.factor, u.status AS written_unit_status,
           i.kind, i.unit, i.unit_k, i.low AS plausible_low, i.high AS plausible_high,
           d.first_rn, d.first_row
    FROM long l
    LEFT JOIN ind_map i ON l.indicator = i.c
    LEFT JOIN reg_map g ON l.region = g.c
    LEFT JOIN per_map p ON l.period = p.c
    LEFT JOIN val_map v ON l.value = v.text
    LEFT JOIN q_map q ON l.qualifier = q.c
    LEFT JOIN unit_map u ON l.indicator = u.indicator AND l.unit = u.unit
         AND coalesce(v.cell_unit, '') = u.cell_unit
    LEFT JOIN duplicates d ON d.figure = {figure}
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
