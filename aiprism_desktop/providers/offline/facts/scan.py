"""The facts of a whole document: every block's (``extract.block_facts``), with the facts of a
text that already occurred copied, not extracted again.

Tables repeat their cells ("Done", an owner's name, the same time in every row) and reports
repeat boilerplate paragraphs. What a block states depends on its text alone; only the places
(section and block) differ, so a repeated text's facts are the first occurrence's with their
places moved, which costs far less than the regex scans.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from aiprism_desktop.core.document import BlockKind, Document
from aiprism_desktop.providers.offline.facts.extract import (
    BlockFacts,
    DocumentFacts,
    Place,
    Stamp,
    block_facts,
)


def extract_facts(document: Document, checkpoint: Callable[[], None]) -> DocumentFacts:
    """The facts of every block of the document (headings included: timelines use them)."""
    blocks: list[BlockFacts] = []
    first: dict[str, BlockFacts] = {}  # by text: the facts of its first occurrence
    for section_index, section in enumerate(document.sections):
        for block_index, block in enumerate(section.blocks):
            if block.text.strip() and block.kind is not BlockKind.FOOTNOTE:
                checkpoint()
                seen = first.get(block.text)
                if seen is None:
                    facts = first[block.text] = block_facts(section_index, block_index, block.text)
                else:
                    facts = moved(seen, section_index, block_index)
                blocks.append(facts)
    years = Counter(
        mention.date.year for facts in blocks for mention in facts.dates if mention.date.year
    )
    year = years.most_common(1)[0][0] if years else None
    return DocumentFacts(blocks, year)


def moved(facts: BlockFacts, section: int, block: int) -> BlockFacts:
    """``facts`` (of a block with the same text) as the facts of block ``block`` of ``section``:
    equal to extracting them from that block."""

    def here(place: Place) -> Place:
        return Place(section, block, place.start, place.end, place.sentence)

    def stamp(value: Stamp) -> Stamp:
        return Stamp(here(value.place), value.date, value.minutes)

    copy = BlockFacts(section, block, facts.text, facts.sentences)
    # Most repeated texts (table cells) state nothing: only non-empty lists are copied.
    if facts.dates:
        copy.dates = [replace(m, place=here(m.place)) for m in facts.dates]
    if facts.times:
        copy.times = [replace(m, place=here(m.place)) for m in facts.times]
    if facts.durations:
        copy.durations = [replace(m, place=here(m.place)) for m in facts.durations]
    if facts.ranges:
        copy.ranges = [
            replace(m, place=here(m.place), start=stamp(m.start), end=stamp(m.end))
            for m in facts.ranges
        ]
    if facts.quantities:
        copy.quantities = [replace(m, place=here(m.place)) for m in facts.quantities]
    if facts.references:
        copy.references = [replace(m, place=here(m.place)) for m in facts.references]
    return copy
