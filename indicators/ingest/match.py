"""Matching what planners write to catalog ids: indicators, regions, column headers.

A name matches by id, Simplified or Traditional Chinese name, English name or GB/T 2260 code,
ignoring case, spaces and full-width/half-width differences: everything is reduced to one key
(NFKC, Traditional -> Simplified, casefold, no whitespace) before lookup.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache

import opencc

from indicators.base.catalog import NATIONAL, Catalog

_SPACE = re.compile(r"\s+")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def key(text: str) -> str:
    """The comparison key of a name; cached because a column repeats a few names."""
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    return _SPACE.sub("", text).casefold()


NATIONAL_ALIASES = ("national", "全国", "全國", "中国", "china", "nationwide", "nation")


def indicator_index(catalog: Catalog) -> dict[str, str]:
    """Comparison key -> target id, for every way of naming a target (a few dozen entries)."""
    index: dict[str, str] = {}
    for t in catalog.targets.values():
        for name in (t.id, t.name_hans, t.name_hant, t.name_en):
            if name:
                index.setdefault(key(name), t.id)
    return index


def region_index(catalog: Catalog) -> dict[str, str]:
    index: dict[str, str] = {key(a): NATIONAL for a in NATIONAL_ALIASES}
    for r in catalog.regions.values():
        for name in (r.code, r.name_hans, r.name_hant, r.short_hans, r.short_hant, r.name_en):
            if name:
                index.setdefault(key(name), r.code)
    return index


def match_indicator(catalog: Catalog, text: str) -> str | None:
    return indicator_index(catalog).get(key(text)) if text.strip() else None


def match_region(catalog: Catalog, text: str) -> str | None:
    return region_index(catalog).get(key(text)) if text.strip() else None


# --- column headers -----------------------------------------------------------------------

# The roles a long-format column can play, with what planners call them. The template's
# bilingual headers ("指标/indicator") match because each part is tried on its own.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator": (
        "indicator",
        "indicator_id",
        "indicator id",
        "指标",
        "指标名称",
        "指标代码",
        "target",
        "目标",
        "项目",
    ),
    "region": (
        "region",
        "region_code",
        "region code",
        "地区",
        "地区代码",
        "行政区划",
        "行政区划代码",
        "省份",
        "省",
        "province",
        "area",
    ),
    "period": ("period", "时期", "期间", "年份", "年度", "year", "时间", "统计期"),
    "value": ("value", "数值", "值", "实际值", "actual", "数据"),
    "unit": ("unit", "单位", "计量单位"),
    "qualifier": ("qualifier", "限定", "限定词", "修饰"),
    "source": ("source", "来源", "数据来源", "出处"),
    "note": ("note", "notes", "备注", "说明", "remark", "remarks"),
    # when the figure was published (its vintage); absent: the upload's date
    "published": ("published", "发布日期", "发布时间", "publication date", "publicationdate"),
}
ROLES = tuple(HEADER_ALIASES)

_HEADER_INDEX = {key(alias): role for role, aliases in HEADER_ALIASES.items() for alias in aliases}
_HEADER_SPLIT = re.compile(r"[/|()\[\]\s]")


def header_role(header: str) -> str | None:
    """The role of a column from its header, or None (e.g. a period in a wide sheet)."""
    whole = key(header)
    if whole in _HEADER_INDEX:
        return _HEADER_INDEX[whole]
    roles = {_HEADER_INDEX.get(key(part)) for part in _HEADER_SPLIT.split(header) if part.strip()}
    roles.discard(None)
    return roles.pop() if len(roles) == 1 else None


# --- suggestions for a name that matches nothing -------------------------------------------

# Close enough to suggest: "内蒙" -> 内蒙古自治区, "Guangdon" -> Guangdong; but "粤北省" is
# no more 湖北省 than 广东省, so a shared "北省" alone must not be offered.
SUGGEST_CUTOFF = 0.75


def _nearest(index: dict[str, str], text: str) -> str | None:
    k = key(text)
    if len(k) < 2:
        return None
    starts = {v for name, v in index.items() if name.startswith(k)}
    if len(starts) == 1:
        return starts.pop()
    close = difflib.get_close_matches(k, list(index), n=1, cutoff=SUGGEST_CUTOFF)
    return index[close[0]] if close else None


def nearest_region(catalog: Catalog, text: str) -> str | None:
    """The code of the region a planner most likely meant, or None when none is close."""
    return _nearest(region_index(catalog), text)


def nearest_indicator(catalog: Catalog, text: str) -> str | None:
    return _nearest(indicator_index(catalog), text)
