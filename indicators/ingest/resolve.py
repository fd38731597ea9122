"""From cell texts to what the rules judge: ids, period labels, numbers in the catalog unit.

Each column is dictionary-encoded by Arrow, every distinct text is resolved once in Python
(a file repeats a few dozen names and periods), and the answers are spread back over the
rows by index. Ids stay pandas Categoricals (codes + a few names), so a million rows cost
some integer arrays rather than a million Python strings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..catalog import Catalog
from ..periods import PeriodError, parse_period
from .match import key, match_indicator, match_region
from .units import resolve_unit
from .values import _PREFIXES, parse_values

_QUALIFIERS = {key(w): s for w, s in _PREFIXES}


def encode(col: pa.ChunkedArray | pa.Array) -> tuple[list[Any], np.ndarray]:
    """Distinct texts and, per row, the position of its text among them."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    enc = pc.dictionary_encode(col)
    return enc.dictionary.to_pylist(), enc.indices.to_numpy(zero_copy_only=False).astype(
        np.intp)


def categorical(values: Sequence[str | None], idx: np.ndarray) -> pd.Categorical:
    """Per-distinct answers (None = no answer) spread over the rows as a Categorical."""
    categories = sorted({v for v in values if v is not None})
    pos = {c: i for i, c in enumerate(categories)}
    codes = np.array([pos.get(v, -1) if v is not None else -1 for v in values] + [-1],
                     dtype=np.int32)
    return pd.Categorical.from_codes(codes[idx] if len(idx) else codes[:0],
                                     categories=categories)


def spread(values: Sequence[Any], idx: np.ndarray, dtype: Any) -> np.ndarray:
    return np.asarray(list(values), dtype=dtype)[idx] if len(values) else np.zeros(
        len(idx), dtype=dtype)


def blank(texts: Sequence[str], idx: np.ndarray) -> np.ndarray:
    return spread([not t.strip() for t in texts], idx, bool)


def per_text(col: pa.ChunkedArray, fn: Callable[[str], Any]) -> tuple[list[Any], np.ndarray,
                                                                      list[str]]:
    texts, idx = encode(col)
    return [fn(t) for t in texts], idx, texts


def resolve(table: pa.Table, catalog: Catalog, *, today: date,
            shares_as_fractions: bool) -> pd.DataFrame:
    """The frame the rules judge; one row per row of the long table, same order."""
    targets = catalog.targets
    ids, ind_idx, ind_texts = per_text(table["indicator"],
                                       lambda x: match_indicator(catalog, x))
    regions, reg_idx, reg_texts = per_text(table["region"], lambda x: match_region(catalog, x))

    def period_of(text: str) -> tuple[str | None, float, bool, int]:
        try:
            p = parse_period(text)
        except PeriodError:
            return None, np.nan, False, 0
        return p.label, p.t, p.end > today, p.year

    periods, per_idx, per_texts = per_text(table["period"], period_of)
    kinds = [targets[i].kind if i else None for i in ids]
    units = [targets[i].unit if i else None for i in ids]

    parsed = parse_values(table["value"])
    qualifier, q_bad, q_conflict = _qualifiers(table["qualifier"], parsed)
    value, status = _convert_units(table["unit"], parsed, ind_idx, units, kinds,
                                   shares_as_fractions)
    frame = pd.DataFrame({
        "excel_row": table["excel_row"].to_numpy(),
        "indicator_id": categorical(ids, ind_idx),
        "region_code": categorical(regions, reg_idx),
        "period": categorical([p[0] for p in periods], per_idx),
        "t": spread([p[1] for p in periods], per_idx, float),
        "after_today": spread([p[2] for p in periods], per_idx, bool),
        "period_year": spread([p[3] for p in periods], per_idx, np.int64),
        "blank_indicator": blank(ind_texts, ind_idx),
        "blank_region": blank(reg_texts, reg_idx),
        "blank_period": blank(per_texts, per_idx),
        "blank_value": pc.equal(pc.utf8_trim_whitespace(table["value"]), "").to_numpy(),
        "number": parsed.value,
        "value": value,
        "qualifier": qualifier,
        "qualifier_bad": q_bad,
        "qualifier_conflict": q_conflict,
        "unit_status": pd.Categorical.from_codes(status, categories=UNIT_STATUSES),
        "unit": categorical(units, ind_idx),
        "kind": categorical(kinds, ind_idx),
        "source": _text_or_none(table["source"]),
        "note": _text_or_none(table["note"]),
    })
    return frame


def _text_or_none(col: pa.ChunkedArray) -> pd.Series:
    trimmed = pc.utf8_trim_whitespace(col)
    return pc.if_else(pc.equal(trimmed, ""), None, trimmed).to_pandas()


QUALIFIERS = tuple(sorted(set(_QUALIFIERS.values())))
_Q_CODE = {q: i for i, q in enumerate(QUALIFIERS)}
_NO_Q, _BAD_Q = -1, -2


def _qualifiers(col: pa.ChunkedArray, parsed: Any) -> tuple[pd.Categorical, np.ndarray,
                                                            np.ndarray]:
    """The stored qualifier: from the value cell (">98") or a qualifier column, which agree."""
    answers, idx, _texts = per_text(
        col, lambda q: _Q_CODE.get(_QUALIFIERS.get(key(q), ""), _BAD_Q) if q.strip()
        else _NO_Q)
    from_col = spread(answers, idx, np.int8)
    in_cell = np.full(len(idx), _NO_Q, dtype=np.int8)
    for row in parsed.special:  # only non-plain cells can carry a qualifier
        if parsed.qualifier[row] is not None:
            in_cell[row] = _Q_CODE[parsed.qualifier[row]]
    bad = from_col == _BAD_Q
    conflict = (in_cell >= 0) & (from_col >= 0) & (in_cell != from_col)
    chosen = np.where(in_cell >= 0, in_cell, np.where(from_col >= 0, from_col, _NO_Q))
    return pd.Categorical.from_codes(chosen, categories=QUALIFIERS), bad, conflict


UNIT_STATUSES = ("ok", "unknown", "mismatch", "conflict", "fraction", "fraction_unconfirmed")
_S = {name: np.int8(i) for i, name in enumerate(UNIT_STATUSES)}


def _convert_units(
    unit_col: pa.ChunkedArray, parsed: Any, ind_idx: np.ndarray, units: list[str | None],
    kinds: list[str | None], shares_as_fractions: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Values in the catalog unit, and each row's unit status.

    Status: ok | unknown | mismatch | conflict (the cell and the unit column disagree) |
    fraction_unconfirmed (a share given as 0.98 without the planner's confirmation).
    """
    n = len(ind_idx)
    u_texts, u_idx = encode(unit_col)
    factor = np.ones(n)
    status = np.full(n, _S["ok"], dtype=np.int8)
    if n:
        # One answer per (indicator, unit column text) pair present in the file.
        pair = ind_idx.astype(np.int64) * max(len(u_texts), 1) + u_idx
        uniq, inv = np.unique(pair, return_inverse=True)
        answers = []
        for p in uniq:
            i, u = divmod(int(p), max(len(u_texts), 1))
            catalog_unit = units[i] if i < len(units) else None
            answers.append(resolve_unit(u_texts[u] if u_texts else "", catalog_unit)
                           if catalog_unit is not None else None)
        factor = np.array([a.factor if a and a.factor is not None else np.nan
                           for a in answers])[inv]
        status = np.array([_S[a.status] if a else _S["ok"] for a in answers],
                          dtype=np.int8)[inv]
    # Cells that carry their own unit ("98%", "4.5万亿元") are few; handle them one by one.
    for row in parsed.special:
        cell_unit = "%" if parsed.percent[row] else parsed.unit[row]
        if cell_unit is None:
            continue
        catalog_unit = units[ind_idx[row]] if ind_idx[row] < len(units) else None
        written_col = u_texts[u_idx[row]] if u_texts else ""
        if written_col.strip() and key(written_col) != key(cell_unit):
            status[row], factor[row] = _S["conflict"], np.nan
        elif catalog_unit is not None:
            res = resolve_unit(cell_unit, catalog_unit)
            status[row] = _S[res.status]
            factor[row] = res.factor if res.factor is not None else np.nan
    number = parsed.value
    with np.errstate(invalid="ignore", divide="ignore"):
        # Divide by whole powers of ten rather than multiply by 1e-4: 5800 亿元 is 0.58.
        value = np.where(factor >= 1, number * factor, number / np.round(1 / factor))
    is_share = spread([k == "share" for k in kinds], ind_idx, bool)
    looks_fraction = is_share & ~parsed.percent & (status == _S["ok"]) & (number > 0) & (
        number <= 1)
    fraction = status == _S["fraction"]
    if shares_as_fractions:
        value = np.where(looks_fraction, number * 100, value)
        status[fraction] = _S["ok"]
    else:
        status[fraction | looks_fraction] = _S["fraction_unconfirmed"]
    return value, status

