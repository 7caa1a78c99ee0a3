"""Dates, times and figures in investigation prose: regex building blocks and their parsers.

Rule packs write patterns with macros instead of repeating these regexes:

``{DATE}`` a calendar date ("3 March 2025", "March 3rd", "2025-03-03", "03/03/2025",
"June 2025"); ``{TIME}`` a clock time ("14:05", "2 pm"); ``{NUMBER}`` a figure ("1,200",
"4.5 million"); ``{MONEY}`` an amount ("$84,300", "GBP 1.2m"); ``{QUANTITY}`` anything that
quantifies (a digit, a number word, a percentage).

``{VALUE_DATE}``, ``{VALUE_NUMBER}`` and ``{VALUE_MONEY}`` are the same, captured as the named
group ``value``, for the checks that compare values across sections; ``qualifier_before``
reads an "about" or "over" written just before such a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_MONTH_NUMBERS: Final[dict[str, int]] = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_NAMES: Final = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,?\s+)?"

DATE: Final = (
    rf"(?:\b{_WEEKDAY}{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?(?![\w])"
    rf"|\b{_WEEKDAY}{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?(?![\w])"
    rf"|\b{_YEAR}-(?:1[0-2]|0?[1-9])-(?:3[01]|[12]\d|0?[1-9])\b"
    r"|\b(?:3[01]|[12]\d|0?[1-9])/(?:3[01]|[12]\d|0?[1-9])/(?:\d{4}|\d{2})\b"
    rf"|\b{_MONTH}\s+{_YEAR}\b)"
)
TIME: Final = (
    r"(?:\b(?:[01]?\d|2[0-3]):[0-5]\d(?:\s?(?:am|pm|a\.m\.|p\.m\.))?"
    r"|\b(?:1[0-2]|0?[1-9])\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w))"
)
_SCALE = r"(?:\s?(?:thousand|million|billion|bn|mn|k|m)\b)?"
NUMBER: Final = rf"(?:\b(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?{_SCALE})"
_CURRENCY_WORD = r"(?:USD|GBP|EUR|INR|JPY|CAD|AUD|dollars|pounds|euros)"
MONEY: Final = (
    rf"(?:[$£€¥₹]\s?{NUMBER}|\b{_CURRENCY_WORD}\s?{NUMBER}|{NUMBER}\s?{_CURRENCY_WORD}\b)"
)
QUANTITY: Final = (
    r"(?:\d|%|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty"
    r"|thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|half|dozens?|percent"
    r"|per\s+cent|none|no\s+(?:customers?|buyers?|sellers?|orders?|accounts?))\b)"
)
# Read just before a figure (not inside the patterns: an optional prefix tried at every
# character made fact extraction several times slower).
_QUALIFIER_BEFORE = re.compile(
    r"(?:^|\W)(approximately|approx\.|about|around|roughly|nearly|almost|an\s+estimated"
    r"|estimated|some|over|more\s+than|at\s+least|fewer\s+than|less\s+than|under|up\s+to|~)"
    r"\s*(?:[$£€¥₹]|USD|GBP|EUR)?\s*$",
    re.IGNORECASE,
)

MACROS: Final[dict[str, str]] = {
    "DATE": DATE,
    "TIME": TIME,
    "NUMBER": NUMBER,
    "MONEY": MONEY,
    "QUANTITY": QUANTITY,
    "VALUE_DATE": rf"(?P<value>{DATE})",
    "VALUE_NUMBER": rf"(?P<value>{NUMBER})",
    "VALUE_MONEY": rf"(?P<value>{MONEY})",
}
_MACRO = re.compile(r"\{([A-Z_]+)\}")

# Qualifiers that make a figure a bound rather than a value: "over 1,000" does not contradict
# "1,200". Approximate qualifiers compare with a tolerance instead.
_BOUND_QUALIFIERS: Final = ("over", "more than", "at least", "fewer than", "less than", "under")
_APPROXIMATE_TOLERANCE: Final = 0.10


def expand_macros(pattern: str) -> str:
    """Replace ``{DATE}``-style macros; unknown ``{NAME}`` raises ValueError naming it."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in MACROS:
            known = ", ".join(f"{{{key}}}" for key in MACROS)
            raise ValueError(f"unknown macro {{{name}}} (known: {known})")
        return MACROS[name]

    return _MACRO.sub(replace, pattern)


_DATE_RE: Final = re.compile(DATE, re.IGNORECASE)
_TIME_RE: Final = re.compile(TIME, re.IGNORECASE)
_DAY_MONTH = re.compile(rf"({_DAY})\s+(?:of\s+)?({_MONTH})(?:,?\s+({_YEAR}))?", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"({_MONTH})\s+({_DAY})(?:,?\s+({_YEAR}))?", re.IGNORECASE)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_YEAR = re.compile(rf"({_MONTH})\s+({_YEAR})", re.IGNORECASE)


def has_date_or_time(text: str) -> bool:
    """True when ``text`` contains a calendar date or a clock time."""
    return bool(_DATE_RE.search(text) or _TIME_RE.search(text))


@dataclass(frozen=True, slots=True)
class DateValue:
    """A calendar date as written; parts the text leaves out are None."""

    month: int
    day: int | None = None
    year: int | None = None

    def agrees_with(self, other: DateValue) -> bool:
        """Same date, ignoring the parts either side leaves out."""
        if self.month != other.month:
            return False
        if self.day is not None and other.day is not None and self.day != other.day:
            return False
        return self.year is None or other.year is None or self.year == other.year

    def describe(self) -> str:
        """A neutral spelling for messages, e.g. "3 March 2025"."""
        parts = [str(self.day)] if self.day is not None else []
        parts.append(_MONTH_NAMES[self.month - 1])
        if self.year is not None:
            parts.append(str(self.year))
        return " ".join(parts)


def _month(text: str) -> int:
    return _MONTH_NUMBERS[text.lower().rstrip(".")[:3]]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def parse_date(text: str) -> DateValue | None:
    """Parse a date matched by ``{DATE}``; None for forms that are ambiguous (03/04/2025)."""
    stripped = text.strip()
    iso = _ISO.fullmatch(stripped)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        return DateValue(month=month, day=day, year=year) if 1 <= month <= 12 else None
    for regex, month_group, day_group in ((_DAY_MONTH, 2, 1), (_MONTH_DAY, 1, 2)):
        found = regex.search(stripped)
        if found:
            written_year = found.group(3)
            return DateValue(
                month=_month(found.group(month_group)),
                day=_day(found.group(day_group)),
                year=int(written_year) if written_year else None,
            )
    month_year = _MONTH_YEAR.search(stripped)
    if month_year:
        return DateValue(month=_month(month_year.group(1)), year=int(month_year.group(2)))
    return None


_SCALES: Final[dict[str, float]] = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
}
_NUMBER_PARTS = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s?(thousand|million|billion|bn|mn|k|m)?\b", re.I)


@dataclass(frozen=True, slots=True)
class NumberValue:
    """A figure as written: its value and whether it is approximate or only a bound."""

    value: float
    approximate: bool = False
    bound: bool = False

    def agrees_with(self, other: NumberValue) -> bool:
        """Equal, or within 10% when either side says "about"; bounds agree with anything."""
        if self.bound or other.bound:
            return True
        if self.approximate or other.approximate:
            largest = max(abs(self.value), abs(other.value), 1e-9)
            return abs(self.value - other.value) / largest <= _APPROXIMATE_TOLERANCE
        return self.value == other.value


def qualifier_before(text: str, position: int) -> str | None:
    """The qualifier ("about", "more than", ...) that ends just before ``text[position]``."""
    found = _QUALIFIER_BEFORE.search(text, max(0, position - 30), position)
    return found.group(1) if found else None


def parse_number(text: str, qualifier: str | None = None) -> NumberValue | None:
    """Parse a figure matched by ``{NUMBER}`` or ``{MONEY}`` (currency signs are ignored)."""
    found = _NUMBER_PARTS.search(text)
    if not found:
        return None
    value = float(found.group(1).replace(",", ""))
    scale = found.group(2)
    if scale:
        value *= _SCALES[scale.lower()]
    words = " ".join((qualifier or "").lower().split())
    return NumberValue(
        value=value,
        approximate=bool(words) and words not in _BOUND_QUALIFIERS,
        bound=words in _BOUND_QUALIFIERS,
    )
