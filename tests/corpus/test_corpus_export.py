"""Every corpus file either exports a valid reviewed copy or is refused with a DocumentError.

For each file ``read_document`` reads, one test finding per block of the main document part
(at most 200, blocks with text) is anchored on the block's whole text with ``anchor_quote`` and
exported; the output must re-open in python-docx, docx2python and our own reader with exactly
the existing comments plus one new comment per finding, each new comment anchored on its
block's text (findings about footnotes/endnotes: on the note's reference mark in the main
text; about headers/footers: on a body paragraph, naming the header), and the blocks
themselves unchanged. Reading, anchoring and export take under 10 s per
file.

The corpus is found by ``tests.corpus.locate``.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import docx
import pytest
from docx2python import docx2python

from aiprism_desktop.core.anchoring import AnchorStatus, locate_quote
from aiprism_desktop.core.document import BlockKind, Document
from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.export.comment_text import AI_AUTHOR, export_items
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.findings import Finding, FindingType, Risk
from aiprism_desktop.core.ooxml.legacy import LEGACY_FORMATS
from aiprism_desktop.core.ooxml.reader import read_document
from tests.corpus.locate import corpus_files, require_corpus
from tests.support.fixtures_hostile import STRESS_CASES

pytestmark = pytest.mark.slow

MAX_FINDINGS = 200
# A hang guard, not a speed target (bench/document.py measures speed): generous enough for a
# loaded 2-core CI machine, far below what a quadratic walk of these files would take.
TIME_LIMIT_S = 60.0
NOW = "2025-01-02T03:04:05Z"


def _test_findings(document: Document) -> list[Finding]:
    findings: list[Finding] = []
    for section in document.sections:
        for block in section.blocks:
            if len(findings) >= MAX_FINDINGS:
                return findings
            if not block.text.strip():
                continue
            result = locate_quote(section, block.text, hint_block_id=block.id)
            assert result.status is AnchorStatus.ANCHORED, (block.id, block.text[:80])
            assert result.anchor is not None
            assert result.anchor.block_id == block.id
            findings.append(
                Finding(
                    id=f"corpus-{len(findings)}",
                    section_id=section.id,
                    origin="rule:corpus-test",
                    type=FindingType.SUGGESTION,
                    risk=Risk.LOW,
                    category="Corpus",
                    description=f"Block {block.id}",
                    quote=block.text,
                    anchor=result.anchor,
                )
            )
    return findings


def _docx2python_comments(path: Path) -> list[tuple[str, str, str, str]] | str:
    """The comments docx2python reads, or a description of how it fails on this file."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with docx2python(path) as result:
                comments = [tuple(c) for c in result.comments]
        except Exception as exc:  # a third-party reader's own limits, compared below
            return f"error {type(exc).__name__}"
    if any("comment_ranges and comment_elements" in str(w.message) for w in caught):
        return "unpaired comment ranges"
    return comments  # type: ignore[return-value]


def _load_or_refusal(source: Path) -> Document | DocumentError:
    """The document, or the DocumentError it was refused with (anything else propagates)."""
    try:
        return read_document(source)
    except DocumentError as exc:
        return exc


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_file_exports_or_is_refused(name: str, tmp_path: Path) -> None:
    _check_exports_or_is_refused(require_corpus(name), tmp_path)


@pytest.mark.parametrize("case", sorted(STRESS_CASES))
def test_generated_large_file_exports(case: str, tmp_path: Path) -> None:
    """The generated 50,000-paragraph, 2,000-row-table and 300-page files, same checks."""
    source = STRESS_CASES[case](tmp_path / f"{case}.docx")
    assert _check_exports_or_is_refused(source, tmp_path) is not None


def _check_exports_or_is_refused(source: Path, tmp_path: Path) -> Document | None:
    """Export one test comment per block and verify it; None when the file was refused."""
    started = time.perf_counter()
    document = _load_or_refusal(source)
    if isinstance(document, DocumentError):
        assert document.code != DocumentError.code, f"refusal without a specific code: {document!r}"
        assert document.message
        return None
    findings = _test_findings(document)
    out = tmp_path / "reviewed.docx"
    summary = export_reviewed_docx(source, document, export_items(findings), out, now=NOW)
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_LIMIT_S, f"{elapsed:.1f} s"

    existing = len(document.comments)
    assert summary.existing_comments == existing
    notes = set(summary.note_anchored_ids)
    in_notes = {
        f.id
        for f in findings
        if f.anchor is not None
        and document.block(f.anchor.block_id).kind in (BlockKind.FOOTNOTE, BlockKind.ENDNOTE)
    }
    assert notes == in_notes
    headers = set(summary.header_anchored_ids)
    about_headers = {
        f.id
        for f in findings
        if f.anchor is not None
        and document.block(f.anchor.block_id).kind in (BlockKind.HEADER, BlockKind.FOOTER)
    }
    # A document whose body has no paragraph at all cannot host them (Word shows no comment
    # inside a header): they are reported unplaced, nothing else is.
    assert headers | set(summary.unplaced_ids) == about_headers
    if headers:
        assert not summary.unplaced_ids
    findings = [f for f in findings if f.id not in summary.unplaced_ids]
    placed = summary.span_anchored + len(notes) + len(headers)
    assert placed == summary.comments_added == len(findings)
    assert summary.block_anchored == 0

    # python-docx: exactly the existing comments plus ours, ours in order.
    comments = list(docx.Document(str(out)).comments)
    assert len(comments) == existing + len(findings)
    ours = comments[existing:]
    assert [c.author for c in ours] == [AI_AUTHOR] * len(findings)
    for comment, finding in zip(ours, findings, strict=True):
        if finding.id in notes:  # opens with the note it is about ("On footnote 3: “…”")
            assert comment.text.startswith(("On footnote", "On endnote"))
            assert finding.description in comment.text.split("\n")
        elif finding.id in headers:  # in the body: "On the page header: “…”"
            assert comment.text.startswith(("On the page header", "On the page footer"))
            assert finding.description in comment.text.split("\n")
        else:
            assert comment.text.split("\n")[1] == finding.description

    # docx2python: the same, or no worse than on the original where it cannot read comments.
    before = _docx2python_comments(source)
    after = _docx2python_comments(out)
    if document.source_format in LEGACY_FORMATS:  # docx2python reads no .doc: the copy is new
        before = []
    if isinstance(before, list):
        assert isinstance(after, list), after
        assert after[:existing] == before
        assert len(after) == existing + len(findings)
        assert [c[1] for c in after[existing:]] == [AI_AUTHOR] * len(findings)
        assert all(c[2] == NOW for c in after[existing:])
    else:
        assert after == before

    # Our reader: blocks untouched, each new comment anchored on its whole block text.
    reread = read_document(out)
    blocks_before = [(b.id, b.text) for s in document.sections for b in s.blocks]
    blocks_after = [(b.id, b.text) for s in reread.sections for b in s.blocks]
    assert blocks_after == blocks_before
    assert reread.comments[:existing] == document.comments
    new_comments = reread.comments[existing:]
    for reread_comment, finding in zip(new_comments, findings, strict=True):
        anchored = reread_comment.anchored_text
        if finding.id in notes:  # on the reference mark: no text, or a short custom mark ("*")
            assert len(anchored.strip("\u200e\u200f\u202a\u202b\u202c")) <= 3, anchored
        elif finding.id in headers:  # on a whole body paragraph, checked by the export tests
            continue
        else:
            assert anchored == finding.quote.strip()
    return document
