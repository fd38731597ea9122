"""Clause references in the language shown: 三(十三) is "Section 3 (13)" on an English page,
附件 1 is "Annex, item 1". Chinese pages keep the document's own numbering."""

from __future__ import annotations

import re

from indicators.base.i18n import Lang

_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_CLAUSE = re.compile(r"^([一二三四五六七八九十]+)(?:\(([一二三四五六七八九十]+)\))?$")
_ANNEX = re.compile(r"^附件\s*(\d+)$")


def chinese_number(text: str) -> int:
    """一 → 1, 十三 → 13, 二十二 → 22 (the numbers clause references use)."""
    if "十" not in text:
        return _DIGITS[text]
    tens, _sep, ones = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def clause_text(clause: str, lang: Lang) -> str:
    if lang == "zh":
        # As the document prints it: 三（十三）, full-width brackets beside Chinese numbers.
        return clause.replace("(", "（").replace(")", "）")
    if m := _ANNEX.match(clause.strip()):
        return f"Annex, item {m.group(1)}"
    if m := _CLAUSE.match(clause.strip()):
        section = f"Section {chinese_number(m.group(1))}"
        return f"{section} ({chinese_number(m.group(2))})" if m.group(2) else section
    return clause
