"""Parsing the values the fact extractor finds: calendar dates, clock times, durations, numbers.

Where a value starts and ends is decided by the extractor's regular expressions; what a date
candidate means is decided by ``dateutil`` (a kept parser, instead of a table of month names
and day-order rules of our own), cached because documents repeat their dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from dateutil import parser as date_parser

_DEFAULT: Final = dt.datetime(2000, 1, 1)  # a leap year, so 29 February parses
_WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
NUMBER_WORDS: Final[dict[str, float]] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "half an": 0.5,
    "half a": 0.5,
}
_UNIT_MINUTES: Final[dict[str, float]] = {
    "s": 1 / 60,
    "m": 1,
    "h": 60,
    "d": 60 * 24,
    "w": 60 * 24 * 7,
}


@dataclass(frozen=True, slots=True)
class CalendarDate:
    """A date as written; ``year`` None when the text leaves it out."""

    month: int
    day: int
    year: int | None = None

    def with_year(self, year: int | None) -> CalendarDate:
        """The same date in ``year`` when it has none of its own."""
        return (
            self
            if self.year is not None or year is None
            else CalendarDate(self.month, self.day, year)
        )

    def ordinal(self) -> int | None:
        """Days since year 1 (None without a year, or for an impossible date)."""
        if self.year is None:
            return None
        try:
            return dt.date(self.year, self.month, self.day).toordinal()
        except ValueError:
            return None

    def weekday(self) -> int | None:
        """0 = Monday ... 6 = Sunday (None without a year)."""
        ordinal = self.ordinal()
        return None if ordinal is None else dt.date.fromordinal(ordinal).weekday()

    def agrees_with(self, other: CalendarDate) -> bool:
        """Same day and month, and the same year when both give one."""
        same_year = self.year is None or other.year is None or self.year == other.year
        return self.month == other.month and self.day == other.day and same_year

    def describe(self) -> str:
        """e.g. "5 February 2019"."""
        month = dt.date(2000, self.month, 1).strftime("%B")
        return f"{self.day} {month}" + (f" {self.year}" if self.year is not None else "")


@lru_cache(maxsize=4096)
def parse_calendar_date(text: str, has_year: bool) -> CalendarDate | None:
    """The date a ``{DATE}``-style candidate means; None when it cannot be read.

    Numeric dates with both parts up to 12 ("03/04/2025") are read month first, as dateutil
    does; the extractor marks them ambiguous so checks do not rely on them.
    """
    cleaned = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", text)
    try:
        parsed = date_parser.parse(cleaned, default=_DEFAULT, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    return CalendarDate(parsed.month, parsed.day, parsed.year if has_year else None)


def parse_weekday(text: str) -> int | None:
    """0-6 for a weekday name or abbreviation ("Fri", "Tuesday")."""
    key = text.strip().lower()[:3]
    return _WEEKDAYS.index(key) if key in _WEEKDAYS else None


_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?(?::\d{2})?\s*([ap])?", re.IGNORECASE)


def parse_clock(text: str) -> int | None:
    """Minutes after midnight for "14:05", "2:54 PM", "5pm"; None when impossible."""
    found = _CLOCK.match(text.strip())
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    meridiem = (found.group(3) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour * 60 + minute


def parse_amount(text: str) -> float | None:
    """A number written with digits (commas allowed) or as a small number word."""
    cleaned = " ".join(text.lower().replace(",", "").split())
    if cleaned in NUMBER_WORDS:
        return NUMBER_WORDS[cleaned]
    try:
        return float(cleaned)
    except ValueError:
        return None


def unit_minutes(unit: str) -> float:
    """Minutes in one ``unit`` ("hours", "min", "h", "days", ...)."""
    key = unit.lower()
    if key.startswith(("mo",)):
        return 60 * 24 * 30
    if key.startswith("mi") or key == "m":
        return 1
    return _UNIT_MINUTES.get(key[0], 1)


def describe_minutes(minutes: float) -> str:
    """ "2 h 30 min", "47 min", "3 days"."""
    if minutes >= 2 * 24 * 60:
        return f"{minutes / (24 * 60):.1f} days".replace(".0 ", " ")
    hours, rest = divmod(round(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
