"""The briefing pack as PowerPoint (python-pptx): 16:9 slides, one chart per slide.

Slides are built on the blank layout with our own text boxes, so the deck looks the same
whatever default template python-pptx ships. Text is set in Microsoft YaHei for both the
Latin and East Asian slots (what Chinese government PCs have; other systems substitute a
CJK font). Every slide of a domain carries the domain's name as its title, which also lets
a reader (and the tests) find the sections.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.text.text import _Run
from pptx.util import Emu, Inches, Pt

from indicators.base.escape import printable
from indicators.base.i18n import Lang, _
from indicators.base.status import STATUS_COLOURS
from indicators.export.content import (
    OVERVIEW_COLUMNS,
    OVERVIEW_SHARES,
    TEXT_COLUMN,
    DomainSection,
    ItemTable,
    PackContent,
    table_head,
    table_row,
    without_figures_line,
)
from indicators.export.method import plain, runs
from indicators.export.static import figure_bytes, pixel_size

SLIDE_W, SLIDE_H = Emu(12_192_000), Emu(6_858_000)  # 13.333 × 7.5 in, exactly 16:9
MARGIN = Inches(0.5)
TITLE_H = Inches(0.9)
FONT = "Microsoft YaHei"
INK = RGBColor(0x1F, 0x2D, 0x3D)
MUTED = RGBColor(0x5B, 0x6B, 0x7B)
HEADER_FILL = RGBColor(0xE8, 0xED, 0xF3)
OVERVIEW_ROWS_PER_SLIDE = 12
TASK_ROWS_PER_SLIDE = 6
TITLE_SHAPE = "Title"
CHART_PRESET = "slide"


def _set_font(run: _Run, size: float, colour: RGBColor = INK, bold: bool = False) -> None:
    font = run.font
    font.name, font.size, font.bold = FONT, Pt(size), bold
    font.color.rgb = colour
    rpr = run._r.get_or_add_rPr()
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        rpr.append(ea)
    ea.set("typeface", FONT)


def _text(
    slide: Slide,
    text: str,
    left: int,
    top: int,
    width: int,
    height: int,
    *,
    size: float,
    colour: RGBColor = INK,
    bold: bool = False,
    centre: bool = False,
    name: str | None = None,
    formulas: bool = False,
) -> None:
    """A text box, a paragraph per line; with `formulas`, the method note's symbols
    ($y_T$) are drawn with their subscript lowered."""
    # Sums of lengths come back as plain ints: Emu() makes them lengths again.
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if centre:
            para.alignment = 2  # PP_ALIGN.CENTER
        for part, sub in runs(line) if formulas else [(line, False)]:
            run = para.add_run()
            _set_font(run, size, colour, bold)
            run.text = printable(part)  # XML takes no control character
            if sub:
                run._r.get_or_add_rPr().set("baseline", "-25000")


def _slide(prs: Deck, title: str | None = None, subtitle: str | None = None) -> Slide:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    if title:
        _text(
            slide,
            title,
            MARGIN,
            Inches(0.25),
            SLIDE_W - 2 * MARGIN,
            Inches(0.6),
            size=24,
            bold=True,
            name=TITLE_SHAPE,
        )
    if subtitle:
        _text(
            slide,
            subtitle,
            MARGIN,
            Inches(0.8),
            SLIDE_W - 2 * MARGIN,
            Inches(0.35),
            size=12,
            colour=MUTED,
        )
    return slide


def _hex(colour: str) -> RGBColor:
    """The status colour mixed with white, as in the PDF, so text on it stays readable."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return RGBColor(*(int(0.55 * 255 + 0.45 * v) for v in rgb))


def _table(
    slide: Slide,
    rows: Sequence[Sequence[object]],
    shares: Sequence[float],
    *,
    top: int,
    size: float,
    fills: Sequence[str | None] = (),
    fill_col: int = -1,
) -> None:
    width = SLIDE_W - 2 * MARGIN
    shape = slide.shapes.add_table(
        len(rows), len(shares), MARGIN, Emu(top), Emu(width), Emu(Inches(0.3) * len(rows))
    )
    table = shape.table
    for j, share in enumerate(shares):
        table.columns[j].width = Emu(int(width * share))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.fill.solid()
            cell.fill.fore_color.rgb = HEADER_FILL if i == 0 else RGBColor(0xFF, 0xFF, 0xFF)
            frame = cell.text_frame
            frame.word_wrap = True
            run = frame.paragraphs[0].add_run()
            run.text = "–" if value is None or value != value else printable(value)
            _set_font(run, size, bold=i == 0)
        fill = fills[i - 1] if i and i - 1 < len(fills) else None
        if fill:
            cell = table.cell(i, fill_col % len(shares))
            cell.fill.fore_color.rgb = _hex(fill)


# What one 13-pt text box of the slide holds; a CJK character is about two Latin ones wide.
METHOD_CHARS_PER_SLIDE = {"en": 1500, "zh": 620}


def _method_slides(paragraphs: Sequence[str], lang: Lang) -> list[list[str]]:
    """The method note split between slides at paragraph ends, none overfull, and as even
    as the paragraphs allow (greedy filling left a last slide of a few lines)."""
    limit = METHOD_CHARS_PER_SLIDE.get(lang, 1500)
    greedy: list[list[str]] = [[]]
    for para in paragraphs:
        if greedy[-1] and sum(len(plain(p)) for p in greedy[-1]) + len(plain(para)) > limit:
            greedy.append([])
        greedy[-1].append(para)
    total = sum(len(plain(p)) for p in paragraphs)
    even: list[list[str]] = [[]]
    done = 0
    for para in paragraphs:
        # a new slide once this one holds its even share (paragraph midpoints decide)
        if even[-1] and done + len(plain(para)) / 2 > len(even) * total / len(greedy):
            even.append([])
        even[-1].append(para)
        done += len(plain(para))
    fits = all(sum(len(plain(p)) for p in part) <= limit for part in even)
    return even if fits and len(even) == len(greedy) else greedy


def _chunks(items: Sequence, n: int) -> list[Sequence]:
    """At most n to a chunk, the chunks as even as can be (11 rows at 6 a slide are 6 + 5,
    not 6 + 5 and never 10 + 1), so no slide is a header and a row."""
    k = max(1, -(-len(items) // n))
    size, extra = divmod(len(items), k)
    out, at = [], 0
    for i in range(k):
        step = size + (i < extra)
        out.append(items[at : at + step])
        at += step
    return out


def _chart_slide(prs: Deck, s: DomainSection, fig: object) -> None:
    slide = _slide(prs, s.heading, s.subheading)
    png = figure_bytes(fig, "png", CHART_PRESET)
    pw, ph = pixel_size(CHART_PRESET)
    room_w, room_h = SLIDE_W - 2 * MARGIN, SLIDE_H - TITLE_H - Inches(0.45) - MARGIN / 2
    scale = min(room_w / pw, room_h / ph)
    w, h = int(pw * scale), int(ph * scale)
    slide.shapes.add_picture(
        io.BytesIO(png), Emu((SLIDE_W - w) // 2), Emu(TITLE_H + Inches(0.3)), Emu(w), Emu(h)
    )


def _table_slides(prs: Deck, t: ItemTable, lang: Lang) -> None:
    head, shares = table_head(t.kind, lang)
    at = TEXT_COLUMN[t.kind]
    for chunk in _chunks(t.items, TASK_ROWS_PER_SLIDE):
        slide = _slide(prs, t.heading, t.subheading)
        rows: list[list[object]] = [list(head)]
        for item in chunk:
            cells: list[object] = list(table_row(t.kind, item))
            # The planner's evidence under the item: a run of plain text, never interpreted.
            if item.evidence:
                cells[at] = f"{item.text}\n{_('views.col.evidence', lang)}: {item.evidence}"
            rows.append(cells)
        _table(slide, rows, shares, top=TITLE_H + Inches(0.35), size=11)


def render_pptx(c: PackContent) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    prs.core_properties.title = c.title
    prs.core_properties.subject = _("pack.kind", c.lang)

    cover = _slide(prs)
    _text(
        cover,
        c.title,
        MARGIN,
        Inches(2.2),
        SLIDE_W - 2 * MARGIN,
        Inches(1.0),
        size=36,
        bold=True,
        centre=True,
        name=TITLE_SHAPE,
    )
    _text(
        cover,
        "\n".join([c.subtitle, _("pack.generated", c.lang, date=c.generated.isoformat()), c.as_of]),
        MARGIN,
        Inches(3.6),
        SLIDE_W - 2 * MARGIN,
        Inches(1.6),
        size=18,
        colour=MUTED,
        centre=True,
    )

    rows = [list(r) for r in c.overview.itertuples(index=False)]
    colours = [STATUS_COLOURS.get(k) if k != "no_target" else None for k in c.status_keys]
    chunks = _chunks(range(len(rows)), OVERVIEW_ROWS_PER_SLIDE)
    for n, chunk in enumerate(chunks):
        slide = _slide(prs, _("pack.overview", c.lang), c.as_of)
        _table(
            slide,
            [list(c.overview.columns), *(rows[i] for i in chunk)],
            OVERVIEW_SHARES,
            top=TITLE_H + Inches(0.35),
            size=11,
            fills=[colours[i] for i in chunk],
            fill_col=OVERVIEW_COLUMNS.index("col.status"),
        )
        missing = without_figures_line(c)
        if missing and n == len(chunks) - 1:
            # The targets not charted, under the table that lists them (not a slide alone).
            _text(
                slide,
                missing,
                MARGIN,
                SLIDE_H - Inches(0.9),
                SLIDE_W - 2 * MARGIN,
                Inches(0.6),
                size=12,
                colour=MUTED,
            )

    for s in c.sections:
        for _name, fig in s.charts:
            _chart_slide(prs, s, fig)
    for table in c.tables:
        _table_slides(prs, table, c.lang)

    for part in _method_slides(c.method, c.lang):
        slide = _slide(prs, c.method_title)
        _text(
            slide,
            "\n".join(part),
            MARGIN,
            TITLE_H + Inches(0.2),
            SLIDE_W - 2 * MARGIN,
            SLIDE_H - TITLE_H - MARGIN,
            size=13,
            formulas=True,
        )
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
