"""Numbers and units as people read them; below everything that draws or writes text."""

from __future__ import annotations

import unicodedata

from indicators.base.catalog import Lang
from indicators.base.i18n import _, has_label


def unit_label(unit: str, lang: Lang, n: float | None = None) -> str:
    """The unit's name; with `n`, for that many ("1 project", "2 projects")."""
    key = f"unit.{unit}"
    try:
        return _(key, lang, n=n)
    except KeyError:
        return unit


def qualifier_text(qualifier: str | None, lang: Lang | None) -> str:
    """'约' stays on a Chinese page and reads 'about ' on an English one; signs are signs."""
    if not qualifier:
        return ""
    key = f"qualifier.{qualifier}"
    if lang is None or not has_label(key):
        return qualifier
    return _(key, lang)


# Decimals a value is shown and exported with: counts are whole, the rest as format_value.
_WHOLE_UNITS = frozenset({"个", "event"})


def unit_decimals(unit: str) -> int:
    return 0 if unit in _WHOLE_UNITS else 2


def format_value(
    value: float | None,
    qualifier: str | None = None,
    lang: Lang | None = None,
    high: float | None = None,
) -> str:
    """'5.8', '约5', and a published range as one: '5.4–5.5'."""
    if value is None or value != value:
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if high is not None and high == high:
        text += "–" + f"{high:,.2f}".rstrip("0").rstrip(".")
    return f"{qualifier_text(qualifier, lang)}{text}" if qualifier else text


def unit_suffix(unit: str, lang: Lang, n: float | None = None) -> str:
    """' 万亿元' or '%': how a value (`n`, for the singular) is followed by its unit in text."""
    if not unit or unit == "event":
        return ""
    label = unit_label(unit, lang, n)
    return label if label == "%" else f" {label}"


def text_width(text: str) -> int:
    """Display width in half-width cells: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
