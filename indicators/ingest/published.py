"""The shipped published figures (``data/actuals/*.csv``) read through the upload path.

A shipped file is checked by the same reader and rules as a planner's upload and reported
with the same problems (row, column, value, reason), so a bad shipped row stops ``init-db``
instead of slipping into the store. What a shipped file adds is provenance: the publisher and
where the text was found (stored as the figure's source), the quoted sentence (its note), the
English renderings, and the URL and date accessed. Those columns are checked here, then set
aside so the long-format reader sees only the columns it knows.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pyarrow as pa

from indicators.base.catalog import Catalog
from indicators.base.sources import citation
from indicators.ingest.pipeline import (
    Checked,
    Options,
    check_raw,
    control_problems,
    formula_problems,
)
from indicators.ingest.read import RawTable, read_table
from indicators.ingest.report import Problem, Rejected, column_label
from indicators.store import sha256_of

PUBLISHER, WHERE_FOUND, QUOTE, QUOTE_EN, URL, ACCESSED = (
    "publisher",
    "where_found",
    "quote",
    "quote_en",
    "url",
    "accessed",
)
# Kept in the file beside the figure, not stored with it (sources.py reads them to show).
PROVENANCE = (
    WHERE_FOUND,
    "publisher_en",
    "where_found_en",
    QUOTE_EN,
    URL,
    ACCESSED,
    # a figure the source computed from two others ("20.4万个村 ÷ 约60万个行政村")
    "derived_from",
    "derived_from_en",
)
REQUIRED = ("indicator_id", "region", "period", "value", "unit", PUBLISHER, QUOTE)
# The stored role of a provenance column that the reader knows as a long-format field.
# "publisher/source" is read as `source` and still names the file's own column.
_AS_FIELD = {PUBLISHER: f"{PUBLISHER}/source", QUOTE: f"{QUOTE}/note"}
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_published(
    data: bytes, file_name: str, catalog: Catalog, *, today: date | None = None
) -> Checked:
    """One shipped file checked as an upload is, plus its provenance columns."""
    today = today or date.today()
    sha = sha256_of(data)  # loaded once: a rebuild recognises the file by its bytes
    try:
        raw = read_table(data, file_name)
    except Rejected as exc:
        return Checked.rejected(file_name, sha, exc.problems)
    where = {h.strip(): i for i, h in enumerate(raw.headers)}
    problems = [
        Problem("missing_column", excel_row=1, params={"role": name, "expected": name})
        for name in REQUIRED
        if name not in where
    ]
    problems += (
        # Provenance columns are set aside before the upload checks run: their formulas here.
        formula_problems(raw, [where[name] for name in PROVENANCE if name in where])
        + control_problems(raw, None, [where[name] for name in PROVENANCE if name in where])
        + _provenance_problems(raw, where, today)
        + _renderings_missing(raw, where)
    )
    if problems:
        return Checked.rejected(file_name, sha, problems, raw.info)
    checked = check_raw(
        _as_long(raw, where),
        catalog,
        Options(layout="long", today=today, published_today=False),
        file_name=file_name,
        sha256=sha,
    )
    if checked.ok and checked.shape is not None and checked.shape.ignored:
        # A shipped file is a plain table: a row the reader would set aside is a mistake.
        return Checked.rejected(
            file_name,
            sha,
            [
                Problem("shipped_row_ignored", excel_row=i.excel_row, value=i.text)
                for i in checked.shape.ignored
            ],
            raw.info,
        )
    return checked


def _cells(raw: RawTable, i: int) -> list[str]:
    return [str(c) for c in raw.cells.column(i).to_pylist()]


def _provenance_problems(raw: RawTable, where: dict[str, int], today: date) -> list[Problem]:
    """A URL is http(s) and comes with the date it was read; that date is a past ISO date."""
    out: list[Problem] = []
    n = raw.n_rows
    urls = _cells(raw, where[URL]) if URL in where else [""] * n
    dates = _cells(raw, where[ACCESSED]) if ACCESSED in where else [""] * n
    for pos, (url, accessed) in enumerate(zip(urls, dates, strict=True)):
        row = int(raw.excel_rows[pos])
        url, accessed = url.strip(), accessed.strip()
        if url and not _URL.fullmatch(url):
            out.append(
                Problem("bad_url", excel_row=row, column=column_label(where[URL], URL), value=url)
            )
        if accessed:
            problem = _date_problem(accessed, today)
            if problem:
                out.append(
                    Problem(
                        problem,
                        excel_row=row,
                        column=column_label(where[ACCESSED], ACCESSED),
                        value=accessed,
                    )
                )
        elif url:
            label = column_label(where[ACCESSED], ACCESSED) if ACCESSED in where else ACCESSED
            out.append(Problem("accessed_missing", excel_row=row, column=label, value=""))
    return out


def _renderings_missing(raw: RawTable, where: dict[str, int]) -> list[Problem]:
    """An English page shows each quote with its rendering: a row cannot drop it."""
    if QUOTE not in where:
        return []
    quotes = _cells(raw, where[QUOTE])
    renderings = _cells(raw, where[QUOTE_EN]) if QUOTE_EN in where else [""] * raw.n_rows
    label = column_label(where[QUOTE_EN], QUOTE_EN) if QUOTE_EN in where else QUOTE_EN
    return [
        Problem("quote_en_missing", excel_row=int(raw.excel_rows[pos]), column=label, value="")
        for pos, (quote, english) in enumerate(zip(quotes, renderings, strict=True))
        if quote.strip() and not english.strip()
    ]


def _date_problem(text: str, today: date) -> str | None:
    if not _DATE.fullmatch(text):
        return "bad_accessed"
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return "bad_accessed"
    return "future_accessed" if day > today else None


def _as_long(raw: RawTable, where: dict[str, int]) -> RawTable:
    """The file as the long-format reader takes it: the source composed from publisher and
    where found, provenance columns emptied (set aside, so column letters stay the file's)."""
    headers = list(raw.headers)
    columns = list(raw.cells.columns)
    publishers = _cells(raw, where[PUBLISHER])
    found = _cells(raw, where[WHERE_FOUND]) if WHERE_FOUND in where else [""] * raw.n_rows
    # Stored in Chinese; sources.source_text gives the English the file carries.
    columns[where[PUBLISHER]] = pa.array(
        [citation(p, w, "zh") if p.strip() else "" for p, w in zip(publishers, found, strict=True)],
        pa.string(),
    )
    blank = pa.array([""] * raw.n_rows, pa.string())
    for name, i in where.items():
        if name in _AS_FIELD:
            headers[i] = _AS_FIELD[name]
        elif name in PROVENANCE:
            headers[i], columns[i] = "", blank
    cells = pa.table({f"c{i}": col for i, col in enumerate(columns)})
    return replace(raw, headers=headers, cells=cells)
