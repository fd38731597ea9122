"""Text that came from an upload or a user, made inert where it is drawn.

Plotly reads a subset of HTML in every text (``<a href>`` became a clickable link on public
charts, ``<span style>`` restyled them, in exported SVG too) and Streamlit reads Markdown in
messages (a sheet named ``[x](http://…)`` became a link). Uploaded text is stored as
written; these helpers are called where it is drawn, so it shows as typed and does nothing.
"""

from __future__ import annotations

import html
import re

# Every character Markdown (and Streamlit's extensions: $ for LaTeX, : for emoji and icons,
# ~ for strikethrough) may read as syntax.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def for_plotly(text: object) -> str:
    """Plotly draws &lt; as <, so the tag is shown, not obeyed."""
    return html.escape(printable(text), quote=False)


def for_markdown(text: object) -> str:
    """Backslash before every Markdown character; line breaks become spaces."""
    flat = " ".join(str(text).split())
    return _MARKDOWN.sub(r"\\\1", flat)


# C0/C1 controls and the bidirectional marks that reorder what follows them (an RTL
# override showed a cell's text reversed in the problem table).
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _picture(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c < 0x20:
        return chr(0x2400 + c)  # Unicode's control pictures: ␀ ␁ … ␛ …
    if c == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{c:04X}>"


def visible_controls(text: object) -> str:
    """Control characters and direction marks shown as marks (␛, <U+202E>), so a cell
    quoted back shows what is in it and nothing reorders or rings the terminal."""
    return _INVISIBLE.sub(_picture, str(text))


def printable(text: object) -> str:
    """For renderers of stored text (XML in XLSX/SVG/PPTX, PDF, kaleido): C0/C1 controls
    other than tab and line breaks, which none of them accepts, dropped."""
    return _CONTROL.sub("", str(text))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
