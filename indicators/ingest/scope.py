"""The region-scope rule: a provincial planner's file may only hold rows for its regions.

Checked after validation and before the preview, on the rows as they would be stored. A row
outside the account's regions rejects the whole file (nothing is stored), each such row
named with its Excel row, the region column and the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from indicators.base.catalog import Catalog, Lang
from indicators.ingest.pipeline import Checked
from indicators.ingest.report import MAX_REPORTED, Problem

if TYPE_CHECKING:
    from indicators.domain.auth import Account

REGION_COLUMN = "地区/region"


def _name(catalog: Catalog, code: str, lang: Lang) -> str:
    """The region's full name in Chinese (广西壮族自治区), its English one on English pages."""
    region = catalog.regions.get(code)
    if region is None:
        return code
    return region.name_hans if lang == "zh" else region.name(lang)


def outside_scope(
    checked: Checked, account: Account, catalog: Catalog, lang: Lang = "zh"
) -> Checked:
    """`checked` unchanged when `account` covers every row's region; otherwise a rejected
    Checked listing every row outside them, regions named in `lang` (an English page named
    them in Chinese)."""
    if not checked.ok or account.national or checked.table.num_rows == 0:
        return checked
    # The file's few distinct regions first: a file inside the account's costs no row work.
    column = checked.table["region_code"]
    outside = [c for c in pc.unique(column).to_pylist() if not account.covers(c)]
    if not outside:
        return checked
    names = ("、" if lang == "zh" else ", ").join(_name(catalog, c, lang) for c in account.regions)
    mask = pc.is_in(pc.cast(column, pa.string()), value_set=pa.array(outside, pa.string()))
    rows = checked.table.filter(mask).select(["excel_row", "region_code"])
    problems = []
    for excel_row, code in zip(
        rows["excel_row"].to_pylist()[:MAX_REPORTED],
        rows["region_code"].to_pylist()[:MAX_REPORTED],
        strict=True,
    ):
        problems.append(
            Problem(
                "outside_regions",
                excel_row=int(excel_row),
                column=REGION_COLUMN,
                value=_name(catalog, code, lang),
                params={"code": code, "user": account.name, "allowed": names},
            )
        )
    out = Checked.rejected(checked.file_name, checked.sha256, problems, checked.info)
    out.n_problems = rows.num_rows  # every row outside is counted, as many as are shown
    return out
