"""Build small Documents with paragraphs, list items and tables, for rule-by-rule tests."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path

from aiprism_desktop.core.document import (
    Block,
    BlockKind,
    BlockLocation,
    Document,
    Section,
    SectionKind,
    TableCellRef,
)
from aiprism_desktop.core.finding_schema import FindingDraft
from aiprism_desktop.core.frameworks import Framework, load_frameworks
from aiprism_desktop.core.prompts import build_review_prompt
from aiprism_desktop.core.reviewer import SectionReviewRequest
from aiprism_desktop.providers.offline.reviewer import OfflineReviewer

# Every section the missing-sections rule expects, for documents that should not trigger it.
COMPLETE_OUTLINE = (
    "Executive Summary",
    "Timeline",
    "Impact Assessment",
    "Root Cause Analysis",
    "Preventative Actions",
)


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullet:
    text: str


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]


Item = Para | Bullet | Table | str


def table(*rows: list[str]) -> Table:
    return Table(tuple(tuple(row) for row in rows))


class _Counter:
    def __init__(self) -> None:
        self.paragraph = 0
        self.table = 0

    def location(self) -> BlockLocation:
        self.paragraph += 1
        return BlockLocation("word/document.xml", self.paragraph - 1)


def _blocks(items: list[Item], counter: _Counter) -> list[Block]:
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, str | Para):
            text = item if isinstance(item, str) else item.text
            location = counter.location()
            blocks.append(
                Block(f"p{location.paragraph_index}", BlockKind.PARAGRAPH, text, location)
            )
        elif isinstance(item, Bullet):
            location = counter.location()
            blocks.append(
                Block(
                    f"p{location.paragraph_index}",
                    BlockKind.LIST_ITEM,
                    item.text,
                    location,
                    label="•",
                )
            )
        else:
            for r, row in enumerate(item.rows):
                for c, text in enumerate(row):
                    location = counter.location()
                    blocks.append(
                        Block(
                            f"p{location.paragraph_index}",
                            BlockKind.TABLE_CELL,
                            text,
                            location,
                            table_cell=TableCellRef(counter.table, r, c),
                        )
                    )
            counter.table += 1
    return blocks


def make_doc(*sections: tuple[str, list[Item]]) -> Document:
    """A document whose sections each start with a heading block."""
    counter = _Counter()
    built = []
    for number, (title, items) in enumerate(sections, start=1):
        location = counter.location()
        heading = Block(
            f"p{location.paragraph_index}", BlockKind.HEADING, title, location, heading_level=1
        )
        built.append(
            Section(
                id=f"s{number:03d}",
                title=title,
                level=1,
                kind=SectionKind.BODY,
                blocks=(heading, *_blocks(items, counter)),
                heading_block_id=heading.id,
            )
        )
    digest = hashlib.sha256("\n".join(s.text for s in built).encode()).hexdigest()
    return Document(path=Path("test.docx"), sha256=digest, title="Test", sections=tuple(built))


def with_outline(*sections: tuple[str, list[Item]]) -> Document:
    """``make_doc`` plus empty-ish sections for every expected heading not already given."""
    given = {title for title, _ in sections}
    filler: list[tuple[str, list[Item]]] = [
        (t, ["See above."]) for t in COMPLETE_OUTLINE if t not in given
    ]
    return make_doc(*sections, *filler)


_FRAMEWORK: Framework | None = None


def hawkeye() -> Framework:
    global _FRAMEWORK
    if _FRAMEWORK is None:
        _FRAMEWORK = load_frameworks(None)["hawkeye"]
    return _FRAMEWORK


def request_for(document: Document, title: str) -> SectionReviewRequest:
    section = next(s for s in document.sections if s.title == title)
    prompt = build_review_prompt(document, section, hawkeye())
    return SectionReviewRequest(document, section, hawkeye(), prompt)


def review(
    document: Document, title: str, reviewer: OfflineReviewer | None = None
) -> tuple[FindingDraft, ...]:
    """The offline reviewer's drafts for the section with this title."""
    chosen = reviewer or OfflineReviewer()
    return asyncio.run(chosen.review_section(request_for(document, title))).drafts


def by_rule(drafts: tuple[FindingDraft, ...], rule_id: str) -> list[FindingDraft]:
    return [d for d in drafts if d.origin == f"rule:{rule_id}"]
