"""The briefing pack as a PDF (reportlab), A4 landscape so 16:9 charts fill the page.

Chinese needs a CJK TrueType font embedded: WenQuanYi Micro Hei from Debian's
fonts-wqy-microhei (installed by ``make run`` / ``make test``). Each domain is a PDF
bookmark, so a reader jumps to it and tests can count the sections.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepInFrame,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from indicators.base.escape import printable
from indicators.base.formatting import text_width
from indicators.base.i18n import Lang, _
from indicators.base.status import STATUS_COLOURS
from indicators.export.content import (
    OVERVIEW_COLUMNS,
    OVERVIEW_SHARES,
    TEXT_COLUMN,
    ChecklistItem,
    DomainSection,
    ItemTable,
    PackContent,
    table_head,
    table_row,
    without_figures_line,
)
from indicators.export.method import runs
from indicators.export.static import figure_bytes, pixel_size

FONT = "WQYMicroHei"
FONT_FILES = ("wqy-microhei.ttc", "wqy-zenhei.ttc")
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
PAGE = landscape(A4)
MARGIN = 14 * mm
CHART_PRESET = "slide"
INK = colors.HexColor("#1f2d3d")
MUTED_HEX = "#5b6b7b"
MUTED = colors.HexColor(MUTED_HEX)
# A table's last page holds at least this share of the page (rows move on from the page
# before), so no page is a heading and a row; the pack test holds every page to it.
TAIL_SHARE = 0.4
PAGE_SLACK = 6 * mm  # the frame's own padding (6 pt top and bottom) and rounding
# The method note is set at most this much smaller to end on its own page.
METHOD_SHRINK_AT_MOST = 0.85


class FontMissing(RuntimeError):
    pass


def escape(text: str) -> str:
    """Markup-escaped, without the control characters no PDF text takes."""
    return xml_escape(printable(text))


@cache
def cjk_font() -> str:
    """Register the CJK font once per process; its reportlab name."""
    for base in FONT_DIRS:
        for name in FONT_FILES:
            for path in sorted(base.rglob(name)) if base.is_dir() else ():
                pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
                return FONT
    raise FontMissing("no CJK font found: install Debian's fonts-wqy-microhei (make run does)")


def _styles() -> dict[str, ParagraphStyle]:
    f = cjk_font()
    # wordWrap="CJK" breaks between Chinese characters, which have no spaces.
    base = ParagraphStyle(
        "base", fontName=f, fontSize=10, leading=14, textColor=INK, wordWrap="CJK"
    )
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=11.5)
    return {
        "body": base,
        "small": small,
        # A table cell without Chinese breaks between words ("Latest / actual", a date kept
        # whole), not wherever the line is full ("Latest actu / al", "2019-10-3 / 1"); a
        # word wider than its column is still split.
        "small_words": ParagraphStyle("small_words", parent=small, wordWrap=None),
        "muted": ParagraphStyle("muted", parent=base, textColor=MUTED),
        "cover_title": ParagraphStyle(
            "ct", parent=base, fontSize=26, leading=34, alignment=TA_CENTER, spaceAfter=10 * mm
        ),
        "cover_line": ParagraphStyle(
            "cl", parent=base, fontSize=14, leading=22, alignment=TA_CENTER, textColor=MUTED
        ),
        "method": ParagraphStyle("method", parent=base, fontSize=11, leading=17, spaceAfter=4 * mm),
        "h1": ParagraphStyle("h1", parent=base, fontSize=18, leading=24, spaceAfter=2 * mm),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=13, leading=18, spaceBefore=3 * mm, spaceAfter=2 * mm
        ),
    }


class Bookmark(Flowable):
    """A zero-size flowable that adds a PDF outline entry where it lands."""

    def __init__(self, key: str, title: str, level: int = 0) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level

    def wrap(self, *_args: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        c = self.canv
        c.bookmarkPage(self.key)
        c.addOutlineEntry(self.title, self.key, level=self.level, closed=False)


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)), style)


def _cell(text: object, st: dict[str, ParagraphStyle]) -> Paragraph:
    shown = str(text or "")
    return _p(text, st["small" if text_width(shown) > len(shown) else "small_words"])


def _light(hex_colour: str) -> colors.Color:
    """The status colour mixed with white, so dark text on it stays readable."""
    c = colors.HexColor(hex_colour)
    return colors.Color(*(0.55 + 0.45 * v for v in (c.red, c.green, c.blue)))


def _table(
    rows: Sequence[Sequence[object]],
    widths: list[float],
    st: dict[str, ParagraphStyle],
    row_colours: list[str | None] | None = None,
    colour_col: int = -1,
) -> Table:
    data = [[v if isinstance(v, Flowable) else _cell(v, st) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#c8d0d8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, colour in enumerate(row_colours or [], start=1):
        if colour:
            style.append(("BACKGROUND", (colour_col, i), (colour_col, i), _light(colour)))
    table.setStyle(TableStyle(style))
    return table


def _cover(c: PackContent, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [
        Bookmark("cover", c.title),
        Spacer(1, 45 * mm),
        _p(c.title, st["cover_title"]),
        _p(c.subtitle, st["cover_line"]),
        Spacer(1, 8 * mm),
        _p(_("pack.generated", c.lang, date=c.generated.isoformat()), st["cover_line"]),
        _p(c.as_of, st["cover_line"]),
        PageBreak(),
    ]


def _overview(
    c: PackContent, st: dict[str, ParagraphStyle], width: float, height: float
) -> list[Flowable]:
    frame = c.overview
    rows = [["–" if v is None or v != v else v for v in r] for r in frame.itertuples(index=False)]
    colours = [STATUS_COLOURS.get(k) if k != "no_target" else None for k in c.status_keys]
    title = _("pack.overview", c.lang)
    missing = without_figures_line(c)
    return [
        Bookmark("overview", title),
        *_paged_table(
            [_p(title, st["h1"])],
            list(frame.columns),
            rows,
            [s * width for s in OVERVIEW_SHARES],
            st,
            (width, height),
            colours,
            colour_col=OVERVIEW_COLUMNS.index("col.status"),
            after=[Spacer(1, 2 * mm), _p(missing, st["muted"])] if missing else [],
        ),
    ]


def _paged_table(
    head: list[Flowable],
    columns: Sequence[object],
    rows: Sequence[Sequence[object]],
    widths: list[float],
    st: dict[str, ParagraphStyle],
    frame: tuple[float, float],
    row_colours: list[str | None] | None = None,
    colour_col: int = -1,
    after: Sequence[Flowable] = (),
) -> list[Flowable]:
    """A table from the top of a page, cut into pages here rather than by reportlab, so its
    last page is never a heading's repeat and a row or two: rows move from the page before
    until the last page is at least TAIL_SHARE full (each page repeats the column heads)."""
    width, height = frame
    colours = list(row_colours or [None] * len(rows))
    full = _table([columns, *rows], widths, st)
    full.wrap(width, height)
    head_h, *row_h = full._rowHeights
    lead_h = sum(f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in head)
    after_h = sum(f.wrap(width, height)[1] + f.getSpaceBefore() for f in after)
    pages: list[list[int]] = [[]]
    room = height - lead_h - head_h - PAGE_SLACK
    for i, h in enumerate(row_h):
        if pages[-1] and h > room:
            pages.append([])
            room = height - head_h - PAGE_SLACK
        pages[-1].append(i)
        room -= h
    if room < after_h and len(pages[-1]) > 1:
        pages.append([pages[-1].pop()])  # the line under the table goes with its last rows

    def tail() -> float:
        return head_h + after_h + sum(row_h[i] for i in pages[-1])

    while len(pages) > 1 and len(pages[-2]) > 1 and tail() < height * TAIL_SHARE:
        pages[-1].insert(0, pages[-2].pop())
    out: list[Flowable] = list(head)
    for n, page in enumerate(pages):
        if n:
            out.append(PageBreak())
        out.append(
            _table(
                [columns, *[rows[i] for i in page]],
                widths,
                st,
                [colours[i] for i in page],
                colour_col,
            )
        )
    return [*out, *after]


def _item_table(
    t: ItemTable, lang: Lang, st: dict[str, ParagraphStyle], width: float, height: float
) -> list[Flowable]:
    columns, shares = table_head(t.kind, lang)
    at = TEXT_COLUMN[t.kind]
    rows: list[list[object]] = []
    for item in t.items:
        cells: list[object] = list(table_row(t.kind, item))
        cells[at] = _item_text(item, lang, st)
        rows.append(cells)
    return [
        PageBreak(),
        Bookmark(f"table-{t.kind}", t.heading),
        *_paged_table(
            [_p(t.heading, st["h1"]), _p(t.subheading, st["muted"]), Spacer(1, 3 * mm)],
            columns,
            rows,
            [s * width for s in shares],
            st,
            (width, height),
        ),
    ]


def _item_text(item: ChecklistItem, lang: Lang, st: dict[str, ParagraphStyle]) -> Paragraph:
    """The item, and under it the planner's evidence: escaped, so a typed tag is shown, not
    read as Paragraph markup (a link, a font, a broken table)."""
    text = escape(item.text)
    if item.evidence:
        text += (
            f'<br/><font color="{MUTED_HEX}">'
            f"{escape(_('views.col.evidence', lang))}: {escape(item.evidence)}</font>"
        )
    return Paragraph(text, st["small"])


def _method_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A method-note paragraph: escaped, its symbols' subscripts lowered (y<sub>T</sub>)."""
    return Paragraph(
        "".join(f"<sub>{escape(t)}</sub>" if sub else escape(t) for t, sub in runs(text)), style
    )


def _chart(fig: object, width: float, height: float) -> Image:
    png = figure_bytes(fig, "png", CHART_PRESET)
    pw, ph = pixel_size(CHART_PRESET)
    scale = min(width / pw, height / ph)
    img = Image(io.BytesIO(png), width=pw * scale, height=ph * scale)
    img.hAlign = "CENTER"
    return img


def _section(
    s: DomainSection, st: dict[str, ParagraphStyle], width: float, height: float
) -> list[Flowable]:
    """A domain's charts: its heading and first chart on one page, each further chart on a
    page of its own."""
    (_name, first), *rest = s.charts
    out: list[Flowable] = [
        PageBreak(),
        Bookmark(f"domain-{s.domain.id}", s.heading),
        _p(s.heading, st["h1"]),
        _p(s.subheading, st["muted"]),
        Spacer(1, 3 * mm),
        _chart(first, width, height - 22 * mm),
    ]
    for _name, fig in rest:
        out += [PageBreak(), _chart(fig, width, height)]
    return out


def _method(
    c: PackContent, st: dict[str, ParagraphStyle], width: float, height: float
) -> list[Flowable]:
    """The method note on a page of its own. A note a little longer than the page is set a
    little smaller rather than leave its last lines alone on a page; a longer one flows on,
    its last three paragraphs kept together (never a line or two on the last page)."""
    # The bookmark stays outside the frame, which would not draw a zero-size flowable.
    mark = Bookmark("method", c.method_title)
    body = [_p(c.method_title, st["h1"])]
    body += [_method_paragraph(par, st["method"]) for par in c.method]
    needed = sum(f.wrap(width, height)[1] + f.getSpaceAfter() for f in body)
    if needed <= height / METHOD_SHRINK_AT_MOST:
        return [mark, KeepInFrame(width, height, body, mode="shrink")]
    # Its last three paragraphs go on together: two left the last page a quarter full.
    return [mark, *body[:-3], KeepTogether(body[-3:])]


def render_pdf(c: PackContent) -> bytes:
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=c.title,
        subject=_("pack.kind", c.lang),
        author=c.title,
        lang="zh-CN" if c.lang == "zh" else "en",
    )
    width, height = doc.width, doc.height
    story: list[Flowable] = [*_cover(c, st), *_overview(c, st, width, height)]
    for section in c.sections:
        story += _section(section, st, width, height)
    for table in c.tables:
        story += _item_table(table, c.lang, st, width, height)
    story += [PageBreak(), *_method(c, st, width, height)]

    footer = _("pack.footer", c.lang, title=c.title, as_of=c.as_of)

    def decorate(canvas: Canvas, document: object) -> None:
        n = canvas.getPageNumber()
        if n == 1:
            return
        canvas.saveState()
        canvas.setFont(cjk_font(), 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 8 * mm, footer)
        canvas.drawRightString(PAGE[0] - MARGIN, 8 * mm, _("pack.page", c.lang, n=n))
        canvas.restoreState()

    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()
