"""The bundled sample: the project's reader splits it as intended, and the offline reviewer
finds exactly the planted problems listed in resources/samples/README.md (the oracle)."""

from __future__ import annotations

import asyncio
import io
import re
import runpy
from collections import Counter

import pytest

from aiprism_desktop.core.anchoring import AnchorStatus, locate_quote
from aiprism_desktop.core.document import BlockKind, Document
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.providers.offline.reviewer import OfflineReviewer
from tests.providers.contract import sample_path
from tests.support.rule_docs import request_for

README = sample_path().with_name("README.md")


def _between(marker: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {marker}:start -->\n(.*?)<!-- {marker}:end -->", text, re.S)
    assert found, f"README.md has no {marker} block"
    return [line for line in found.group(1).splitlines() if line.strip()]


def planted() -> list[tuple[str, str, str]]:
    """(section title, rule id, quote) for every planted problem in the README table."""
    rows = []
    for line in _between("oracle")[2:]:  # skip the header and the separator
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.append((cells[0], f"rule:{cells[1]}", cells[2]))
    return rows


@pytest.fixture(scope="module")
def document() -> Document:
    return read_document(sample_path())


def test_sample_splits_into_the_intended_sections(document: Document) -> None:
    intended = [re.sub(r"^\d+\.\s+", "", line) for line in _between("sections")]
    assert [s.title for s in document.sections] == intended
    assert not document.warnings
    kinds = Counter(block.kind for s in document.sections for block in s.blocks)
    assert kinds[BlockKind.TABLE_CELL] == 30  # the timeline: 10 rows x 3 columns
    assert kinds[BlockKind.LIST_ITEM] == 5 + 5 + 4 + 4
    timeline = next(s for s in document.sections if s.title == "Timeline of Events")
    assert all(b.table_cell for b in timeline.blocks if b.kind is BlockKind.TABLE_CELL)
    prevention = next(s for s in document.sections if s.title == "Preventative Actions")
    labels = [b.label for b in prevention.blocks if b.kind is BlockKind.LIST_ITEM]
    assert labels == ["1.", "2.", "3.", "4."]  # the second numbered list restarts


def test_offline_reviewer_finds_exactly_the_planted_problems(document: Document) -> None:
    reviewer = OfflineReviewer()

    async def review_all() -> list[tuple[str, str, str]]:
        found = []
        for section in document.sections:
            result = await reviewer.review_section(request_for(document, section.title))
            for draft in result.drafts:
                located = locate_quote(section, draft.quote)
                assert located.status is AnchorStatus.ANCHORED, draft
                assert not located.ambiguous, draft
                found.append((section.title, draft.origin, draft.quote))
        return found

    found = asyncio.run(review_all())
    expected = planted()
    assert len(expected) == 26
    assert Counter(found) == Counter(expected)


def test_committed_sample_matches_its_generator() -> None:
    # The generator is committed with the .docx; building again gives the same bytes.
    generator = runpy.run_path(str(sample_path().with_name("make_sample.py")))
    buffer = io.BytesIO()
    generator["build"]().save(buffer)
    assert generator["_reproducible_zip"](buffer.getvalue()) == sample_path().read_bytes()
