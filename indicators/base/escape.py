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
    return html.escape(str(text), quote=False)


def for_markdown(text: object) -> str:
    """Backslash before every Markdown character; line breaks become spaces."""
    flat = " ".join(str(text).split())
    return _MARKDOWN.sub(r"\\\1", flat)
