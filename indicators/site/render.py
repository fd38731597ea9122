"""HTML pieces of the static site: the template environment, charts, tables and formulas.

Every text reaches the page through Jinja2 with autoescaping on, so a figure's source or a
planner's note can never become markup; the few pieces built here as HTML (a formula, a
builder's inline SVG) are escaped while they are built and marked safe once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup, escape

from indicators.base.i18n import Lang
from indicators.export.data import figure_data
from indicators.present.chart_parts import on_screen

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


@dataclass(frozen=True)
class Cell:
    text: str
    style: str = ""  # a status cell's colours, from the app's own table styles
    href: str | None = None


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[Cell]]
    caption: str = ""


def cell_text(value: object) -> str:
    """A table value as the page writes it: missing as '–', whole floats without '.0'."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def frame_table(
    df: pd.DataFrame,
    *,
    styles: dict[str, str] | None = None,
    links: dict[str, list[str | None]] | None = None,
    drop: tuple[str, ...] = ("id",),
    caption: str = "",
) -> Table:
    """A DataFrame from the app's table builders as an HTML table: `styles` colours status
    cells by their label (tables.status_cell_styles); `links` gives a column's cell links."""
    cols = [c for c in df.columns if c not in drop]
    units = df.attrs.get("units", {})
    head = [f"{c} ({units[c]})" if units.get(c) else str(c) for c in cols]
    rows = []
    for i, (_index, record) in enumerate(df[cols].iterrows()):
        row = []
        for c in cols:
            text = cell_text(record[c])
            href = (links or {}).get(c, [None] * len(df))[i]
            row.append(Cell(text, (styles or {}).get(text, ""), href))
        rows.append(row)
    return Table(head, rows, caption)


@dataclass(frozen=True)
class Chart:
    """A finished figure on a page: its texts as HTML, its plot as plotly JSON, and the
    numbers it plots as a table (the chart's text alternative and the no-JavaScript read)."""

    id: str
    title: str
    subtitle: str
    source: str
    json: Markup
    table: Table
    height: int
    label: str = field(default="")


def script_json(data: str) -> Markup:
    """JSON inside <script>: '<' written as \\u003c, so no text can close the element."""
    return Markup(data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def chart(fig: go.Figure, chart_id: str, lang: Lang) -> Chart:
    screen, texts = on_screen(fig)
    screen = go.Figure(screen) if screen is fig else screen
    # The page gives the chart its width; the builder's height stays.
    screen.update_layout(width=None, autosize=True)
    height = int(screen.layout.height or 400)
    data = figure_data(fig, lang)
    title = texts.get("title") or _plain_title(fig)
    subtitle = texts.get("subtitle", "")
    return Chart(
        id=chart_id,
        title=title,
        subtitle=subtitle,
        source=texts.get("source", ""),
        json=script_json(screen.to_json(validate=False, pretty=False, remove_uids=True)),
        table=frame_table(data, drop=()),
        height=height,
        label=" ".join(x for x in (title, subtitle) if x),
    )


def _plain_title(fig: go.Figure) -> str:
    text = fig.layout.title.text or ""
    return re.sub(r"<[^>]+>", " ", text).strip()


def svg(markup: str) -> Markup:
    """A builder's inline SVG (figures.sparkline_svg escapes its own label)."""
    return Markup(markup)


# --- text with light markup: the method page ----------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"\*([^*]+)\*")
_URL = re.compile(r"https?://[^\s<>\"'（）]+[^\s<>\"'（）.,;:)]")
_MATH = re.compile(r"\$([^$]+)\$")


def inline_markup(text: str) -> Markup:
    """The method page's Markdown subset: **bold** and inline formulas ($y_T$)."""
    out: list[str] = []
    at = 0
    for m in _MATH.finditer(text):
        out.append(_bold(text[at : m.start()]))
        out.append(latex_html(m.group(1)))
        at = m.end()
    out.append(_bold(text[at:]))
    return Markup("".join(out))


def _bold(text: str) -> str:
    html = _BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", str(escape(text)))
    return _ITALIC.sub(lambda m: f"<em>{m.group(1)}</em>", html)


def linked(text: str) -> Markup:
    """Plain text with its web addresses as links (a source's URL on the method page)."""
    html = str(escape(text))
    return Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', html))


_SYMBOLS = {
    "times": "×",
    "Delta": "Δ",
    "lvert": "|",
    "rvert": "|",
    "min": "min",
    "to": "→",
    "quad": "\u2003",
    ",": "\u2009",
    "%": "%",
    "left": "",
    "right": "",
}
_OPERATORS = {"=": "=", "+": "+", "-": "\u2212", "\\times": "×"}
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}^_]|[^\\{}^_]")


def latex_html(tex: str) -> Markup:
    """The few LaTeX constructs the method's formulas use, as HTML (sub/sup, a stacked
    fraction): the page reads without a maths renderer or JavaScript."""
    tokens = _TOKEN.findall(tex)
    html, _rest = _sequence(tokens, 0)
    return Markup(f'<span class="math">{html}</span>')


def _sequence(tokens: list[str], i: int) -> tuple[str, int]:
    out = []
    while i < len(tokens) and tokens[i] != "}":
        piece, i = _atom(tokens, i)
        while i < len(tokens) and tokens[i] in ("^", "_"):
            tag = "sup" if tokens[i] == "^" else "sub"
            arg, i = _atom(tokens, i + 1)
            piece += f"<{tag}>{arg}</{tag}>"
        out.append(piece)
    return "".join(out), i


def _atom(tokens: list[str], i: int) -> tuple[str, int]:
    if i >= len(tokens):
        return "", i
    tok = tokens[i]
    if tok == "{":
        inner, i = _sequence(tokens, i + 1)
        return inner, i + 1
    if tok == r"\text":
        # Raw words up to the closing brace (they may hold spaces and '%').
        j = i + 2
        words = []
        while j < len(tokens) and tokens[j] != "}":
            words.append(tokens[j][1:] if tokens[j].startswith("\\") else tokens[j])
            j += 1
        return str(escape("".join(words))), j + 1
    if tok == r"\frac":
        num, i = _atom(tokens, i + 1)
        den, i = _atom(tokens, i)
        return (
            f'<span class="frac"><span class="num">{num}</span>'
            f'<span class="den">{den}</span></span>',
            i,
        )
    if tok == r"\hat":
        base, i = _atom(tokens, i + 1)
        return f'<span class="hat">{base}</span>', i
    if tok in _OPERATORS:  # spaced, and a true minus sign
        return f"\u2009{_OPERATORS[tok]}\u2009", i + 1
    if tok.startswith("\\"):
        return str(escape(_SYMBOLS.get(tok[1:], tok[1:]))), i + 1
    return ("" if tok == " " else str(escape(tok))), i + 1


def dumps(data: object) -> str:
    """Open data JSON: UTF-8 text, stable key order as given, two-space indent."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
