"""Numbers as published: `5.8`, `5,800`, `>98`, `≥98`, `超过98`, `约5`, `近4`, `98%`, `4.5万亿元`.

The number is stored with its qualifier kept beside it (">98" is 98 with qualifier ">"), so
a figure published as a lower bound is never shown as exact. Plain numbers, nearly all of a
big file, are cast in SQL (``resolve.py``, by ``PLAIN_NUMBER``); only the rest go through the
Python parser here, once per distinct text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from indicators.base.qualifiers import PREFIXES, SUFFIXES
from indicators.ingest.units import is_known_unit

# Qualifiers as written -> the form stored: the one table in ``indicators.qualifiers``.
_PREFIXES = PREFIXES
_SUFFIXES = SUFFIXES
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:[eE]([+-]?\d+))?")
# A bare magnitude after a number scales it in the unit the table gives: 5.2万 (个) = 52,000.
_MAGNITUDES = {"万": 10_000, "千": 1_000, "十万": 100_000, "百万": 1_000_000, "千万": 10_000_000}
PLAIN_NUMBER = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"


@dataclass(frozen=True)
class CellValue:
    value: float | None  # None: not a number
    qualifier: str | None = None
    percent: bool = False  # written with a % sign
    unit: str | None = None  # unit written inside the cell ("4.5万亿元")
    high: float | None = None  # a published range "5.4-5.5": value is 5.4, high 5.5


# A range: a number (with its % or unit), a dash, tilde or 至, and a second number.
_RANGE = re.compile(r"^(\d[\d,.]*%?[^\d\-~–—至到eE]*?)(?:-|~|–|—|至|到)(\d.*)$")


def parse_value(text: str) -> CellValue:
    """One cell; full-width characters and spaces are normalised first."""
    t = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not t:
        return CellValue(None)
    if (m := _RANGE.match(t)) is not None:
        return _parse_range(*m.groups())
    return _parse_one(t)


def _parse_range(left: str, right: str) -> CellValue:
    """'5.4-5.5', '5.4~5.5', '5.4–5.5', '5.4至5.5', '5.4%-5.5%', '5.4-5.5万亿元': both ends
    as the second says them (a bare first end takes the second's %, magnitude or unit)."""
    end = _parse_one(right)
    m = _NUMBER.match(right)
    if m is not None and _NUMBER.fullmatch(left):
        left += right[m.end() :]
    start = _parse_one(left)
    if (
        start.value is None
        or end.value is None
        or start.qualifier
        or end.qualifier
        or (start.percent, start.unit) != (end.percent, end.unit)
        or start.value >= end.value
    ):
        return CellValue(None)  # not a range we can read: refused as not a number
    return CellValue(start.value, None, end.percent, end.unit, end.value)


def _parse_one(t: str) -> CellValue:
    qualifier = None
    low = t.casefold()
    for written, stored in _PREFIXES:
        if low.startswith(written):
            qualifier, t = stored, t[len(written) :]
            break
    for written, stored in _SUFFIXES:
        if t.endswith(written) and qualifier is None:
            qualifier, t = stored, t[: -len(written)]
            break
    m = _NUMBER.match(t)
    if not m:
        return CellValue(None, qualifier)
    sign, whole, frac, exp = m.groups()
    number = float(f"{sign}{whole.replace(',', '')}{frac or ''}" + (f"e{exp}" if exp else ""))
    rest = t[m.end() :]
    percent = rest.startswith("%")
    if percent:
        rest = rest[1:]
    for written, stored in _SUFFIXES:  # "98%以上"
        if rest.endswith(written) and qualifier is None:
            qualifier, rest = stored, rest[: -len(written)]
            break
    if rest in _MAGNITUDES and not is_known_unit(rest):
        # Decimal, so 5.2万 is 52000 exactly and not 52000.000000000004.
        number = float(
            Decimal(f"{sign}{whole.replace(',', '')}{frac or ''}" + (f"e{exp}" if exp else ""))
            * _MAGNITUDES[rest]
        )
        rest = ""
    if not np.isfinite(number) or (rest and not is_known_unit(rest)):
        # "5,8" is not 5 in a unit ",8": anything after the number must be a known unit.
        return CellValue(None, qualifier)
    return CellValue(number, qualifier, percent, rest or None)
