"""What the fact checks share: the document's facts (extracted once), and hits from places."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from aiprism_desktop.providers.offline.facts.extract import DocumentFacts, Place
from aiprism_desktop.providers.offline.facts.scan import extract_facts
from aiprism_desktop.providers.offline.rules.context import CheckKind, Hit, SectionContext

T = TypeVar("T")

# One key for the extracted facts, whichever rule asks first: the extraction runs once.
_FACTS_KEY: Final = object()
DEFAULT_TIMELINE_TITLES: Final = r"timeline|chronolog|sequence\s+of\s+events"
QUOTE_LIMIT: Final = 160


def document_facts(ctx: SectionContext) -> DocumentFacts:
    """The document's facts, extracted on first use and shared by every fact rule."""
    return ctx.memo.get(_FACTS_KEY, lambda: extract_facts(ctx.document, ctx.checkpoint), ctx.budget)


def quote_of(ctx: SectionContext, place: Place) -> str:
    """The text at ``place`` (for naming the other side of a contradiction)."""
    block = ctx.document.sections[place.section].blocks[place.block]
    text = " ".join(block.text[place.start : place.end].split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


def section_title(ctx: SectionContext, place: Place) -> str:
    """The section a place is in, for messages: 'the section "Impact"'."""
    return f'the section "{ctx.document.sections[place.section].title}"'


@dataclass(frozen=True, slots=True)
class Finding:
    """A document-wide result: where to comment, and the values for the message."""

    place: Place
    fields: Mapping[str, str]


def hits_for_section(
    ctx: SectionContext, params: object, compute: Callable[[DocumentFacts], list[Finding]]
) -> Iterable[Hit]:
    """The hits in the current section, from a document-wide computation done once."""
    found = ctx.memo.get(params, lambda: compute(document_facts(ctx)), ctx.budget)
    for finding in found:
        if finding.place.section == ctx.section_index:
            place = finding.place
            yield Hit(place.block, place.start, place.end, dict(finding.fields))


def fact_kind(
    name: str,
    fields: frozenset[str],
    properties: Mapping[str, Any],
    prepare: Callable[[Mapping[str, Any]], T],
    compute: Callable[[T, SectionContext], Callable[[DocumentFacts], list[Finding]]],
) -> CheckKind[T]:
    """A check kind over the document's facts."""

    def run(params: T, ctx: SectionContext) -> Iterable[Hit]:
        return hits_for_section(ctx, params, compute(params, ctx))

    return CheckKind(
        name=name,
        params_schema={
            "type": "object",
            "properties": dict(properties),
            "additionalProperties": False,
        },
        fields=fields,
        prepare=prepare,
        run=run,
    )
