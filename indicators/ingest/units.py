"""Units planners write, and the factor that turns a value in one into the catalog's unit.

The catalog holds each indicator in one unit (万亿元, %, 个, event). A known unit of the same
dimension is converted; a unit we do not know, or one of another dimension, is an error: a
figure in 亿元 read as 万亿元 would be 10,000 times too big.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from indicators.ingest.match import key

# catalog unit -> {unit as written -> factor into the catalog unit}
_FACTORS: dict[str, dict[str, float]] = {
    "万亿元": {
        "万亿元": 1.0,
        "万亿": 1.0,
        "trillion yuan": 1.0,
        "trillion rmb": 1.0,
        "rmb trillion": 1.0,
        "trillion": 1.0,
        "千亿元": 0.1,
        "billion yuan": 1e-3,
        "十亿元": 1e-3,
        "亿元": 1e-4,
        "亿": 1e-4,
        "100 million yuan": 1e-4,
        "hundred million yuan": 1e-4,
        "万元": 1e-8,
        "ten thousand yuan": 1e-8,
        "元": 1e-12,
        "yuan": 1e-12,
        "rmb": 1e-12,
    },
    "%": {"%": 1.0, "percent": 1.0, "per cent": 1.0, "pct": 1.0, "百分比": 1.0, "百分点": 1.0},
    "个": {"个": 1.0, "项": 1.0, "project": 1.0, "projects": 1.0, "count": 1.0, "number": 1.0},
    "event": {"event": 1.0, "事件": 1.0},
}
# Shares written as fractions (0.98): converted only when the planner confirms.
FRACTION_UNITS = frozenset(key(u) for u in ("fraction", "小数", "ratio"))

_BY_CATALOG = {unit: {key(k): f for k, f in table.items()} for unit, table in _FACTORS.items()}
_KNOWN = frozenset(k for table in _BY_CATALOG.values() for k in table) | FRACTION_UNITS


# What a written unit says for a target's catalog unit (`resolve_unit`; `resolve.py` adds
# "conflict" when a row's unit cell and its unit column disagree).
WrittenUnitStatus = Literal["ok", "unknown", "mismatch", "fraction", "conflict"]
# A checked row's `unit_status`, as the check's SQL in `resolve.py` emits it and the rules in
# `rules.py` test it: a fraction becomes "ok" (the planner confirmed it) or
# "fraction_unconfirmed"; every status but "ok" has its rule.
UnitStatus = Literal["ok", "unknown", "mismatch", "conflict", "fraction_unconfirmed"]
UNIT_STATUSES: tuple[UnitStatus, ...] = get_args(UnitStatus)


@dataclass(frozen=True)
class UnitResult:
    factor: float | None
    status: WrittenUnitStatus


def resolve_unit(written: str, catalog_unit: str) -> UnitResult:
    """How to read a value written in `written` for an indicator kept in `catalog_unit`."""
    k = key(written)
    if not k:
        return UnitResult(1.0, "ok")
    if k in FRACTION_UNITS:
        return (
            UnitResult(100.0, "fraction") if catalog_unit == "%" else UnitResult(None, "mismatch")
        )
    table = _BY_CATALOG.get(catalog_unit, {key(catalog_unit): 1.0})
    if k in table:
        return UnitResult(table[k], "ok")
    return UnitResult(None, "mismatch" if k in _KNOWN else "unknown")


def is_known_unit(written: str) -> bool:
    return key(written) in _KNOWN
