"""The region-scope rule: a provincial planner's file may only hold rows for its regions.

Checked after validation and before the preview, on the rows as they would be stored. A row
outside the account's regions rejects the whole file (nothing is stored), each such row
named with its Excel row, the region column and the reason.
"""

from __future__ import annotations

from collections.abc import Collection

from ..catalog import NATIONAL, Catalog
from .pipeline import Checked
from .report import Problem

REGION_COLUMN = "地区/region"


def outside_scope(
    checked: Checked, regions: Collection[str], catalog: Catalog, user: str
) -> Checked:
    """`checked` unchanged when every row is in `regions` (or they include national);
    otherwise a rejected Checked listing every row outside them."""
    if not checked.ok or NATIONAL in regions or checked.rows.empty:
        return checked
    allowed = set(regions)
    names = ", ".join(
        catalog.regions[c].name_hans if c in catalog.regions else c for c in sorted(allowed)
    )
    problems = []
    for excel_row, code in zip(checked.rows["excel_row"], checked.rows["region_code"], strict=True):
        if code in allowed:
            continue
        region = catalog.regions.get(code)
        problems.append(
            Problem(
                "outside_regions",
                excel_row=int(excel_row),
                column=REGION_COLUMN,
                value=region.name_hans if region is not None else code,
                params={"code": code, "user": user, "allowed": names},
            )
        )
    if not problems:
        return checked
    return Checked.rejected(checked.file_name, checked.sha256, problems, checked.info)


def covers_all(regions: Collection[str], region_codes: Collection[str]) -> bool:
    """Whether an account of `regions` may touch every one of `region_codes` (an undo of an
    upload holding another province's rows is that province's business)."""
    return NATIONAL in regions or set(region_codes) <= set(regions)
