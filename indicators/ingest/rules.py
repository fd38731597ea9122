"""Row rules: the declarative contract the problem table is built from.

Each rule is a name (the problem code), the cell it points the planner at, and a SQL
condition that is true where the row breaks it. ``resolve.check_rows`` evaluates them all
in one query over the whole upload (a million rows in one vectorised pass, not a Python
call per row) and reports every broken rule at once. A rule only judges what it is about:
a row with an unknown indicator is not also blamed for a share out of range, so each cell
gets one clear message. Conditions read the columns ``resolve`` computes (ids, numbers in
the catalog unit, kind, unit status, plausible bounds); NULL means "no answer".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NON_NEGATIVE_KINDS = ("level", "count", "milestone")
_NON_NEGATIVE = ", ".join(f"'{k}'" for k in NON_NEGATIVE_KINDS)


@dataclass(frozen=True)
class Rule:
    code: str  # the problem code, and the key of its message in i18n/ingest.csv
    field: str  # the long-table field whose cell is quoted back
    broken: str  # SQL: true where the row breaks the rule


_NEGATIVE = f"kind IN ({_NON_NEGATIVE}) AND value < 0"
_SHARE_OUT = "kind = 'share' AND (value < 0 OR value > 100)"

# In the order a row's problems are listed.
RULES: tuple[Rule, ...] = (
    Rule("empty_indicator", "indicator", "blank_indicator"),
    Rule("unknown_indicator", "indicator", "indicator_id IS NULL AND NOT blank_indicator"),
    Rule("no_figures", "indicator", "kind = 'qualitative'"),
    Rule("empty_region", "region", "blank_region"),
    Rule("unknown_region", "region", "region_code IS NULL AND NOT blank_region"),
    Rule("empty_period", "period", "blank_period"),
    Rule("bad_period", "period", "period IS NULL AND NOT blank_period"),
    # Bounds from data/catalog/plausibility.csv.
    Rule(
        "period_range",
        "period",
        "period IS NOT NULL AND (period_year < period_first OR period_year > period_last)",
    ),
    Rule("future_period", "period", "after_today"),
    Rule("empty_value", "value", "blank_value"),
    Rule("not_numeric", "value", "number IS NULL AND NOT blank_value"),
    Rule("bad_qualifier", "qualifier", "qualifier_bad"),
    Rule("qualifier_conflict", "qualifier", "qualifier_conflict"),
    Rule("bad_published", "published", "published_bad"),
    Rule("unknown_unit", "unit", "unit_status = 'unknown'"),
    Rule("unit_mismatch", "unit", "unit_status = 'mismatch'"),
    Rule("unit_conflict", "unit", "unit_status = 'conflict'"),
    Rule("fraction_unconfirmed", "value", "unit_status = 'fraction_unconfirmed'"),
    Rule("share_range", "value", _SHARE_OUT),
    Rule("negative", "value", _NEGATIVE),
    # A value already refused as negative or out of 0-100 % is not blamed twice.
    Rule(
        "implausible",
        "value",
        f"(value < plausible_low OR value > plausible_high) AND NOT coalesce({_NEGATIVE}, "
        f"false) AND NOT coalesce({_SHARE_OUT}, false)",
    ),
    Rule("milestone_value", "value", "kind = 'milestone' AND value <> 1"),
    Rule("count_not_whole", "value", "kind = 'count' AND floor(value) <> value"),
    # The first of several rows for one (indicator, region, period) is kept; later ones
    # are refused, naming the first.
    Rule("duplicate", "period", "rn > first_rn"),
)

FIELD_OF: dict[str, str] = {r.code: r.field for r in RULES}


def broken_count_sql() -> str:
    """Per row, how many rules it breaks: cheap enough for every row of a big file."""
    return " + ".join(f"coalesce(({r.broken}), false)::INTEGER" for r in RULES)


def broken_any_sql() -> str:
    """True where a row breaks any rule: as a filter, the cheapest test of a clean file."""
    return " OR ".join(f"({r.broken})" for r in RULES)


def broken_codes_sql() -> str:
    """Per row, the codes of the rules it breaks, in RULES order (an empty list: none);
    built only for the rows the problem table shows."""
    cases = ", ".join(f"CASE WHEN coalesce(({r.broken}), false) THEN '{r.code}' END" for r in RULES)
    return f"list_filter([{cases}], lambda x: x IS NOT NULL)"


# A cell Excel would evaluate: `=`, `@`, or `+`/`-` followed by text (so not "-5" or "+3%");
# the full-width ＝＋－＠ alike (an East Asian input method turns them into the ASCII ones).
_FORMULA_START = r"^([=@＝＠]|[+\-＋－]\s*\S)"
_SIGNED_NUMBER = r"^[+\-＋－]\s*[\d.,]*\d[\d.,]*\s*%?\s*$"
# "-inf" is a bad number, not a formula: it is reported as "not a number".
_SIGNED_SPECIAL = r"(?i)^[+\-＋－]\s*(inf|infinity|nan)$"
_FIRSTS = ["=", "+", "-", "@", "＝", "＋", "－", "＠"]


def formula_cells(col: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True for each cell that is a formula; cheap prefix tests first, the regex on the few.

    Judged after the trimming storage applies: " =HYPERLINK(…)" or a tab before "+cmd|…"
    would be stored as a formula.
    """
    # Only a cell that starts with one of `=+-@` or with a space can be one: trimmed and
    # judged are those few, not every cell of a million rows. The first byte of each cell,
    # read straight from Arrow's buffers, rules out nearly all of them at once.
    idx = np.flatnonzero(_may_start_formula(col))
    hits = np.zeros(len(col), dtype=bool)
    if idx.size:
        first = pc.utf8_slice_codeunits(pc.take(col, pa.array(idx)), 0, 1)
        maybe = np.asarray(
            pc.or_(pc.is_in(first, value_set=pa.array(_FIRSTS)), pc.utf8_is_space(first)).to_numpy(
                zero_copy_only=False
            ),
            dtype=bool,
        )
        idx = idx[maybe]
    if idx.size:
        cells = pc.utf8_trim_whitespace(pc.take(col, pa.array(idx)))
        is_formula = pc.and_(
            pc.match_substring_regex(cells, _FORMULA_START),
            pc.invert(
                pc.or_(
                    pc.match_substring_regex(cells, _SIGNED_NUMBER),
                    pc.match_substring_regex(cells, _SIGNED_SPECIAL),
                )
            ),
        )
        hits[idx] = np.asarray(is_formula.to_numpy(zero_copy_only=False), dtype=bool)
    return hits


# First bytes a formula cell can start with: `=+-@`, an ASCII space or control space, or the
# lead byte of a Unicode space (U+0085/U+00A0: C2, U+1680: E1, U+2000-U+205F: E2,
# U+3000: E3). Chinese text (E4-E9) never is one.
SPACE_FIRST = np.zeros(256, dtype=bool)
SPACE_FIRST[list(b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\xc2\xe1\xe2\xe3")] = True
_MAYBE_FIRST = SPACE_FIRST.copy()
_MAYBE_FIRST[list(b"=+-@\xef")] = True  # EF: the lead byte of ＝＋－＠ (U+FF0B…U+FF20)


def first_bytes(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """Per cell of a plain text chunk without nulls: its first byte (0 if empty) and
    whether it has one, read straight from Arrow's buffers. None for other chunks."""
    if chunk.type != pa.string() or chunk.null_count:
        return None
    _validity, offsets_buf, data_buf = chunk.buffers()
    n = len(chunk)
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[chunk.offset : chunk.offset + n + 1]
    starts = offsets[:-1]
    filled = offsets[1:] > starts
    first_byte = np.zeros(n, dtype=np.uint8)
    if data_buf is not None and filled.any():
        first_byte[filled] = np.frombuffer(data_buf, dtype=np.uint8)[starts[filled]]
    return first_byte, filled


def _may_start_formula(col: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Per cell, whether its first byte is one a formula (or a leading space) starts with."""
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    parts = []
    for chunk in chunks:
        found = first_bytes(chunk)
        if found is None:
            first = pc.utf8_slice_codeunits(chunk, 0, 1)  # rare: typed or with nulls
            parts.append(
                np.asarray(
                    pc.fill_null(pc.not_equal(first, ""), False).to_numpy(zero_copy_only=False),
                    dtype=bool,
                )
            )
            continue
        first_byte, filled = found
        parts.append(_MAYBE_FIRST[first_byte] & filled)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


# C0 and C1 control characters: stored, they broke the template's XLSX (openpyxl refuses
# them), the SVG (not well-formed XML), kaleido's PNG/PDF and PostgreSQL (NUL). Tab and line
# breaks are text in a note; anywhere else (after trimming) they are controls too.
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
CONTROL_OR_BREAK = r"[\x00-\x1f\x7f-\x9f]"


def _has_control_bytes(chunk: pa.Array) -> bool:
    """Whether a chunk's bytes hold any C0 byte, DEL, or C1 (UTF-8 C2 80…C2 9F): one pass
    over the buffer, so a clean million-row column costs no regex."""
    if chunk.type != pa.string():
        return True
    data = chunk.buffers()[2]
    if data is None:
        return False
    buf = np.frombuffer(data, dtype=np.uint8)
    if (buf < 0x20).any() or (buf == 0x7F).any():
        return True
    lead = np.flatnonzero(buf[:-1] == 0xC2)
    return bool(((buf[lead + 1] >= 0x80) & (buf[lead + 1] < 0xA0)).any())


def control_cells(col: pa.Array | pa.ChunkedArray, *, breaks_allowed: bool) -> np.ndarray:
    """True for each cell holding a control character, judged after trimming; with
    `breaks_allowed` (a note), tab and line breaks inside are text."""
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    if not any(_has_control_bytes(c) for c in chunks):
        return np.zeros(len(col), dtype=bool)
    cells = pc.utf8_trim_whitespace(pc.cast(col, pa.string()))
    found = pc.match_substring_regex(cells, CONTROL if breaks_allowed else CONTROL_OR_BREAK)
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)
