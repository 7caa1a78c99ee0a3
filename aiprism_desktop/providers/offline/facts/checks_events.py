"""One event on two dates: the same release, report or fix dated differently in two places, and
an incident dated away from the date its title gives.

An event is a verb class ("released", "detected", ...) with the identifier it is about (a
version, a CVE, an issue number) in the same sentence; a timeline entry gets its date from its
stamp. The title's date is the incident's date: a sentence outside the timeline that places the
outage ("failed between 2019-02-25 23:04 and ...") more than a day away from it contradicts it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from aiprism_desktop.providers.offline.facts import patterns as pt
from aiprism_desktop.providers.offline.facts.common import (
    DEFAULT_TIMELINE_TITLES,
    Finding,
    fact_kind,
    quote_of,
    section_title,
)
from aiprism_desktop.providers.offline.facts.extract import DocumentFacts, Place
from aiprism_desktop.providers.offline.facts.timeline import timeline_entries, timeline_sections
from aiprism_desktop.providers.offline.facts.values import CalendarDate
from aiprism_desktop.providers.offline.rules.checks_language import compile_pattern
from aiprism_desktop.providers.offline.rules.context import SectionContext

# Past-tense verbs only: "release", "fix", "merge", "report" are also nouns ("a 1.11.2
# security release", "the candidate fix patches") and would bind dates to no event.
_DEFAULT_EVENTS: Final = {
    "release": r"released|published|pushe[sd]|shipped|tagged|rolled\s+out|landed|disclosed",
    "announcement": r"announced|notified|e-?mailed",
    "report": r"reported|detected|discovered|noticed|found|finds",
    "fix": r"fixe[sd]|resolved|mitigated|patched",
    "merge": r"merged|introduced|committed|opened",
}
_INCIDENT_SLACK_DAYS: Final = 1


@dataclass(frozen=True, slots=True)
class EventParams:
    events: tuple[tuple[str, re.Pattern[str]], ...]
    titles: re.Pattern[str]


def _prepare(params: Mapping[str, Any]) -> EventParams:
    events = params.get("events", _DEFAULT_EVENTS)
    return EventParams(
        events=tuple(
            (name, compile_pattern(rf"\b(?:{verbs})\b")) for name, verbs in events.items()
        ),
        titles=compile_pattern(params.get("timeline_sections", DEFAULT_TIMELINE_TITLES)),
    )


@dataclass(frozen=True, slots=True)
class Event:
    key: tuple[str, str]
    date: CalendarDate
    place: Place
    in_timeline: bool = False


_VERB_REACH: Final = 150


def _event_class(params: EventParams, text: str, near: int) -> str | None:
    """The event class whose verb is closest to ``near`` in ``text`` (looking nearby only)."""
    best: tuple[int, str] | None = None
    low, high = max(0, near - _VERB_REACH), min(len(text), near + _VERB_REACH)
    for name, pattern in params.events:
        for match in pattern.finditer(text, low, high):
            distance = abs(match.start() - near)
            if best is None or distance < best[0]:
                best = (distance, name)
    return best[1] if best else None


def _events(params: EventParams, ctx: SectionContext, facts: DocumentFacts) -> list[Event]:
    events: list[Event] = []
    in_timeline: set[tuple[int, int]] = set()
    for group in timeline_sections(ctx.document, params.titles):
        for entry in timeline_entries(facts, group):
            in_timeline.add((entry.place.section, entry.place.block))
            if entry.date is None or entry.date.year is None:
                continue
            for part in entry.parts:  # each block on its own: verbs do not cross bullets
                for identifier in pt.IDENTIFIER.finditer(part):
                    kind = _event_class(params, part, identifier.start())
                    if kind:
                        key = (kind, _normal(identifier.group()))
                        events.append(Event(key, entry.date, entry.place, in_timeline=True))
    for block in facts.blocks:
        if (block.section, block.block) in in_timeline:
            continue
        for mention in block.dates:
            if mention.ambiguous:
                continue
            start, end = mention.place.sentence
            sentence = block.text[start:end]
            identifiers = pt.IDENTIFIER.findall(sentence)
            if not identifiers:
                continue  # an event needs what it is about: no need to look for its verb
            kind = _event_class(params, sentence, mention.place.start - start)
            if kind is None:
                continue
            date = mention.date.with_year(facts.year)
            for identifier in identifiers:
                events.append(Event((kind, _normal(identifier)), date, mention.place))
    return events


def first_title(ctx: SectionContext) -> str:
    """The text of the document's first block (its title)."""
    return ctx.document.sections[0].blocks[0].text


def _normal(identifier: str) -> str:
    """ "v1.11.2" and "1.11.2" name the same release."""
    return identifier[1:] if identifier[:1] in "vV" else identifier


def _title_date(ctx: SectionContext, facts: DocumentFacts) -> CalendarDate | None:
    first = ctx.document.sections[0] if ctx.document.sections else None
    if first is None or not first.blocks:
        return None
    dates = [b.dates for b in facts.blocks if b.section == 0 and b.block == 0]
    found = dates[0] if dates else []
    return found[0].date.with_year(facts.year) if len(found) == 1 else None


def _incident_findings(
    params: EventParams, ctx: SectionContext, facts: DocumentFacts
) -> list[Finding]:
    title = _title_date(ctx, facts)
    title_day = title.ordinal() if title is not None else None
    if title is None or title_day is None:
        return []
    timeline = {i for group in timeline_sections(ctx.document, params.titles) for i in group}
    found: list[Finding] = []
    for block in facts.blocks:
        if block.section in timeline or block.section == 0:
            continue
        for time_range in block.ranges:
            date = time_range.start.date
            day = date.with_year(facts.year).ordinal() if date is not None else None
            sentence = block.text[time_range.place.sentence[0] : time_range.place.sentence[1]]
            if day is None or not pt.OUTAGE_WORDS.search(sentence):
                continue
            if abs(day - title_day) > _INCIDENT_SLACK_DAYS:
                fields = {
                    "value": quote_of(ctx, time_range.place),
                    "other_value": title.describe(),
                    "other_section": "the document's title",
                    "other_quote": quote_of(ctx, Place(0, 0, 0, len(first_title(ctx)))),
                    "event": "the incident",
                }
                found.append(Finding(time_range.place, fields))
    return found


def _conflicts(
    params: EventParams, ctx: SectionContext
) -> Callable[[DocumentFacts], list[Finding]]:
    def compute(facts: DocumentFacts) -> list[Finding]:
        found = _incident_findings(params, ctx, facts)
        # Per event, the first statement in each section (and whether it is a timeline entry):
        # bounded by the number of sections, whatever the number of statements.
        firsts: dict[tuple[str, str], dict[int, Event]] = {}
        reported: set[tuple[tuple[str, str], int, int]] = set()
        for event in _events(params, ctx, facts):
            by_section = firsts.setdefault(event.key, {})
            # Two timeline entries may name one issue on several dates (reported, then fixed):
            # a statement outside the timeline is what must agree with the others.
            reference = next(
                (
                    other
                    for section, other in by_section.items()
                    if section != event.place.section
                    and not (other.in_timeline and event.in_timeline)
                ),
                None,
            )
            by_section.setdefault(event.place.section, event)
            if reference is None or reference.date.agrees_with(event.date):
                continue
            spot = (event.key, event.place.section, event.place.block)
            if spot in reported:
                continue
            reported.add(spot)
            later, earlier = (
                (event, reference)
                if (event.place.section, event.place.block)
                > (reference.place.section, reference.place.block)
                else (reference, event)
            )
            fields = {
                "value": later.date.describe(),
                "other_value": earlier.date.describe(),
                "other_section": section_title(ctx, earlier.place),
                "other_quote": quote_of(ctx, earlier.place),
                "event": f"the {later.key[0]} of {later.key[1]}",
            }
            found.append(Finding(later.place, fields))
        return found

    return compute


EVENT_DATES_AGREE = fact_kind(
    "event_dates_agree",
    frozenset({"value", "other_value", "other_section", "other_quote", "event"}),
    {
        "events": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
        "timeline_sections": {"type": "string", "minLength": 1},
    },
    _prepare,
    _conflicts,
)
