"""Extract a document's facts once: dates, times, durations, time ranges, quantities, totals and
section references, each with the place (section, block, span) that states it.

The scan is one pass of each pattern over each block (``patterns``), linear in the text; the
result is kept for the whole review (``DocumentMemo``) and shared by every fact rule.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from aiprism_desktop.providers.offline.facts import patterns as pt
from aiprism_desktop.providers.offline.facts.values import (
    CalendarDate,
    parse_amount,
    parse_calendar_date,
    parse_clock,
    parse_weekday,
    unit_minutes,
)
from aiprism_desktop.providers.offline.rules.text import sentence_spans

_DURATION_NOUNS = frozenset(
    {"minutes", "hours", "days", "weeks", "seconds", "months", "years", "mins", "hrs", "secs"}
)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a fact is stated: section and block indices, and the span in the block."""

    section: int
    block: int
    start: int
    end: int
    sentence: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class DateMention:
    place: Place
    date: CalendarDate
    ambiguous: bool  # "03/04/2025": month and day could be either way round
    weekday: int | None = None  # a weekday written with the date (0 = Monday)


@dataclass(frozen=True, slots=True)
class TimeMention:
    place: Place
    minutes: int  # after midnight


@dataclass(frozen=True, slots=True)
class Duration:
    place: Place
    minutes: float
    low: float  # the smallest value the words allow ("about two hours": 1 h 42 min)
    high: float


@dataclass(frozen=True, slots=True)
class Stamp:
    """A point in time written in the text: a date, a clock time, or both next to each other."""

    place: Place
    date: CalendarDate | None
    minutes: int | None


@dataclass(frozen=True, slots=True)
class TimeRange:
    place: Place
    start: Stamp
    end: Stamp

    def minutes(self) -> float | None:
        """Length of the range (crossing midnight when the end time is earlier)."""
        if (self.start.minutes is None) != (self.end.minutes is None):
            return None
        days = 0
        if self.start.date is not None and self.end.date is not None:
            first, last = self.start.date.ordinal(), self.end.date.ordinal()
            if first is None or last is None:
                return None
            days = last - first
        if self.start.minutes is None or self.end.minutes is None:  # dates only: whole days
            return float(days * 24 * 60) if self.start.date is not None else None
        length = days * 24 * 60 + self.end.minutes - self.start.minutes
        return length + 24 * 60 if length < 0 and days == 0 else float(length)


@dataclass(frozen=True, slots=True)
class Quantity:
    place: Place
    value: float
    noun: str  # singular, lower case
    unit: str
    context: frozenset[str]
    approximate: bool  # "about 400 jobs", "over 1,000 users": not a value to compare


@dataclass(frozen=True, slots=True)
class SectionReference:
    place: Place
    name: str


@dataclass(slots=True)
class BlockFacts:
    """Everything stated in one block."""

    section: int
    block: int
    text: str
    # Sentence spans, found when a fact first needs its sentence (most blocks state none).
    sentences: list[tuple[int, int]] | None = None
    dates: list[DateMention] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    durations: list[Duration] = field(default_factory=list)
    ranges: list[TimeRange] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    references: list[SectionReference] = field(default_factory=list)

    def taken(self) -> bytearray:
        """A mark for every character inside a date, time or duration (a linear-time map, so
        checking a figure against them does not cost a pass over all of them)."""
        marks = bytearray(len(self.text))
        places = [m.place for m in self.dates] + [m.place for m in self.times]
        for place in places + [m.place for m in self.durations]:
            marks[place.start : place.end] = b"\x01" * (place.end - place.start)
        return marks

    def sentence_of(self, position: int) -> tuple[int, int]:
        """The sentence span containing ``position``."""
        if self.sentences is None:
            self.sentences = sentence_spans(self.text)
        at = bisect.bisect_right(self.sentences, position, key=lambda span: span[0]) - 1
        return self.sentences[max(at, 0)] if self.sentences else (0, len(self.text))


@dataclass(slots=True)
class DocumentFacts:
    """The facts of a whole document, block by block, in reading order."""

    blocks: list[BlockFacts]
    year: int | None  # the year most dates are in (for dates written without one)

    def in_section(self, section: int) -> list[BlockFacts]:
        """The blocks of one section."""
        return [facts for facts in self.blocks if facts.section == section]


def _place(facts: BlockFacts, start: int, end: int) -> Place:
    return Place(facts.section, facts.block, start, end, facts.sentence_of(start))


def _date_matches(text: str) -> Iterator[re.Match[str]]:
    """``pt.DATE`` matches, tried only where a date can start."""
    reached = 0
    for start in pt.DATE_START.finditer(text):
        at = start.start()
        if at < reached or (not text[at].isdigit() and text[at : at + 3] not in pt.DATE_NAMES):
            continue
        match = pt.DATE.match(text, at)
        if match:
            reached = match.end()
            yield match


def _dates(facts: BlockFacts) -> None:
    text = facts.text
    for match in _date_matches(text):
        has_year = bool(match.group("iso") or match.group("y1") or match.group("y2"))
        has_year = has_year or bool(match.group("y3"))
        core = next(match.group(g) for g in ("iso", "dmy", "mdy", "num") if match.group(g))
        ambiguous = False
        if match.group("num"):
            first, second = int(match.group("n1")), int(match.group("n2"))
            ambiguous = first != second and first <= 12 and second <= 12
            if first > 12:  # day first: "25/03/2025"
                core = f"{match.group('y3')}-{second:02d}-{first:02d}"
        date = parse_calendar_date(core, has_year)
        if date is None or (date.ordinal() is None and date.year is not None):
            continue
        written = match.group("wd1") or match.group("wd2")
        if written is None:
            after = pt.WEEKDAY_AFTER.match(text, match.end(), match.end() + 30)
            written = after.group("wd") if after else None
        weekday = parse_weekday(written) if written else None
        facts.dates.append(
            DateMention(_place(facts, match.start(), match.end()), date, ambiguous, weekday)
        )


def _free_before(text: str, start: int, banned: frozenset[str]) -> bool:
    """The value starts a token: no word character (or one of ``banned``) just before it."""
    if start == 0:
        return True
    before = text[start - 1]
    return not (before.isalnum() or before == "_" or before in banned)


def _times(facts: BlockFacts) -> None:
    if ":" not in facts.text and not pt.AM_PM.search(facts.text):
        return  # every clock time has a colon or an am/pm
    for match in pt.TIME.finditer(facts.text):
        if not _free_before(facts.text, match.start(), pt.NOT_BEFORE_TIME):
            continue
        minutes = parse_clock(match.group())
        if minutes is not None:
            facts.times.append(TimeMention(_place(facts, match.start(), match.end()), minutes))


def _spread(qualifier: str, unit: str) -> tuple[float, float]:
    """How far below and above the written length the true length may be, as fractions."""
    words = " ".join(qualifier.lower().split()).strip()
    if not words:  # a plain figure is rounded to its unit: "nine hours" for 9 h 8 min
        rounding = 0.05 if unit.lower().startswith(("m", "s")) else 0.125
        return (rounding, rounding)
    if words.startswith(("over", "more than", "at least", "just over", "a little over")):
        return (0.0, 0.35) if words.startswith(("just", "a little")) else (0.0, 9.0)
    if words.startswith(("under", "less than", "at most", "up to", "within")):
        return (1.0, 0.0)
    return (0.25, 0.25)  # about, around, roughly, nearly, almost, ~


_UNIT_WORDS: Final = ("min", "hour", "hr", "day", "week", "month", "sec")


def _duration_units(text: str, lowered: str) -> list[re.Match[str]]:
    """Units of time in the text, found by substring search (then checked by the pattern)."""
    starts = {m.start() + 1 for m in pt.DIGIT_UNIT.finditer(text)}
    for word in _UNIT_WORDS:
        position = lowered.find(word)
        while position >= 0:
            starts.add(position)
            position = lowered.find(word, position + 1)
    found: list[re.Match[str]] = []
    for start in sorted(starts):
        match = pt.DURATION_UNIT.match(text, start)
        if match and (not found or start >= found[-1].end()):
            found.append(match)
    return found


def _durations(facts: BlockFacts, lowered: str) -> None:
    text = facts.text
    for unit in _duration_units(text, lowered):
        head = pt.DURATION_HEAD.search(text, max(0, unit.start() - pt.DURATION_REACH), unit.start())
        if head is None:
            continue
        number = head.group("num")
        spread_low, spread_high = _spread(head.group("qual") or "", unit.group())
        if re.search(r"\d\s?[-–]\s?\d", number):  # "4-5 hours": a range of lengths
            low_text, high_text = re.split(r"\s?[-–]\s?", number)
            low_value, high_value = float(low_text), float(high_text)
        else:
            amount = parse_amount(number)
            if amount is None:
                continue
            low_value = high_value = amount
        per_unit = unit_minutes(unit.group())
        low = low_value * per_unit * (1 - spread_low)
        high = high_value * per_unit * (1 + spread_high)
        minutes = (low_value + high_value) / 2 * per_unit
        place = _place(facts, head.start(), unit.end())
        facts.durations.append(Duration(place, minutes, max(low - 1, 0), high + 1))


def _stamps(facts: BlockFacts) -> list[Stamp]:
    """Dates and times, a date directly followed by a time forming one stamp (a linear merge:
    both lists are in text order)."""
    stamps: list[Stamp] = []
    times = facts.times
    used: set[int] = set()
    next_time = 0
    for mention in facts.dates:
        while next_time < len(times) and times[next_time].place.start < mention.place.end:
            next_time += 1
        minutes, end = None, mention.place.end
        if next_time < len(times):
            candidate = times[next_time]
            if _JOIN.fullmatch(facts.text, mention.place.end, candidate.place.start):
                minutes, end = candidate.minutes, candidate.place.end
                used.add(next_time)
        stamps.append(Stamp(_place(facts, mention.place.start, end), mention.date, minutes))
    for index, time_mention in enumerate(times):
        if index not in used:
            stamps.append(Stamp(time_mention.place, None, time_mention.minutes))
    return sorted(stamps, key=lambda stamp: stamp.place.start)


_JOIN = re.compile(r"\s*(?:,|at|T)?\s*")


def _ranges(facts: BlockFacts) -> None:
    stamps = _stamps(facts)
    text = facts.text
    for first, second in itertools.pairwise(stamps):
        between = text[first.place.end : second.place.start]
        if len(between) > 12 or not pt.RANGE_JOINER.fullmatch(between):
            continue
        opened = pt.RANGE_OPENER.search(text, max(0, first.place.start - 12), first.place.start)
        dashed = between.strip() in ("-", "–", "—")
        if not (opened or dashed) or (first.minutes is None) != (second.minutes is None):
            continue
        start = opened.start() if opened else first.place.start
        place = _place(facts, start, second.place.end)
        date = first.date if second.date is None else second.date
        end_stamp = (
            second
            if second.date is not None or first.date is None
            else Stamp(second.place, date, second.minutes)
        )
        facts.ranges.append(TimeRange(place, first, end_stamp))


def _context(
    text: str, sentence: tuple[int, int], start: int, end: int, noun: str
) -> frozenset[str]:
    before = pt.WORD.findall(text, max(sentence[0], start - 60), start)[-5:]
    after = pt.WORD.findall(text, end, min(sentence[1], end + 60))[:5]
    return frozenset(
        word.lower() for word in before + after if word.lower() not in pt.STOPWORDS
    ) - {noun, noun + "s"}


def _quantities(facts: BlockFacts, taken: bytearray) -> None:
    text = facts.text
    for match in pt.QUANTITY.finditer(text):
        if not _free_before(text, match.start(), pt.NOT_BEFORE_QUANTITY):
            continue
        noun = match.group("noun").lower()
        if noun in _DURATION_NOUNS or any(taken[match.start() : match.end("num")]):
            continue
        written = match.group("num")
        if "," in written and not pt.GROUPED_NUMBER.fullmatch(written):
            continue  # "1,2,3" is a list, not a figure
        value = parse_amount(written)
        if value is None:
            continue
        singular = noun[:-1]
        place = _place(facts, match.start(), match.end())
        context = _context(text, place.sentence, match.start(), match.end(), singular)
        context |= {w for w in match.group("mods").lower().split() if w not in pt.STOPWORDS}
        unit = match.group("unit") or ""
        approximate = bool(
            pt.APPROXIMATE_BEFORE.search(text, max(0, match.start() - 25), match.start())
        )
        facts.quantities.append(Quantity(place, value, singular, unit, context, approximate))


def _references(facts: BlockFacts, lowered: str) -> None:
    if "section" not in lowered and "appendix" not in lowered:
        return  # the pattern needs one of them: skip the scan
    for match in pt.SECTION_REFERENCE.finditer(facts.text):
        name = match.group("name") or match.group("quoted") or match.group("appendix") or ""
        place = _place(facts, match.start(), match.end())
        facts.references.append(SectionReference(place, " ".join(name.split())))


def block_facts(section: int, block: int, text: str) -> BlockFacts:
    """The facts of one block of text."""
    facts = BlockFacts(section, block, text)
    lowered = text.lower()
    has_digit = pt.DIGIT.search(text) is not None
    if has_digit:  # dates, times, figures and ranges all hold a digit
        _dates(facts)
        _times(facts)
    _durations(facts, lowered)
    if facts.dates or facts.times:  # a range joins two of them
        _ranges(facts)
    if has_digit:
        _quantities(facts, facts.taken())
    _references(facts, lowered)
    return facts
