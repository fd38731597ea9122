"""When a figure was published: the upload's `published` column read into ISO dates, once
per distinct text (its vintage; see the method page)."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

_PUBLISHED = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[ T]00:00(?::00)?)?$")


def published_on(text: str, today: date) -> str | None:
    """'2020-03-15' as it is, '2020-03' as the month's last day ('2020-03-31'); None for
    what is no past or present date."""
    m = _PUBLISHED.match(unicodedata.normalize("NFKC", text).strip().replace("/", "-"))
    if m is None:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    assert year is not None and month is not None
    try:
        on = (
            date(year, month, day)
            if day is not None
            else date(year, month, calendar.monthrange(year, month)[1])
        )
    except ValueError:
        return None
    return on.isoformat() if on <= today else None


def published_column(
    column: pa.Array, today: date, default_day: date | None
) -> tuple[pa.Array, pa.Array]:
    """Each row's publication date (ISO; ``default_day`` where the cell is empty) and
    whether its cell is not a date, worked out once per distinct text."""
    distinct = pc.unique(column.drop_null()).to_pylist()
    answers = {t: published_on(t, today) for t in distinct}
    texts = column.to_pylist()
    default = default_day.isoformat() if default_day else None
    dates = [default if t is None else (answers[t] or default) for t in texts]
    bad = [t is not None and answers[t] is None for t in texts]
    return pa.array(dates, pa.string()), pa.array(bad, pa.bool_())
