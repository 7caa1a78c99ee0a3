"""Small builders for review-domain tests: documents, findings, the built-in framework."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from aiprism_desktop.core.document import (
    Block,
    BlockKind,
    BlockLocation,
    Document,
    DocumentWarning,
    Section,
    SectionKind,
)
from aiprism_desktop.core.findings import Anchor, Finding, FindingType, Risk
from aiprism_desktop.core.frameworks import Framework, load_frameworks


@cache
def hawkeye() -> Framework:
    """The packaged Hawkeye framework."""
    return load_frameworks(None)["hawkeye"]


def make_section(index: int, title: str, text: str, *, level: int = 1) -> Section:
    blocks = tuple(
        Block(
            id=f"s{index}b{i}",
            kind=BlockKind.PARAGRAPH,
            text=line,
            location=BlockLocation("word/document.xml", index * 100 + i),
        )
        for i, line in enumerate(text.split("\n"))
    )
    return Section(id=f"s{index}", title=title, level=level, kind=SectionKind.BODY, blocks=blocks)


def make_document(
    sections: list[tuple[str, str]], *, title: str = "Incident 42 write-up", warnings: bool = False
) -> Document:
    return Document(
        path=Path("/tmp/incident-42.docx"),
        sha256="ab" * 32,
        title=title,
        sections=tuple(make_section(i, t, body) for i, (t, body) in enumerate(sections)),
        warnings=(DocumentWarning("TRACKED_CHANGES", "Has tracked changes."),) if warnings else (),
    )


def make_finding(fid: str, section_id: str = "s0", **overrides: Any) -> Finding:
    values: dict[str, Any] = {
        "id": fid,
        "section_id": section_id,
        "origin": "model:anthropic.claude-test",
        "type": FindingType.IMPORTANT,
        "risk": Risk.MEDIUM,
        "category": "Timeline",
        "description": f"Description of {fid}.",
        "suggestion": "Add the date.",
        "quote": "the alarm was raised",
        "confidence": 0.8,
        "prompt_version": "review-1",
        "created_at": "2026-01-01T00:00:00.000Z",
        "anchor": Anchor(f"{section_id}b0", 0, 5),
    }
    values.update(overrides)
    return Finding(**values)


def reviewer_comment(fid: str, section_id: str = "s0", **overrides: Any) -> Finding:
    values: dict[str, Any] = {
        "origin": "reviewer",
        "author": "",
        "type": FindingType.SUGGESTION,
        "risk": Risk.LOW,
        "category": "Clarity",
        "description": f"My own note {fid}.",
        "confidence": 1.0,
    }
    values.update(overrides)
    return make_finding(fid, section_id, **values)
