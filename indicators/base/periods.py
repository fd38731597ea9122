"""Reporting periods: parsing what planners write and placing periods on one time axis.

Time is measured in years with a period counted at its end: the annual figure for 2019 sits
at t = 2019.0, August 2019 at 2018 + 8/12, and a target "by 2020" is judged at t = 2020.0.
So "the target year has passed" and "the figure at the target year" need no special cases.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

PeriodKind = Literal["year", "quarter", "month", "day"]


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    t: float
    label: str
    kind: PeriodKind
    year: int

    @property
    def end(self) -> date:
        if self.kind == "year":
            return date(self.year, 12, 31)
        if self.kind == "day":
            return date.fromisoformat(self.label)
        month = int(self.label[-2:]) if self.kind == "month" else int(self.label[-1]) * 3
        next_first = date(self.year + (month == 12), month % 12 + 1, 1)
        return date.fromordinal(next_first.toordinal() - 1)


_YEAR = re.compile(r"^(\d{4})年?$")
_QUARTER = re.compile(r"^(\d{4})(?:年)?[-/ ]?(?:Q|第)([1-4])(?:季度?)?$")
_MONTH = re.compile(r"^(\d{4})(?:[-/.]|年)(\d{1,2})月?$")
_DAY = re.compile(r"^(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?$")
# ISO dates, as a file of daily figures has by the thousand: nothing to normalise first.
ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def _day_of_year(d: date) -> int:
    # By ordinals, not timetuple(): a file of daily figures parses thousands of dates.
    return d.toordinal() - date(d.year, 1, 1).toordinal() + 1


def parse_period(raw: object) -> Period:
    """Parse `2019`, `2019年`, `2019Q3`, `2019-Q3`, `2019-09`, `2019年9月`, `2019-10-31`."""
    if isinstance(raw, bool) or raw is None:
        raise PeriodError(f"not a period: {raw!r}")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and (m := ISO_DAY.fullmatch(raw)):
        return _day(m, raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip().upper().replace(" ", "")
    if m := _YEAR.match(text):
        year = int(m.group(1))
        if year < 1:  # "0000" has no calendar: no end date, no place on the axis
            raise PeriodError(f"no year 0: {raw!r}")
        return Period(float(year), str(year), "year", year)
    if (m := _QUARTER.match(text) or _MONTH.match(text)) and int(m.group(1)) < 1:
        raise PeriodError(f"no year 0: {raw!r}")
    if m := _QUARTER.match(text):
        year, q = int(m.group(1)), int(m.group(2))
        return Period(year - 1 + q / 4, f"{year}-Q{q}", "quarter", year)
    if m := _MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"month out of range: {raw!r}")
        return Period(year - 1 + month / 12, f"{year}-{month:02d}", "month", year)
    if m := _DAY.match(text):
        return _day(m, raw)
    raise PeriodError(f"not a period: {raw!r}")


def _day(m: re.Match[str], raw: object) -> Period:
    try:
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise PeriodError(f"not a date: {raw!r}") from exc
    t = d.year - 1 + _day_of_year(d) / _days_in_year(d.year)
    return Period(t, d.isoformat(), "day", d.year)


def t_of_date(d: date) -> float:
    return d.year - 1 + _day_of_year(d) / _days_in_year(d.year)
