"""The downloadable upload template, CSV and XLSX, with bilingual headers and example rows.

The example rows are figures already stored (the published ones, with their sources), never
made-up numbers: a template uploaded unchanged changes nothing. The XLSX adds sheets listing
the indicators and regions with the names the upload accepts.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from indicators.base.catalog import NATIONAL, Catalog
from indicators.base.escape import printable
from indicators.base.formatting import unit_label

HEADERS = (
    "指标/indicator",
    "地区/region",
    "时期/period",
    "数值/value",
    "单位/unit",
    "来源/source",
    "备注/note",
)
EXAMPLES = 4


def _qualified(value: float, qualifier: object, high: object = None) -> str:
    text = f"{value:g}"
    if isinstance(high, float) and high == high:
        text += f"-{high:g}"  # a published range, read back as the same range
    return f"{qualifier}{text}" if isinstance(qualifier, str) and qualifier else text


def example_rows(catalog: Catalog, current: pd.DataFrame, n: int = EXAMPLES) -> list[list[str]]:
    """A few stored figures of different indicators, written as a planner would."""
    rows: list[list[str]] = []
    seen: set[str] = set()
    frame = current.sort_values("t", ascending=False) if len(current) else current
    for rec in frame.itertuples(index=False):
        target = catalog.targets.get(rec.indicator_id)
        if target is None or rec.indicator_id in seen or target.kind == "growth_rate":
            # a stored rate may be a year-on-year one (2018: 11.1 %), not the average the
            # indicator means: no example row, the indicators sheet says what belongs there
            continue
        seen.add(rec.indicator_id)
        region = catalog.regions.get(rec.region_code)
        region_name = (
            "全国"
            if rec.region_code == NATIONAL
            else (region.short_hans if region else rec.region_code)
        )
        # Written as the rest of the row is, in Chinese ("事件", not the catalog's "event");
        # the upload reads either language's unit back.
        rows.append(
            [
                target.name_hans,
                region_name,
                rec.period,
                _qualified(rec.value, rec.qualifier, getattr(rec, "value_high", None)),
                unit_label(rec.unit, "zh"),
                # Stored before controls were refused: openpyxl would refuse the sheet.
                printable(rec.source) if isinstance(rec.source, str) else "",
                "",
            ]
        )
        if len(rows) == n:
            break
    return rows


def what_belongs(catalog: Catalog, target_id: str) -> str:
    """What a figure of this indicator is, where a likely figure is not it: an average
    annual growth rate is the compound rate since the baseline, not a year-on-year one."""
    t = catalog.targets[target_id]
    level = catalog.targets.get(t.derived_from or "")
    if t.kind != "growth_rate" or level is None or level.baseline_period is None:
        return ""
    return (
        f"自{level.baseline_period}年起每年的年均复合增速（%），不是当年同比增速；"
        f"不填时由“{level.name_hans}”推算。"
        f" / The compound average annual growth since {level.baseline_period} (%), not a"
        f" year-on-year rate; left out, it is derived from '{level.name_en}'."
    )


def template_csv(catalog: Catalog, current: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel on a Chinese desktop opens it without garbling."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(example_rows(catalog, current))
    return buf.getvalue().encode("utf-8-sig")


def template_xlsx(catalog: Catalog, current: pd.DataFrame) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "数据 data"
    ws.append(list(HEADERS))
    for row in example_rows(catalog, current):
        # Every cell as text: Excel must not turn "2019-08" into a date or "98" into 0.98.
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFG", (28, 12, 12, 10, 10, 40, 20), strict=True):
        ws.column_dimensions[col].width = width
    for r in ws.iter_rows(min_row=2):
        for c in r:
            c.number_format = "@"
    lists = wb.create_sheet("指标 indicators")
    # Names and units in both languages, side by side; an upload accepts either.
    lists.append(["id", "名称", "English", "单位", "unit", "类型/kind", "说明/what belongs here"])
    for t in catalog.targets.values():
        if t.quantitative:
            lists.append(
                [
                    t.id,
                    t.name_hans,
                    t.name_en,
                    unit_label(t.unit, "zh"),
                    unit_label(t.unit, "en"),
                    t.kind,
                    what_belongs(catalog, t.id),
                ]
            )
    regions = wb.create_sheet("地区 regions")
    regions.append(["代码/code", "名称", "简称", "English"])
    for reg in catalog.regions.values():
        regions.append([reg.code, reg.name_hans, reg.short_hans, reg.name_en])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
