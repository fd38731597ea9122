"""The method note at the end of the briefing pack: the method page's own sections
(``indicators.domain.method``), as plain paragraphs, so the page and the pack cannot disagree."""

from __future__ import annotations

import re

from indicators.base.i18n import Lang
from indicators.domain.method import sections

_MARKDOWN = re.compile(r"\*\*(.+?)\*\*")
# The page writes its symbols as inline formulas ($y_T$, drawn by Streamlit's KaTeX); the
# pack draws each as its letter with the subscript lowered.
_MATH = re.compile(r"\$([^$]+)\$")
_SYMBOLS = {r"\Delta": "Δ"}


def method_note(lang: Lang) -> list[str]:
    """The note's paragraphs, in order, symbols still as ``$y_T$`` (``runs`` splits them);
    its heading is ``_("method.title", lang)``."""
    sep = "：" if lang == "zh" else ": "
    return [s.heading + sep + _MARKDOWN.sub(r"\1", s.body) for s in sections(lang)]


def runs(paragraph: str) -> list[tuple[str, bool]]:
    """A note paragraph as (text, is_subscript) runs: ``"to $y_T$."`` is
    ``[("to ", False), ("y", False), ("T", True), (".", False)]``."""
    out: list[tuple[str, bool]] = []
    at = 0
    for m in _MATH.finditer(paragraph):
        out.append((paragraph[at : m.start()], False))
        body = m.group(1)
        for tex, char in _SYMBOLS.items():
            body = body.replace(tex, char)
        base, _sep, sub = body.partition("_")
        out += [(base, False), (sub, True)]
        at = m.end()
    out.append((paragraph[at:], False))
    return [(text, sub) for text, sub in out if text]


def plain(paragraph: str) -> str:
    """The paragraph's text without the formula marks (``y_T`` as ``yT``), for measuring."""
    return "".join(text for text, _sub in runs(paragraph))
