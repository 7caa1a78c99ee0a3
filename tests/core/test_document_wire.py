"""The wire form of a document gives back the same sections, so the backend builds the same
prompts as the desktop (the end-to-end proof is tests/providers/backend/test_same_findings.py)."""

from __future__ import annotations

import json

import pytest

from aiprism_desktop.core.document_wire import (
    document_from_wire,
    document_to_wire,
    section_from_wire,
    section_to_wire,
    with_section,
)
from aiprism_desktop.core.errors import DataFormatError
from aiprism_desktop.core.frameworks import load_frameworks
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.prompts import build_review_prompts
from tests.providers.contract import sample_path


def test_every_section_and_prompt_survives_the_wire() -> None:
    document = read_document(sample_path())
    decoded = document_from_wire(json.loads(json.dumps(document_to_wire(document))))
    assert decoded.sections == document.sections
    assert (decoded.title, decoded.sha256) == (document.title, document.sha256)
    framework = load_frameworks(None)["hawkeye"]
    for section in document.sections:
        assert build_review_prompts(decoded, decoded.section(section.id), framework) == (
            build_review_prompts(document, section, framework)
        )


def test_the_outline_alone_carries_no_text() -> None:
    document = read_document(sample_path())
    chosen = next(s for s in document.sections if not s.is_empty)
    wire = document_to_wire(document, blocks_of=[chosen.id])
    with_blocks = [s["id"] for s in wire["sections"] if "blocks" in s]
    assert with_blocks == [chosen.id]
    outline = document_from_wire(document_to_wire(document, blocks_of=()))
    assert all(not s.blocks for s in outline.sections)
    assert [s.title for s in outline.sections] == [s.title for s in document.sections]
    restored = with_section(outline, section_from_wire(section_to_wire(chosen)))
    assert restored.section(chosen.id) == chosen


@pytest.mark.parametrize(
    "damage",
    [
        lambda w: w["sections"].append(dict(w["sections"][0])),  # duplicate id
        lambda w: w["sections"][0].update(kind="chapter"),
        lambda w: w["sections"][0]["blocks"][0].update(table_cell=[1, 2]),
        lambda w: w["sections"][0]["blocks"][0].update(paragraph_index="3"),
        lambda w: w.update(sections="none"),
    ],
)
def test_damaged_wire_is_refused_by_name(damage: object) -> None:
    wire = document_to_wire(read_document(sample_path()))
    damage(wire)  # type: ignore[operator]
    with pytest.raises(DataFormatError):
        document_from_wire(wire)


def test_a_section_outside_the_outline_is_refused() -> None:
    document = read_document(sample_path())
    stranger = section_from_wire({**section_to_wire(document.sections[0]), "id": "s999"})
    with pytest.raises(DataFormatError) as refused:
        with_section(document, stranger)
    assert "outline" in (refused.value.detail or "")
