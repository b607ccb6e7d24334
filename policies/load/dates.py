"""Policy dates at the precision schools actually use.

Schools write "1st January 2012", "June 2018" or "Summer 2022": a school term is
a legitimate precision and must be shown as written, not invented into a day.
A :class:`PolicyDate` keeps the canonical text and the first and last day it
can mean, which is enough to order dates ("review before adoption") and to
compute review status against a build date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

MIN_YEAR = 1990
MAX_YEAR = 2100

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

# English school terms: Autumn (September-December), Spring (January-Easter),
# Summer (after Easter-July).  Easter moves, so Spring ends with March.
TERMS = {"autumn": (9, 12), "spring": (1, 3), "summer": (4, 7)}

_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d+)$")
_MONTH = re.compile(r"^([A-Za-z]+)\.?,?\s+(\d+)$")
_TERM = re.compile(r"^(autumn|spring|summer)(?:\s+term)?\s+(\d+)$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d+)$")
_ISO = re.compile(r"^(\d+)-(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class PolicyDate:
    """A date as precise as the school gave it: day, month, term or year."""

    text: str
    start: dt.date
    end: dt.date

    def __str__(self) -> str:
        return self.text


def _year(value: str) -> int:
    year = int(value)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {value} is not between {MIN_YEAR} and {MAX_YEAR}")
    return year


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month(name: str) -> int:
    month = MONTHS.get(name.lower())
    if month is None:
        raise ValueError(f"'{name}' is not a month")
    return month


def parse_policy_date(value: Any) -> PolicyDate:
    """Parse the forms schools use; raise ValueError with a readable reason."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        _year(str(value.year))
        return PolicyDate(_day_text(value), value, value)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("a date must be text such as '1 January 2012', 'June 2018' or 'Summer 2022'")
    text = " ".join(str(value).split())
    if m := _ISO.match(text):
        return _exact(_year(m[1]), int(m[2]), int(m[3]), text)
    if m := _DAY.match(text):
        return _exact(_year(m[3]), _month(m[2]), int(m[1]), text)
    if m := _TERM.match(text):
        year = _year(m[2])
        first, last = TERMS[m[1].lower()]
        return PolicyDate(f"{m[1].capitalize()} {year}", dt.date(year, first, 1), _last_day(year, last))
    if m := _MONTH.match(text):
        year, month = _year(m[2]), _month(m[1])
        return PolicyDate(f"{calendar.month_name[month]} {year}", dt.date(year, month, 1), _last_day(year, month))
    if m := _YEAR.match(text):
        year = _year(m[1])
        return PolicyDate(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))
    raise ValueError(f"'{text}' is not a date; write '1 January 2012', 'June 2018', 'Summer 2022' or '2012-01-01'")


def _exact(year: int, month: int, day: int, text: str) -> PolicyDate:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None
    return PolicyDate(_day_text(date), date, date)


def _day_text(date: dt.date) -> str:
    return f"{date.day} {calendar.month_name[date.month]} {date.year}"
