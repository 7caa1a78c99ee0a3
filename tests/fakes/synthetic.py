"""Build Document objects directly (no .docx) for engine and provider tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from aiprism_desktop.core.document import (
    Block,
    BlockKind,
    BlockLocation,
    Document,
    Section,
    SectionKind,
)


def make_section(index: int, title: str, paragraphs: list[str], start: int = 0) -> Section:
    """A body section with a heading block followed by one block per paragraph."""
    heading = Block(
        id=f"p:document:{start}",
        kind=BlockKind.HEADING,
        text=title,
        location=BlockLocation("word/document.xml", start),
        heading_level=1,
    )
    blocks = [heading] + [
        Block(
            id=f"p:document:{start + offset}",
            kind=BlockKind.PARAGRAPH,
            text=text,
            location=BlockLocation("word/document.xml", start + offset),
        )
        for offset, text in enumerate(paragraphs, start=1)
    ]
    return Section(
        id=f"s{index:03d}",
        title=title,
        level=1,
        kind=SectionKind.BODY,
        blocks=tuple(blocks),
        heading_block_id=heading.id,
    )


def make_document(
    sections: int = 4, paragraphs_per_section: int = 3, *, salt: str = ""
) -> Document:
    """A document with numbered sections whose text differs per section (and per ``salt``)."""
    built = []
    position = 0
    for index in range(1, sections + 1):
        texts = [
            f"Section {index} paragraph {p} says the account was reviewed on day {p}{salt}."
            for p in range(1, paragraphs_per_section + 1)
        ]
        built.append(make_section(index, f"Heading {index}", texts, start=position))
        position += paragraphs_per_section + 1
    digest = hashlib.sha256(("".join(s.text for s in built) + salt).encode()).hexdigest()
    return Document(
        path=Path(f"/synthetic/{digest[:8]}.docx"),
        sha256=digest,
        title="Synthetic investigation",
        sections=tuple(built),
    )
