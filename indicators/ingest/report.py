"""Problems found in an upload, as the planner sees them: Excel row, column, value, what's wrong.

A problem carries a code and named parameters; its message is looked up in the chosen
language only when shown, so one validation run serves both languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicators.base.catalog import Catalog
from indicators.base.escape import visible_controls
from indicators.base.formatting import text_width
from indicators.base.i18n import Lang, _

# Past this many, the table says "and N more": a wholly wrong 1M-row file needs no 1M lines.
MAX_REPORTED = 1000


@dataclass(frozen=True)
class Problem:
    code: str
    excel_row: int | None = None  # as Excel numbers rows: the header is row 1
    column: str | None = None  # "C · 时期/period"
    value: str | None = None  # the cell as written
    params: dict[str, object] = field(default_factory=dict)

    def message(self, lang: Lang) -> str:
        return _(f"ingest.problem.{self.code}", lang, **self.params)


class Rejected(Exception):
    """A file with any problem writes nothing."""

    def __init__(self, problems: list[Problem], info: object = None) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
        self.info = info  # what was read before the problem, when anything was


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as Excel labels columns."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_label(index: int, header: str) -> str:
    return f"{column_letter(index)} · {header}" if header else column_letter(index)


def hint(problem: Problem, catalog: Catalog, lang: Lang) -> str:
    """What to write instead: the nearest name, or an example of a number."""
    if problem.code in ("unknown_region", "unknown_indicator"):
        code = str(problem.params.get("suggest") or "")
        things = catalog.regions if problem.code == "unknown_region" else catalog.targets
        if code in things:
            thing = things[code]
            name = thing.name_en if lang == "en" else getattr(thing, "name_hans", code)
            return _("ingest.hint.did_you_mean", lang, name=name)
        return _(f"ingest.hint.no_match.{problem.code}", lang)
    if problem.code in ("not_numeric", "empty_value"):
        return _("ingest.hint.number", lang)
    return ""


def problems_frame(
    problems: list[Problem], lang: Lang, catalog: Catalog | None = None
) -> pd.DataFrame:
    """The problem table with headers in the chosen language, ordered by row.

    Given the catalog, two more columns: the row's indicator, and a hint (the nearest name
    for one that matches nothing, an example for a cell that is not a number).
    """
    ordered = sorted(problems, key=lambda p: (p.excel_row or 0, p.column or "", p.code))
    frame = _problems_frame(ordered, lang)
    if catalog is not None:
        targets = catalog.targets
        frame[_("ingest.col.indicator", lang)] = [
            targets[i].name(lang) if (i := str(p.params.get("indicator_id", ""))) in targets else ""
            for p in ordered
        ]
        frame[_("ingest.col.hint", lang)] = [hint(p, catalog, lang) for p in ordered]
    return frame


def _problems_frame(ordered: list[Problem], lang: Lang) -> pd.DataFrame:
    return pd.DataFrame(
        {
            _("ingest.col.row", lang): [p.excel_row for p in ordered],
            _("ingest.col.column", lang): [p.column or "" for p in ordered],
            # Controls and direction marks shown as marks: the cell as it is, not reordered.
            _("ingest.col.value", lang): [
                visible_controls(p.value) if p.value is not None else "" for p in ordered
            ],
            _("ingest.col.problem", lang): [p.message(lang) for p in ordered],
        }
    ).astype({_("ingest.col.row", lang): "Int64"})


# A cell longer than this is cut: one 20,000-character cell made every line that long.
CELL_WIDTH = 60


def cut(text: str, width: int = CELL_WIDTH) -> str:
    """The text within `width` display columns, "…" marking a cut."""
    if text_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = text_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def format_table(frame: pd.DataFrame) -> str:
    """A plain-text table for the terminal (East Asian wide characters count double)."""

    cells = [[str(c) for c in frame.columns]]
    # Long cells cut, but for the last column (the problem's message, said whole).
    last = len(frame.columns) - 1
    cells += [
        [
            "" if pd.isna(v) else (str if i == last else cut)(visible_controls(v))
            for i, v in enumerate(row)
        ]
        for row in frame.itertuples(False)
    ]
    widths = [max(text_width(r[i]) for r in cells) for i in range(len(frame.columns))]
    lines = []
    for row in cells:
        lines.append(
            "  ".join(
                v + " " * (w - text_width(v)) for v, w in zip(row, widths, strict=True)
            ).rstrip()
        )
    return "\n".join(lines)
