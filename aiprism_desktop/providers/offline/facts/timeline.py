"""Timelines: the entries of a document's timeline sections, each with its point in time.

A timeline is a section whose title says so ("Timeline", "Chronology", ...) together with its
sub-sections (a timeline often has one heading per time, "### 5:00 PM"). An entry is a heading,
paragraph, list item or table row whose text starts with a stamp: "[08:47]", "2:54 PM PST:",
"[03-26 23:04]", "2019-08-09:", "July 11, 2025, 12:42 PM", "| 2021-05-08 |". A line with only a
date sets the date for the entries after it. Times that go backwards by more than twelve hours
without a written date are read as the next day ("[23:55]" then "[07:00]").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiprism_desktop.core.document import Document
from aiprism_desktop.providers.offline.facts import patterns as pt
from aiprism_desktop.providers.offline.facts.extract import BlockFacts, DocumentFacts, Place
from aiprism_desktop.providers.offline.facts.values import CalendarDate, parse_clock

_LEAD = re.compile(r"[\s\[\]*•|>#(-]*")
_STAMP_REACH = 6  # the stamp must start within this many characters of the entry's start
_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated or timed entry, with the date it falls on (carried from a date line)."""

    place: Place  # the stamp as written
    text: str  # the whole entry text
    date: CalendarDate | None
    minutes: int | None
    explicit_date: bool  # the entry writes its own date (not carried from a date line)
    moment: float | None  # minutes since year 1 when the date is known, else minutes in day
    parts: tuple[str, ...] = ()  # the texts of the entry's blocks


def timeline_sections(document: Document, titles: re.Pattern[str]) -> list[list[int]]:
    """Each timeline: the index of its section and of its sub-sections, in order."""
    timelines: list[list[int]] = []
    index = 0
    sections = document.sections
    while index < len(sections):
        if not titles.search(sections[index].title):
            index += 1
            continue
        group = [index]
        level = sections[index].level
        index += 1
        while index < len(sections) and sections[index].level > level:
            group.append(index)
            index += 1
        timelines.append(group)
    return timelines


def _stamp(facts: BlockFacts, year: int | None) -> tuple[Place, CalendarDate | None, int | None]:
    """The stamp at the start of a block: (where, date, minutes); no place when there is none."""
    text = facts.text
    lead = _LEAD.match(text)
    begin = lead.end() if lead else 0
    month_day = pt.MONTH_DAY_STAMP.match(text, begin)
    if month_day:
        time = pt.TIME.match(text, month_day.end())
        if time:
            # The year is the document's; ``timeline_entries`` moves it on at a year's end.
            date = CalendarDate(int(month_day.group("m")), int(month_day.group("d")), year)
            place = Place(facts.section, facts.block, month_day.start(), time.end())
            return place, date, parse_clock(time.group())
    first_date = next((m for m in facts.dates if m.place.start <= begin + _STAMP_REACH), None)
    first_time = next((m for m in facts.times if m.place.start <= begin + _STAMP_REACH), None)
    if first_date is not None and not first_date.ambiguous:
        end = first_date.place.end
        minutes = None
        follow = next((m for m in facts.times if m.place.start >= end), None)
        if follow is not None and re.fullmatch(r"[\s,]*(?:at\s*)?", text[end : follow.place.start]):
            minutes, end = follow.minutes, follow.place.end
        place = Place(facts.section, facts.block, first_date.place.start, end)
        return place, first_date.date.with_year(year), minutes
    if first_time is not None:
        return first_time.place, None, first_time.minutes
    return Place(-1, -1, 0, 0), None, None


def _year_written(text: str, place: Place) -> bool:
    return bool(re.search(r"(?:19|20)\d{2}", text[place.start : place.end]))


def timeline_entries(facts: DocumentFacts, group: list[int]) -> list[TimelineEntry]:
    """The entries of one timeline, in reading order, with carried dates resolved.

    An entry's text is its stamped block and the blocks after it up to the next stamp (the
    other cells of a table row, the paragraphs under a "### 5:00 PM" heading).
    """
    entries: list[TimelineEntry] = []
    bodies: list[list[str]] = []
    wanted = set(group)
    carried: CalendarDate | None = None
    previous_minutes: int | None = None
    day_shift = 0
    for block in facts.blocks:
        if block.section not in wanted:
            continue
        place, date, minutes = _stamp(block, facts.year)
        if place.section < 0:
            if len(block.dates) == 1 and not block.times and not block.dates[0].ambiguous:
                # "All times in PST, on February 5th 2019": the date of the entries below
                carried = block.dates[0].date.with_year(facts.year)
                day_shift, previous_minutes = 0, None
            elif bodies:
                bodies[-1].append(block.text)
            continue
        if date is not None:
            inferred = date.year is not None and not _year_written(block.text, place)
            if inferred and carried is not None and carried.year is not None:
                # "[12-05 16:21]" then "[03-20 16:46]": month-day stamps crossed a new year.
                date = CalendarDate(date.month, date.day, carried.year)
                if (carried.month - date.month) >= 6:
                    date = CalendarDate(date.month, date.day, carried.year + 1)
            carried, day_shift, previous_minutes = date, 0, None
        elif (
            minutes is not None
            and previous_minutes is not None
            and previous_minutes - minutes > _DAY // 2  # past midnight
        ):
            day_shift += 1
        if minutes is not None:
            previous_minutes = minutes
        moment: float | None = None
        ordinal = carried.ordinal() if carried is not None else None
        if ordinal is not None:
            moment = (ordinal + day_shift) * _DAY + (minutes or 0)
        elif minutes is not None and carried is None:
            moment = day_shift * _DAY + minutes
        entries.append(TimelineEntry(place, block.text, carried, minutes, date is not None, moment))
        bodies.append([block.text])
    return [
        TimelineEntry(
            e.place, " | ".join(body), e.date, e.minutes, e.explicit_date, e.moment, tuple(body)
        )
        for e, body in zip(entries, bodies, strict=True)
    ]
