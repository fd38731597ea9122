"""The one table of qualifiers: how a published figure's words bound its number.

"近80%" (nearly 80 %) says the true figure is below 80, so it never meets a target of 80;
"超过98%" says it is above 98; "约34%" says about 34. Ingest reads a cell's written form to
the stored one through ``WRITTEN``; metrics judge through ``kind_of``; the method page lists
``TABLE``. Nothing else keeps its own list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# below: the true value is under the number (an upper bound); above: over it (a lower
# bound); approximate: counted at its number, the qualifier printed beside any verdict.
QualifierKind = Literal["below", "above", "approximate"]
QUALIFIER_KINDS: tuple[QualifierKind, ...] = ("below", "above", "approximate")


@dataclass(frozen=True)
class Qualifier:
    stored: str  # the form kept beside the number, and shown as its sign
    kind: QualifierKind
    prefixes: tuple[str, ...]  # written before the number (case-folded, spaces removed)
    suffixes: tuple[str, ...] = ()  # written after it ("98%以上")


TABLE: tuple[Qualifier, ...] = (
    Qualifier(
        "<", "below", ("<", "不足", "低于", "少于", "未达", "未满", "lessthan", "below", "under")
    ),
    Qualifier("≤", "below", ("<=", "≤", "不超过", "不高于", "atmost"), ("以下",)),
    Qualifier("近", "below", ("近", "接近", "将近", "nearly", "almost")),
    Qualifier(
        ">",
        "above",
        (">", "超过", "超", "逾", "大于", "多于", "高于", "over", "morethan", "above"),
    ),
    Qualifier("≥", "above", (">=", "≥", "不低于", "不少于", "至少", "atleast"), ("以上",)),
    Qualifier(
        "约",
        "approximate",
        ("约", "大约", "约为", "~", "≈", "about", "approx.", "approx", "around"),
        ("左右",),
    ),
)
_BY_STORED = {q.stored: q for q in TABLE}
# Written -> stored, longest first so "超过" wins over "超" and "接近" over "近".
PREFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(((w, q.stored) for q in TABLE for w in q.prefixes), key=lambda kv: -len(kv[0]))
)
SUFFIXES: tuple[tuple[str, str], ...] = tuple((w, q.stored) for q in TABLE for w in q.suffixes)


def kind_of(qualifier: str | None) -> QualifierKind | None:
    """The class of a stored qualifier; None for an exact figure (or an unknown mark)."""
    q = _BY_STORED.get(qualifier or "")
    return q.kind if q is not None else None


def is_approximate(qualifier: str | None) -> bool:
    return kind_of(qualifier) == "approximate"
