"""The method page's content: plain-words explanations with the formulas metrics.py uses.

Thresholds are read from ``metrics`` so the page can never drift from the computation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indicators.base.catalog import Catalog, Lang
from indicators.base.i18n import _
from indicators.base.qualifiers import QUALIFIER_KINDS, TABLE
from indicators.domain.metrics import MODERATE, ON_TRACK


@dataclass(frozen=True)
class Section:
    heading: str
    body: str  # markdown
    formulas: tuple[str, ...] = ()  # LaTeX


# The formulas; «word» marks a word written in the page's language (views.method.word.*).
FORMULAS = {
    "pct": (
        r"\text{«pct»} = \frac{y_{\text{«latest»}}}{y_{\text{«target»}}} \times 100",
        r"\text{«pct»} = \frac{y_{\text{«target»}}}{y_{\text{«latest»}}} \times 100"
        r"\quad(\text{«lower»})",
        r"\text{«gap»} = y_{\text{«target»}} - y_{\text{«latest»}}",
    ),
    "required": (
        r"g_{\text{«req»}} = \left(\frac{y_T}{y_0}\right)^{1/(T-t_0)} - 1",
        r"\Delta_{\text{«req»}} = \frac{y_T - y_0}{T - t_0}",
    ),
    "observed": (
        r"g_{\text{«obs»}} = \left(\frac{y_t}{y_0}\right)^{1/(t-t_0)} - 1",
        r"\Delta_{\text{«obs»}} = \frac{y_t - y_0}{t - t_0}",
    ),
    "projection": (
        r"\hat y_T = y_t \,(1 + g_{\text{«obs»}})^{T-t}",
        r"\hat y_T^{\text{«linear»}} = y_t + \Delta_{\text{«obs»}}\,(T-t)",
    ),
    "status": (r"R = \frac{g_{\text{«obs»}}}{\lvert g_{\text{«req»}} \rvert}",),
    "derived": (r"g_{2016 \to t} = \left(\frac{S_t}{S_{2016}}\right)^{1/(t-2016)} - 1",),
}
_WORD = re.compile(r"«(\w+)»")


def formulas(key: str, lang: Lang) -> tuple[str, ...]:
    return tuple(
        _WORD.sub(lambda m: _(f"views.method.word.{m.group(1)}", lang), f)
        for f in FORMULAS.get(key, ())
    )


SECTION_KEYS = (
    "pct",
    "required",
    "observed",
    "projection",
    "status",
    "verdict",
    "qualifiers",
    "vintages",
    "derived",
    "regions",
    "tasks",
    "data",
)


def qualifier_lines(lang: Lang) -> list[str]:
    """The qualifier table, one line per class, every written form listed: read from
    ``indicators.qualifiers`` so the page lists exactly what the tracker applies."""
    out = []
    for kind in QUALIFIER_KINDS:
        written = [w for q in TABLE if q.kind == kind for w in (*q.prefixes, *q.suffixes)]
        shown = [_WRITTEN_AS.get(w, w) for w in written]
        out.append(
            _(
                f"views.method.qualifiers.{kind}",
                lang,
                forms=("、" if lang == "zh" else ", ").join(shown),
            )
        )
    return out


# Forms are kept case-folded without spaces, as ingest compares them; shown as written.
_WRITTEN_AS = {
    "lessthan": "less than",
    "morethan": "more than",
    "atleast": "at least",
    "atmost": "at most",
}


def sections(lang: Lang) -> list[Section]:
    values = {"on_track": f"{ON_TRACK:.2f}", "moderate": f"{MODERATE:.2f}"}
    out = []
    for key in SECTION_KEYS:
        body = _(f"views.method.{key}.body", lang, **values)
        if key == "qualifiers":
            body += "\n\n" + "\n".join(f"- {line}" for line in qualifier_lines(lang))
        out.append(Section(_(f"views.method.{key}.heading", lang), body, formulas(key, lang)))
    return out


def citations(catalog: Catalog, lang: Lang) -> list[str]:
    """Both documents, cited by number, full title and date."""
    return [
        _(
            "views.method.cite",
            lang,
            number=d.number(lang),
            title=d.title(lang),
            date=d.date.isoformat(),
        )
        for d in sorted(catalog.documents.values(), key=lambda d: d.date, reverse=True)
    ]
