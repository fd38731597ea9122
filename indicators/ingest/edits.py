"""Single-value corrections from the edit form, through the same validation as uploads.

The form shows the current figures of one indicator in one region as text, the way they
were published (">98"); whatever the planner changed or added becomes a record for
``pipeline.check_records`` and is committed as an upload of kind ``form``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from indicators.base.catalog import Catalog, Lang
from indicators.base.formatting import unit_label
from indicators.ingest.display import figure_text

EDIT_COLUMNS = ("period", "value", "unit", "source", "note")


def editor_frame(
    current: pd.DataFrame, indicator_id: str, region_code: str, lang: Lang = "zh"
) -> pd.DataFrame:
    """Current figures of one indicator and region, oldest first, every cell as text; the
    unit in the page's language (事件 / event), which an edit reads back either way. Every
    column is text even with no figure yet: st.data_editor refuses a text column whose
    empty frame pandas typed as float (the form crashed before a first figure)."""
    rows = current[
        (current["indicator_id"] == indicator_id) & (current["region_code"] == region_code)
    ].sort_values("t")
    frame = pd.DataFrame(
        {
            "period": rows["period"].astype(str),
            "value": [
                figure_text(v, q) for v, q in zip(rows["value"], rows["qualifier"], strict=True)
            ],
            "unit": [unit_label(str(u), lang) for u in rows["unit"]],
            "source": rows["source"].fillna("").astype(str),
            "note": rows["note"].fillna("").astype(str),
        }
    ).reset_index(drop=True)
    return frame.astype({c: object for c in EDIT_COLUMNS})


def _cell(value: Any) -> str:
    return (
        "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    )


def edited_records(
    original: pd.DataFrame,
    edited: pd.DataFrame,
    indicator_id: str,
    region_code: str,
) -> tuple[list[dict[str, str]], list[int]]:
    """The rows the planner changed or added, as records, and their row numbers in the form.

    Rows left blank (an added row never filled in) are ignored; removing a figure is an
    undo of its upload, not an edit, so the form cannot delete.
    """
    records, numbers = [], []
    for pos in range(len(edited)):
        new = {c: _cell(edited.iloc[pos][c]) if c in edited.columns else "" for c in EDIT_COLUMNS}
        if not any(new.values()):
            continue
        if pos < len(original):
            old = {c: _cell(original.iloc[pos][c]) for c in EDIT_COLUMNS}
            if old == new:
                continue
        records.append({"indicator": indicator_id, "region": region_code, **new})
        numbers.append(pos + 1)
    return records, numbers


def quantitative_targets(catalog: Catalog) -> list[str]:
    return [t.id for t in catalog.targets.values() if t.quantitative]
