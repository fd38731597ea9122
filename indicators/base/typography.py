"""Chinese text takes full-width ，：；（） beside Chinese characters; English keeps ASCII.

Our labels are written that way (tests/test_typography.py holds them to it); this puts the
same marks into text we did not write, such as a source as a planner typed it
("工业和信息化部(经济日报 转引)"), before it is shown on a Chinese page.
"""

from __future__ import annotations

import re

# Chinese characters, CJK punctuation (。、〔〕) and full-width forms (（）％), and “ ”.
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u201c\u201d"
_BESIDE = re.compile(f"(?<=[{_CJK}])[,:;()]|[,:;()](?=[{_CJK}])")
_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}


def zh_marks(text: str) -> str:
    """Each half-width , : ; ( ) beside a Chinese character made full-width, and a bracket's
    partner with it ("部(会议 2018)" -> "部（会议 2018）"); "52,000", "12:30" and URLs keep
    theirs. Repeated until nothing changes: a converted mark can bring the next beside one."""
    chars = list(text)
    while True:
        hits = {m.start() for m in _BESIDE.finditer("".join(chars))}
        if not hits:
            return "".join(chars)
        opened: list[int] = []
        for i, c in enumerate(chars):
            if c in "(（":
                opened.append(i)
            elif c in ")）" and opened:
                j = opened.pop()
                if i in hits or j in hits or chars[i] == "）" or chars[j] == "（":
                    hits |= {i, j}
        for i in hits:
            chars[i] = _FULL.get(chars[i], chars[i])
