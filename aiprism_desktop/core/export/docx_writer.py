"""Write the reviewed .docx: the original with each accepted finding as a Word comment.

Placement policy:

* A finding with an anchor is commented on exactly its quoted span (runs are split as needed,
  keeping their formatting), also across paragraphs when the anchor has an ``end_block_id``.
* A finding without a usable anchor (unanchored, or its anchor no longer fits the paragraph) is
  commented on a whole paragraph of its section: the section's heading paragraph when it has
  one with text (the comment then reads as "about this section"), else the section's first
  paragraph with text, else its first paragraph. These are counted as block-anchored in the summary.
* A finding about a footnote or endnote is commented on the note's reference mark in the main
  text, its comment opening with "On footnote N: “quote”" (comments inside notes make other
  readers, docx2python among them, lose every comment of the file). Counted as note-anchored.
* A finding about a page header or footer is commented in the body, on the first paragraph
  with text of the page section that shows that header first (Word ignores comments inside
  headers and footers), its comment opening with "On the page header: “quote”". Counted as
  header-anchored; a replacement it carries is never applied there.
* A finding whose section and paragraphs are not in the document is not placed anywhere; its id
  is listed in ``ExportSummary.unplaced_ids``. The same goes for a paragraph whose text no
  longer matches what the reviewer saw (a reader/writer disagreement): placing it would risk a
  comment on the wrong sentence.

Comment ids continue after the largest id already used, in one linear pass; existing comments
are left untouched. With ``tracked_changes=True``, a single-paragraph span whose finding has a
``replacement`` also becomes ``w:del`` + ``w:ins`` (see ``tracked_changes``); other findings
with a replacement keep only their comment and are listed as not applied.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from aiprism_desktop.core.document import Block, Document
from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.export import comment_xml as cx
from aiprism_desktop.core.export.comment_writer import CommentWriter, Placed
from aiprism_desktop.core.export.docx_model import ExportItem, ExportSummary, Placement
from aiprism_desktop.core.export.errors import (
    ExportSameAsSourceError,
    ExportSourceChangedError,
    ExportSourceInvalidError,
    ExportSourceMissingError,
    ExportTargetInvalidError,
)
from aiprism_desktop.core.export.package_writer import MAIN_CONTENT_TYPES, Package
from aiprism_desktop.core.export.placement import (
    HEADER_KINDS,
    Layout,
    Target,
    header_host,
    note_reference,
    story_root,
)
from aiprism_desktop.core.export.run_split import SplitError
from aiprism_desktop.core.export.tracked_changes import RevisionIds, apply_replacement
from aiprism_desktop.core.ooxml.legacy import LEGACY_FORMATS
from aiprism_desktop.core.ooxml.package import ConverterChoice, open_package_bytes
from aiprism_desktop.core.ooxml.repair import review_package_bytes

# Names Word would open expecting another format than the plain .docx the export writes.
_NOT_DOCX_SUFFIXES = frozenset({".docm", ".dotm", ".dotx", ".dot", ".doc"})


def word_timestamp(moment: datetime | None = None) -> str:
    """A ``w:date`` value as Word writes it: UTC, whole seconds, "Z"."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class _Counters:
    span: int = 0
    block_ids: list[str] = field(default_factory=list)
    note_ids: list[str] = field(default_factory=list)
    header_ids: list[str] = field(default_factory=list)
    unplaced_ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _check_paths(source: Path, out: Path) -> None:
    if not source.is_file():
        raise ExportSourceMissingError(detail=str(source))
    if out.is_dir():
        raise ExportTargetInvalidError(detail=str(out))
    if out.suffix.lower() in _NOT_DOCX_SUFFIXES:
        raise ExportTargetInvalidError(
            f"The reviewed copy is a Word document without macros (.docx), so Word would "
            f"refuse to open it as '{out.name}'. Choose a name ending in .docx.",
            detail=str(out),
        )
    same = out.resolve() == source.resolve()
    if not same and out.exists():
        try:
            same = os.path.samefile(out, source)
        except OSError:
            same = False
    if same:
        raise ExportSameAsSourceError(detail=str(out))


def _read_source(source: Path, document: Document, converter: ConverterChoice) -> bytes:
    """The package the reviewer saw: the source as read (repaired, in transitional names, or
    converted from a legacy format), checked to be the file that was reviewed."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ExportSourceMissingError(detail=f"{source}: {exc}") from None
    if document.sha256 and hashlib.sha256(data).hexdigest() != document.sha256:
        raise ExportSourceChangedError(detail=str(source))
    try:
        with open_package_bytes(source, data, converter=converter) as package:
            return review_package_bytes(package)
    except DocumentError as exc:
        raise ExportSourceInvalidError(detail=f"{exc.code}: {exc.detail or exc.message}") from None


def _place_all(
    items: Sequence[ExportItem], layout: Layout, writer: CommentWriter, counters: _Counters
) -> list[Placed]:
    placed: list[Placed] = []
    for item in items:
        finding = item.finding
        note = _note_placement(layout, item, writer.main_part)
        if note is not None:
            placed.append(writer.place_on_run(*note, writer.main_part))
            counters.note_ids.append(finding.id)
            continue
        header = _header_placement(layout, item, writer.main_part)
        if header is not None:
            about, host = header
            if host is None:
                counters.unplaced_ids.append(finding.id)
                counters.warnings.append(
                    f"{finding.id}: it is about a page header or footer, and the document body "
                    "has no paragraph to hold its comment (Word shows none inside headers)"
                )
                continue
            paragraph = layout.paragraphs(host.part)[host.start_index]
            entry = writer.place(about, host, paragraph, paragraph)
            entry.single_paragraph = False  # a replacement never applies to the host paragraph
            placed.append(entry)
            counters.header_ids.append(finding.id)
            continue
        target = layout.span_target(finding.anchor) if finding.anchor is not None else None
        if target is not None:
            paragraphs = layout.paragraphs(target.part)
            start_p, end_p = paragraphs[target.start_index], paragraphs[target.end_index]
            if start_p is not end_p and story_root(start_p) is not story_root(end_p):
                counters.warnings.append(
                    f"{finding.id}: the quote runs out of a text box; the comment covers the "
                    "part inside it"
                )
                start_block = layout.blocks[target.block_ids[0]]
                target = Target(
                    target.part,
                    target.start_index,
                    target.start_offset,
                    target.start_index,
                    len(start_block.text),
                    Placement.SPAN,
                    (start_block.id, start_block.id),
                )
                end_p = start_p
            try:
                placed.append(writer.place(item, target, start_p, end_p))
                counters.span += 1
                continue
            except SplitError as exc:
                counters.warnings.append(f"{finding.id}: quote could not be placed ({exc})")
        elif finding.anchor is not None:
            counters.warnings.append(
                f"{finding.id}: its anchor does not match the document; commented on the "
                "paragraph instead"
            )
        fallback = layout.block_target(finding.section_id)
        if fallback is None:
            counters.unplaced_ids.append(finding.id)
            continue
        paragraph = layout.paragraphs(fallback.part)[fallback.start_index]
        placed.append(writer.place(item, fallback, paragraph, paragraph))
        counters.block_ids.append(finding.id)
    return placed


def _block_of(layout: Layout, item: ExportItem) -> Block | None:
    """The block a finding is about: its anchor's, else its section's first with text."""
    finding = item.finding
    block = layout.blocks.get(finding.anchor.block_id) if finding.anchor is not None else None
    if block is None:
        section = layout.sections.get(finding.section_id)
        block = next((b for b in section.blocks if b.text.strip()), None) if section else None
    return block


def _saying_where(item: ExportItem, where: str) -> ExportItem:
    """The item with its comment opening on what it is about: 'On footnote 3: “quote”'."""
    quote = item.finding.quote
    about = f"{where}: “{quote}”" if quote else where
    return replace(item, comment_text=f"{about}\n{item.comment_text}")


def _note_placement(
    layout: Layout, item: ExportItem, main_part: str
) -> tuple[ExportItem, etree._Element] | None:
    """For a finding about a footnote or endnote: the note's reference run, and the comment
    text saying which note and what text it is about. None for every other finding."""
    block = _block_of(layout, item)
    run = note_reference(layout, block, main_part) if block is not None else None
    if block is None or run is None:
        return None
    return _saying_where(item, f"On {block.kind.value} {block.label}".rstrip()), run


def _header_placement(
    layout: Layout, item: ExportItem, main_part: str
) -> tuple[ExportItem, Target | None] | None:
    """For a finding about a page header or footer: the body paragraph that hosts its comment
    (``placement.header_host``; None when the body has no paragraph at all), and the comment
    text naming and quoting the header. None for every other finding."""
    block = _block_of(layout, item)
    if block is None or block.kind not in HEADER_KINDS:
        return None
    host = header_host(layout, block, main_part)
    return _saying_where(item, f"On the page {block.kind.value}"), host


def _apply_replacements(
    placed: list[Placed], package: Package, parts: set[str], writer: CommentWriter, date: str
) -> tuple[int, list[str]]:
    candidates = [p for p in placed if p.item.finding.replacement is not None]
    if not candidates:
        return 0, []
    used = cx.all_ids_in(writer.root)
    for part in parts:
        used.extend(cx.all_ids_in(package.xml(part)))
    ids = RevisionIds(max(cx.max_numeric_id(used), writer.next_id) + 1)
    applied = 0
    not_applied: list[str] = []
    for entry in candidates:
        finding = entry.item.finding
        replacement = finding.replacement or ""
        ok = entry.single_paragraph and apply_replacement(
            entry.start,
            entry.end,
            replacement,
            ids=ids,
            author=entry.item.comment_author,
            date=date,
        )
        if ok:
            applied += 1
        else:
            not_applied.append(finding.id)
    return applied, not_applied


def export_reviewed_docx(
    source: Path,
    document: Document,
    items: Sequence[ExportItem],
    out: Path,
    *,
    tracked_changes: bool = False,
    now: str | None = None,
    converter: ConverterChoice = "auto",
) -> ExportSummary:
    """Write ``out``: ``source`` with one Word comment per item. See the module docstring.

    Raises an ``ExportError`` subclass (stable ``code``) when the export cannot be written;
    ``out`` is then left as it was. ``converter`` converts a legacy source again, as the reader
    did ("auto": LibreOffice, which keeps the last conversions in memory).
    """
    source, out = Path(source), Path(out)
    _check_paths(source, out)
    package = Package.open(_read_source(source, document, converter))
    main_part = package.main_part()
    source_format = MAIN_CONTENT_TYPES.get(package.content_type(main_part) or "", "docx")
    if document.source_format in LEGACY_FORMATS:
        source_format = document.source_format
    macros_removed = package.make_plain_docx(main_part)
    date = now or word_timestamp()

    layout = Layout(document, package)
    writer = CommentWriter(package, main_part, date)
    counters = _Counters()
    placed = _place_all(items, layout, writer, counters)
    writer.flush()
    touched_parts = {entry.part for entry in placed}
    for part in touched_parts:
        package.mark_dirty(part)
    replaceable = [p.item.finding.id for p in placed if p.item.finding.replacement is not None]
    applied, not_applied = 0, replaceable
    if tracked_changes:
        applied, not_applied = _apply_replacements(placed, package, touched_parts, writer, date)
    if source_format != "docx":
        counters.warnings.append(
            f"The reviewed copy is a plain .docx (the original is a .{source_format}"
            + (", converted by LibreOffice)" if source_format in LEGACY_FORMATS else ")")
            + ("; its macros were removed." if macros_removed else ".")
        )
    package.write_atomically(out)
    return ExportSummary(
        output=out,
        comments_added=len(placed),
        span_anchored=counters.span,
        block_anchored=len(counters.block_ids),
        existing_comments=writer.existing,
        block_anchored_ids=tuple(counters.block_ids),
        note_anchored_ids=tuple(counters.note_ids),
        header_anchored_ids=tuple(counters.header_ids),
        unplaced_ids=tuple(counters.unplaced_ids),
        replacements_applied=applied,
        replacements_not_applied_ids=tuple(not_applied),
        macros_removed=macros_removed,
        source_format=source_format,
        warnings=tuple(counters.warnings),
    )
