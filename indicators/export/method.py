"""The method note at the end of the briefing pack: the method page's own sections
(``indicators.method``), as plain paragraphs, so the page and the pack cannot disagree."""

from __future__ import annotations

import re

from ..i18n import Lang
from ..method import sections

_MARKDOWN = re.compile(r"\*\*(.+?)\*\*")


def method_note(lang: Lang) -> list[str]:
    """The note's paragraphs, in order; its heading is ``_("method.title", lang)``."""
    sep = ":" if lang == "zh" else ": "
    return [s.heading + sep + _MARKDOWN.sub(r"\1", s.body) for s in sections(lang)]
