"""Publication names of the shipped reference figures, in the language shown.

The store keeps one source text per figure (what a planner typed, or the Chinese citation
of a shipped figure). ``data/actuals/*.csv`` give each shipped citation in English too, so
an English page names the Economic Daily rather than 经济日报. A source with no English
rendering (a planner's own text) is shown as written. The files also keep each citation's URL
and date accessed, listed on the method page.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from indicators.base.i18n import Lang, _
from indicators.base.paths import ACTUALS_DIR
from indicators.base.typography import zh_marks


def citation(publisher: str, where_found: str | None, lang: Lang) -> str:
    """'publisher (where found)' as stored and shown: 'MIIT (briefing 2021-05-17)'."""
    publisher, where = publisher.strip(), (where_found or "").strip()
    if not where:
        return publisher
    return f"{publisher} · {where}" if lang == "zh" else f"{publisher} ({where})"


@cache
def _shipped(actuals_dir: Path = ACTUALS_DIR) -> tuple[dict[str, str], ...]:
    """The rows of the shipped figures files (checked by init-db through the upload rules)."""
    return tuple(
        rec
        for path in sorted(actuals_dir.glob("*.csv"))
        for rec in csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())
    )


@cache
def _english(actuals_dir: Path = ACTUALS_DIR) -> dict[str, str]:
    return {
        citation(rec["publisher"], rec.get("where_found"), "zh"): citation(
            rec["publisher_en"], rec.get("where_found_en"), "en"
        )
        for rec in _shipped(actuals_dir)
        if rec.get("publisher_en")
    }


def shipped_citations(lang: Lang, actuals_dir: Path = ACTUALS_DIR) -> list[str]:
    """Each publication behind the shipped figures once, with its URL and date accessed
    where the file records them: 'MIIT (briefing): https://… (accessed 2026-11-30)'."""
    lines: dict[str, None] = {}
    for rec in _shipped(actuals_dir):
        shown = (
            citation(rec["publisher_en"], rec.get("where_found_en"), "en")
            if lang == "en" and rec.get("publisher_en")
            else citation(rec["publisher"], rec.get("where_found"), "zh")
        )
        # init-db refuses a URL without its date accessed, so a link always has one.
        url, accessed = (rec.get("url") or "").strip(), (rec.get("accessed") or "").strip()
        key = "views.method.shipped.linked" if url else "views.method.shipped.unlinked"
        lines.setdefault(_(key, lang, source=shown, url=url, accessed=accessed))
    return list(lines)


def source_text(source: str, lang: Lang) -> str:
    """A stored source text in ``lang`` where the shipped data give a translation; on a
    Chinese page with full-width marks beside Chinese, however it was typed."""
    if lang == "en":
        return _english().get(source, source)
    return zh_marks(source) if isinstance(source, str) else source


@cache
def _quotes_en(actuals_dir: Path = ACTUALS_DIR) -> dict[str, str]:
    return {
        rec["quote"].strip(): rec["quote_en"].strip()
        for rec in _shipped(actuals_dir)
        if rec.get("quote") and rec.get("quote_en")
    }


def note_text(note: str, lang: Lang) -> str:
    """A stored figure's note in ``lang``: a shipped figure's quote reads in English on an
    English page with the original beside it; a planner's own note is shown as written."""
    english = _quotes_en().get(note.strip()) if lang == "en" else None
    if english is None:
        return note
    return _("views.quote.note", lang, quote=english, original=note.strip())


def shipped_derivation(
    indicator_id: str, national: bool, period: str | None, value: float | None, lang: Lang
) -> str | None:
    """The inputs of a shipped figure the source computed from two others (the share of
    villages with a station: 20.4万 of about 60万), when the figure shown is that one (same
    period and value, so a planner's own figure is never labelled with them); else None."""
    if not national or period is None or value is None:
        return None
    for rec in _shipped():
        inputs = (rec.get("derived_from_en") if lang == "en" else None) or rec.get("derived_from")
        if (
            inputs
            and rec["indicator_id"] == indicator_id
            and rec["period"] == period
            and abs(float(rec["value"]) - value) < 1e-9
        ):
            return inputs.strip()
    return None
