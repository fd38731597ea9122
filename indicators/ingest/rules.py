"""Row rules: one small function per rule, run together by pandera with a lazy report.

Each rule looks at the resolved frame (ids, numbers, kinds) and returns a boolean Series that
is True where the row is fine. A rule only judges what it is about: a row with an unknown
indicator is not also blamed for a share out of range, so each cell gets one clear message.
The rule's name is the problem code; ``FIELD_OF`` says which cell to point the planner at.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from ..catalog import Plausibility, Target

Rule = Callable[[pd.DataFrame], pd.Series]

NON_NEGATIVE_KINDS = ("level", "count", "milestone")


def _has(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].notna()


def empty_indicator(df: pd.DataFrame) -> pd.Series:
    return ~df["blank_indicator"]


def unknown_indicator(df: pd.DataFrame) -> pd.Series:
    return _has(df, "indicator_id") | df["blank_indicator"]


def no_figures(df: pd.DataFrame) -> pd.Series:
    return df["kind"] != "qualitative"


def empty_region(df: pd.DataFrame) -> pd.Series:
    return ~df["blank_region"]


def unknown_region(df: pd.DataFrame) -> pd.Series:
    return _has(df, "region_code") | df["blank_region"]


def empty_period(df: pd.DataFrame) -> pd.Series:
    return ~df["blank_period"]


def bad_period(df: pd.DataFrame) -> pd.Series:
    return _has(df, "period") | df["blank_period"]


def future_period(df: pd.DataFrame) -> pd.Series:
    return ~df["after_today"]


def empty_value(df: pd.DataFrame) -> pd.Series:
    return ~df["blank_value"]


def not_numeric(df: pd.DataFrame) -> pd.Series:
    return _has(df, "number") | df["blank_value"]


def bad_qualifier(df: pd.DataFrame) -> pd.Series:
    return ~df["qualifier_bad"]


def qualifier_conflict(df: pd.DataFrame) -> pd.Series:
    return ~df["qualifier_conflict"]


def unknown_unit(df: pd.DataFrame) -> pd.Series:
    return df["unit_status"] != "unknown"


def unit_mismatch(df: pd.DataFrame) -> pd.Series:
    return df["unit_status"] != "mismatch"


def unit_conflict(df: pd.DataFrame) -> pd.Series:
    return df["unit_status"] != "conflict"


def fraction_unconfirmed(df: pd.DataFrame) -> pd.Series:
    return df["unit_status"] != "fraction_unconfirmed"


def share_range(df: pd.DataFrame) -> pd.Series:
    v = df["value"]
    return ~((df["kind"] == "share") & ((v < 0) | (v > 100)))


def negative(df: pd.DataFrame) -> pd.Series:
    return ~(df["kind"].isin(NON_NEGATIVE_KINDS) & (df["value"] < 0))


def milestone_value(df: pd.DataFrame) -> pd.Series:
    return ~((df["kind"] == "milestone") & df["value"].notna() & (df["value"] != 1))


def count_not_whole(df: pd.DataFrame) -> pd.Series:
    v = df["value"]
    return ~((df["kind"] == "count") & v.notna() & (np.floor(v) != v))


def period_range(df: pd.DataFrame) -> pd.Series:
    # Computed by add_plausibility from data/catalog/plausibility.csv.
    return ~df["period_implausible"] if "period_implausible" in df else pd.Series(
        True, index=df.index)


def implausible(df: pd.DataFrame) -> pd.Series:
    return ~df["value_implausible"] if "value_implausible" in df else pd.Series(
        True, index=df.index)


def add_plausibility(df: pd.DataFrame, bounds: Plausibility, targets: dict[str, Target],
                     today: date) -> None:
    """Flag periods and values outside the catalog's plausible range (in place).

    A value already refused as negative or out of 0-100 % is not blamed twice.
    """
    year = df["period_year"].to_numpy()
    known = df["period"].notna().to_numpy()
    df["period_implausible"] = known & ((year < bounds.first_year)
                                        | (year > bounds.last_year(today)))
    df["period_first"], df["period_last"] = bounds.first_year, bounds.last_year(today)
    low = np.full(len(df), -np.inf)
    high = np.full(len(df), np.inf)
    ids = df["indicator_id"]
    for tid in ids.cat.categories:
        b = bounds.for_target(targets[tid]) if tid in targets else None
        if b is not None:
            rows = (ids == tid).to_numpy()
            low[rows], high[rows] = b.low, b.high
    v = df["value"].to_numpy(dtype=float)
    negative_already = df["kind"].isin(NON_NEGATIVE_KINDS).to_numpy() & (v < 0)
    share_already = (df["kind"] == "share").to_numpy() & ((v < 0) | (v > 100))
    with np.errstate(invalid="ignore"):
        outside = (v < low) | (v > high)
    df["value_implausible"] = outside & ~negative_already & ~share_already
    df["plausible_low"], df["plausible_high"] = low, high


def duplicate(df: pd.DataFrame) -> pd.Series:
    # One integer per (indicator, region, period) from the Categorical codes: fast on 1M rows.
    codes = [df[c].cat.codes.to_numpy().astype(np.int64) for c in
             ("indicator_id", "region_code", "period")]
    resolved = (codes[0] >= 0) & (codes[1] >= 0) & (codes[2] >= 0)
    sizes = [len(df[c].cat.categories) + 1 for c in ("region_code", "period")]
    combined = (codes[0] * sizes[0] + codes[1]) * sizes[1] + codes[2]
    dup = pd.Series(combined, index=df.index).duplicated(keep="first")
    return ~(dup & resolved)


RULES: tuple[Rule, ...] = (
    empty_indicator, unknown_indicator, no_figures, empty_region, unknown_region,
    empty_period, bad_period, period_range, future_period, empty_value, not_numeric,
    bad_qualifier,
    qualifier_conflict, unknown_unit, unit_mismatch, unit_conflict, fraction_unconfirmed,
    share_range, negative, implausible, milestone_value, count_not_whole, duplicate,
)

FIELD_OF: dict[str, str] = {
    "empty_indicator": "indicator", "unknown_indicator": "indicator",
    "no_figures": "indicator", "empty_region": "region", "unknown_region": "region",
    "empty_period": "period", "bad_period": "period", "future_period": "period",
    "period_range": "period", "implausible": "value",
    "empty_value": "value", "not_numeric": "value", "bad_qualifier": "qualifier",
    "qualifier_conflict": "qualifier", "unknown_unit": "unit", "unit_mismatch": "unit",
    "unit_conflict": "unit", "fraction_unconfirmed": "value", "share_range": "value",
    "negative": "value", "milestone_value": "value", "count_not_whole": "value",
    "duplicate": "period",
}

SCHEMA = pandera.DataFrameSchema(
    # ignore_na=False: the rules handle missing values themselves, and pandera's own NA
    # pass over every column costs more than all the rules together on a big file.
    checks=[pandera.Check(rule, name=rule.__name__, ignore_na=False) for rule in RULES],
    # The frame carries helper columns; only the rules judge it.
    strict=False,
)


# A cell Excel would evaluate: `=`, `@`, or `+`/`-` followed by text (so not "-5" or "+3%").
_FORMULA_START = r"^([=@]|[+-]\s*\S)"
_SIGNED_NUMBER = r"^[+-]\s*[\d.,]*\d[\d.,]*\s*%?\s*$"
# "-inf" is a bad number, not a formula: it is reported as "not a number".
_SIGNED_SPECIAL = r"(?i)^[+-]\s*(inf|infinity|nan)$"


def formula_cells(col: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True for each cell that is a formula; cheap prefix tests first, the regex on the few.

    Judged after the trimming storage applies: " =HYPERLINK(…)" or a tab before "+cmd|…"
    would be stored as a formula.
    """
    col = pc.utf8_trim_whitespace(col)
    first = pc.utf8_slice_codeunits(col, 0, 1)
    maybe = np.asarray(pc.is_in(first, value_set=pa.array(["=", "+", "-", "@"])).to_numpy(
        zero_copy_only=False), dtype=bool)
    hits = np.zeros(len(col), dtype=bool)
    idx = np.flatnonzero(maybe)
    if idx.size:
        cells = pc.take(col, pa.array(idx))
        is_formula = pc.and_(
            pc.match_substring_regex(cells, _FORMULA_START),
            pc.invert(pc.or_(pc.match_substring_regex(cells, _SIGNED_NUMBER),
                             pc.match_substring_regex(cells, _SIGNED_SPECIAL))))
        hits[idx] = np.asarray(is_formula.to_numpy(zero_copy_only=False), dtype=bool)
    return hits


def failures(df: pd.DataFrame) -> list[tuple[int, str]]:
    """(row position, rule name) for every broken rule, in row order."""
    try:
        SCHEMA.validate(df, lazy=True, inplace=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()][["index", "check"]].drop_duplicates()
        order = {rule.__name__: i for i, rule in enumerate(RULES)}
        return sorted(((int(i), str(c)) for i, c in cases.itertuples(index=False)),
                      key=lambda x: (x[0], order.get(x[1], 99)))
    return []
