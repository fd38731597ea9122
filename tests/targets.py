"""One catalog Target for the pure metric tests: placeholder text fields, and the numbers
each test judges given as keywords."""

from __future__ import annotations

from typing import Any

from indicators.base.catalog import Target

_PLACEHOLDERS: dict[str, Any] = dict(
    id="x",
    document_id="d",
    domain_id="scale",
    clause="一",
    quote="q",
    quote_en="q",
    name_hans="x",
    name_hant="x",
    name_en="x",
    kind="level",
    unit="u",
    target_value=100.0,
    target_year=2020,
    baseline_value=50.0,
    baseline_period="2010",
    regional=True,
)


def make_target(**kw: Any) -> Target:
    return Target(**{**_PLACEHOLDERS, **kw})
