"""Fact checks about time: timeline order, weekdays, one event on two dates, and stated durations
that do not match the times they span."""

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
from aiprism_desktop.providers.offline.facts.extract import (
    BlockFacts,
    DocumentFacts,
    Duration,
    Place,
    TimeRange,
)
from aiprism_desktop.providers.offline.facts.timeline import (
    TimelineEntry,
    timeline_entries,
    timeline_sections,
)
from aiprism_desktop.providers.offline.facts.values import WEEKDAY_NAMES, describe_minutes
from aiprism_desktop.providers.offline.rules.checks_language import compile_pattern
from aiprism_desktop.providers.offline.rules.context import SectionContext

_TITLES_SCHEMA: Final = {"timeline_sections": {"type": "string", "minLength": 1}}


@dataclass(frozen=True, slots=True)
class TimelineParams:
    titles: re.Pattern[str]
    start_markers: re.Pattern[str]
    end_markers: re.Pattern[str]


def _prepare_timeline(params: Mapping[str, Any]) -> TimelineParams:
    return TimelineParams(
        titles=compile_pattern(params.get("timeline_sections", DEFAULT_TIMELINE_TITLES)),
        start_markers=compile_pattern(
            params.get(
                "start_markers",
                r"\b(?:outage|incident|downtime)\s+(?:begins|began|starts|started|declared)\b"
                r"|\b(?:incident|outage)\s+(?:is\s+)?declared\b|\boutage\s+start",
            )
        ),
        end_markers=compile_pattern(
            params.get(
                "end_markers",
                r"\b(?:outage|incident|downtime)\s+(?:ends|ended|resolved|is\s+over)\b"
                r"|\bincident\s+resolved\b|\boutage\s+end",
            )
        ),
    )


# --- timeline order ---------------------------------------------------------------------------


def _order(params: TimelineParams, ctx: SectionContext) -> Callable[[DocumentFacts], list[Finding]]:
    def compute(facts: DocumentFacts) -> list[Finding]:
        found: list[Finding] = []
        for group in timeline_sections(ctx.document, params.titles):
            previous: TimelineEntry | None = None
            for entry in timeline_entries(facts, group):
                if entry.moment is None:
                    continue
                if previous and previous.moment is not None and entry.moment < previous.moment:
                    fields = {
                        "value": quote_of(ctx, entry.place),
                        "other_value": quote_of(ctx, previous.place),
                    }
                    found.append(Finding(entry.place, fields))
                previous = entry
        return found

    return compute


TIMELINE_IN_ORDER = fact_kind(
    "timeline_in_order",
    frozenset({"value", "other_value"}),
    _TITLES_SCHEMA,
    _prepare_timeline,
    _order,
)


# --- weekdays ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoParams:
    """Kinds without options still get one params object per rule (the memo's key)."""


def _prepare_nothing(_params: Mapping[str, Any]) -> NoParams:
    return NoParams()


def _weekdays(_params: NoParams, ctx: SectionContext) -> Callable[[DocumentFacts], list[Finding]]:
    def compute(facts: DocumentFacts) -> list[Finding]:
        found: list[Finding] = []
        for block in facts.blocks:
            for mention in block.dates:
                if mention.weekday is None or mention.ambiguous:
                    continue
                actual = mention.date.with_year(facts.year).weekday()
                if actual is not None and actual != mention.weekday:
                    fields = {
                        "value": quote_of(ctx, mention.place),
                        "written": WEEKDAY_NAMES[mention.weekday],
                        "actual": WEEKDAY_NAMES[actual],
                        "date": mention.date.with_year(facts.year).describe(),
                    }
                    found.append(Finding(mention.place, fields))
        return found

    return compute


WEEKDAYS_MATCH = fact_kind(
    "weekdays_match",
    frozenset({"value", "written", "actual", "date"}),
    {},
    _prepare_nothing,
    _weekdays,
)


# --- durations --------------------------------------------------------------------------------


def _mismatch(
    ctx: SectionContext, duration: Duration, span: float, span_place: Place
) -> Finding | None:
    if duration.low <= span <= duration.high:
        return None
    fields = {
        "value": quote_of(ctx, duration.place),
        "computed": describe_minutes(span),
        "span": quote_of(ctx, span_place),
        "other_section": section_title(ctx, span_place),
    }
    return Finding(duration.place, fields)


def _nearest_range(block: BlockFacts, duration: Duration) -> TimeRange | None:
    """The range a duration states the length of: in its sentence, or the sentence before
    when the duration refers back ("those nine hours")."""
    sentence = duration.place.sentence
    same = [r for r in block.ranges if r.place.sentence == sentence]
    if same:
        return min(same, key=lambda r: abs(r.place.start - duration.place.start))
    if not pt.BACK_REFERENCE.search(
        block.text, max(0, duration.place.start - 30), duration.place.start
    ):
        return None
    before = [r for r in block.ranges if r.place.sentence[1] <= sentence[0]]
    return before[-1] if len(before) == 1 else None


def _outage_span(
    params: TimelineParams, ctx: SectionContext, facts: DocumentFacts
) -> tuple[float, Place] | None:
    """Minutes between the timeline's "outage begins" and "outage ends" entries."""
    for group in timeline_sections(ctx.document, params.titles):
        entries = timeline_entries(facts, group)
        starts = [
            e for e in entries if e.moment is not None and params.start_markers.search(e.text)
        ]
        ends = [e for e in entries if e.moment is not None and params.end_markers.search(e.text)]
        if starts and ends:
            first, last = starts[0], ends[0]
            assert first.moment is not None
            assert last.moment is not None
            span = last.moment - first.moment
            if span < 0 and not last.explicit_date:
                span += 24 * 60
            if span < 0:
                span += 24 * 60  # "[03-26 23:04] ... [03-26 08:10]": the order check reports it
            return span, first.place
    return None


def _durations(
    params: TimelineParams, ctx: SectionContext
) -> Callable[[DocumentFacts], list[Finding]]:
    def compute(facts: DocumentFacts) -> list[Finding]:
        found: list[Finding] = []
        timeline = {i for group in timeline_sections(ctx.document, params.titles) for i in group}
        outage = _outage_span(params, ctx, facts)
        for block in facts.blocks:
            for duration in block.durations:
                paired = _nearest_range(block, duration)
                result: Finding | None = None
                if paired is not None:
                    span = paired.minutes()
                    if span is not None:
                        result = _mismatch(ctx, duration, span, paired.place)
                elif outage is not None and block.section not in timeline:
                    sentence = block.text[duration.place.sentence[0] : duration.place.sentence[1]]
                    if pt.OUTAGE_WORDS.search(sentence) and re.search(
                        r"\b(?:outage|lasted|inaccessible|unavailable|down|period)\b",
                        sentence,
                        re.I,
                    ):
                        result = _mismatch(ctx, duration, outage[0], outage[1])
                if result is not None:
                    found.append(result)
        return found

    return compute


DURATIONS_MATCH = fact_kind(
    "durations_match",
    frozenset({"value", "computed", "span", "other_section"}),
    {
        **_TITLES_SCHEMA,
        "start_markers": {"type": "string", "minLength": 1},
        "end_markers": {"type": "string", "minLength": 1},
    },
    _prepare_timeline,
    _durations,
)
