"""Exporting a review: the reviewed .docx with the accepted findings, and reports.

Output paths are checked before any time is spent on analysis; the export itself runs off the
event loop. Findings whose anchor no longer covers their quote are anchored again from the quote
(or left unanchored), so a comment never lands on text it is not about.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiprism_desktop.app.errors import OutputPathError, ReportFormatError
from aiprism_desktop.core.anchoring import anchor_covers_quote, anchor_quote
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.engine_events import RunFinished
from aiprism_desktop.core.export.comment_text import export_items, titles_from_frameworks
from aiprism_desktop.core.export.docx_model import ExportSummary
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.export.errors import ExportSourceChangedError
from aiprism_desktop.core.export.report_common import ExportRecord, SectionProvenance
from aiprism_desktop.core.export.report_csv import write_csv_report
from aiprism_desktop.core.export.report_json import write_json_report
from aiprism_desktop.core.export.report_markdown import write_markdown_report
from aiprism_desktop.core.findings import Finding
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.ooxml.legacy import LEGACY_FORMATS
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.core.reviewer import Attempt

if TYPE_CHECKING:
    from aiprism_desktop.app.export_worker import ExportWorker

REPORT_SUFFIXES = (".json", ".csv", ".md")


def check_report_format(report: Path) -> None:
    """``ReportFormatError`` unless the report's suffix names a format we write."""
    if report.suffix.lower() not in REPORT_SUFFIXES:
        raise ReportFormatError(
            f"Cannot write a report as '{report.name}': use .json, .csv or .md."
        )


def check_output_paths(
    document: Path, out: Path, reports: Sequence[Path] = (), *, force: bool = False
) -> None:
    """Refuse outputs that cannot work, before any time is spent on analysis.

    The reviewed document must be a .docx, reports .json/.csv/.md; no two outputs may be the
    same file and none may be the document under review; an existing file is only replaced
    with ``force``; the folder must be writable (or creatable). Raises ``OutputPathError``.
    """
    if out.suffix.lower() != ".docx":
        raise OutputPathError(f"The reviewed document must be saved as a .docx file, not '{out}'.")
    for report in reports:
        check_report_format(report)
    seen: dict[Path, Path] = {document.resolve(): document}
    for path in (out, *reports):
        resolved = path.resolve()
        if resolved in seen:
            clash = seen[resolved]
            what = "the document under review" if clash is document else f"'{clash}'"
            raise OutputPathError(f"'{path}' is the same file as {what}: choose another name.")
        seen[resolved] = path
        if path.is_dir():
            raise OutputPathError(f"'{path}' is a folder: give a file name.")
        if path.exists() and not force:
            raise OutputPathError(
                f"'{path}' already exists. Choose another name, or add --force to replace it."
            )
        _check_writable_folder(path)


def _check_writable_folder(path: Path) -> None:
    """The nearest existing folder of ``path`` must let us create files (it is created later)."""
    folder = path.resolve().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputPathError(f"Cannot save '{path}': '{folder}' is not a folder.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputPathError(
            f"Cannot save '{path}': the folder '{folder}' is read-only for you. "
            "Choose another folder."
        )


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote."""

    docx: ExportSummary
    reports: tuple[Path, ...]
    uploaded: tuple[str, ...] = ()  # S3 URIs, when uploaded


@dataclass(frozen=True, slots=True)
class ReviewSnapshot:
    """What an export needs of a review, taken at one moment (decisions keep coming)."""

    document: Document
    framework: Framework
    state: ReviewState
    attempts: Mapping[str, tuple[Attempt, ...]]
    provenance: Mapping[str, SectionProvenance]
    run: RunFinished | None = None  # the session's last analysis run, for the JSON report


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """A document named by its file and the hash of the bytes that were reviewed."""

    path: Path
    sha256: str

    def read(self) -> Document:
        document = read_document(self.path)
        if document.sha256 != self.sha256:
            raise ExportSourceChangedError(detail=str(self.path))
        return document


@dataclass(frozen=True, slots=True)
class ChildSnapshot:
    """A snapshot as it crosses to the export's child process (``ExportWorker``): without its
    parsed document, which the child reads again from the file. Pickling 300 pages takes ~55 ms
    of the window's GIL; reading them ~75 ms of the child's. A converted .doc/.rtf/.odt travels
    whole (converting it again would take seconds)."""

    document: Document | DocumentFile
    framework: Framework
    state: ReviewState
    attempts: Mapping[str, tuple[Attempt, ...]]
    provenance: Mapping[str, SectionProvenance]
    run: RunFinished | None

    @classmethod
    def of(cls, snapshot: ReviewSnapshot) -> ChildSnapshot:
        document: Document | DocumentFile = snapshot.document
        if snapshot.document.source_format not in LEGACY_FORMATS:
            document = DocumentFile(snapshot.document.path, snapshot.document.sha256)
        return cls(
            document,
            snapshot.framework,
            snapshot.state,
            snapshot.attempts,
            snapshot.provenance,
            snapshot.run,
        )

    def snapshot(self) -> ReviewSnapshot:
        """In the child: the snapshot with its document read again (refused if changed)."""
        document = self.document
        if isinstance(document, DocumentFile):
            document = document.read()
        return ReviewSnapshot(
            document, self.framework, self.state, self.attempts, self.provenance, self.run
        )


def write_export(
    snapshot: ReviewSnapshot,
    out: Path,
    reports: Sequence[Path] = (),
    tracked_changes: bool = False,
) -> ExportResult:
    """Write the reviewed .docx with the accepted findings, plus any reports (blocking: run it
    off the event loop; re-anchoring a thousand quotes is as much work as writing them)."""
    findings = placeable(snapshot.document, snapshot.state.exported_findings())
    items = export_items(findings, titles_from_frameworks([snapshot.framework]))
    summary = export_reviewed_docx(
        snapshot.document.path,
        snapshot.document,
        items,
        out,
        tracked_changes=tracked_changes,
    )
    record = ExportRecord.of(summary, findings, tracked_changes=tracked_changes)
    written = tuple(_write_report(report, snapshot, record) for report in reports)
    return ExportResult(docx=summary, reports=written)


async def export_review(
    snapshot: ReviewSnapshot,
    out: Path,
    *,
    reports: Sequence[Path] = (),
    tracked_changes: bool = False,
    worker: ExportWorker | None = None,
) -> ExportResult:
    """``write_export`` in ``worker``'s child process, or in a thread without one."""
    for report in reports:
        check_report_format(report)
    if worker is None:
        return await asyncio.to_thread(write_export, snapshot, out, tuple(reports), tracked_changes)
    child = ChildSnapshot.of(snapshot)
    return await worker.run(_write_export_in_child, child, out, tuple(reports), tracked_changes)


def _write_export_in_child(
    child: ChildSnapshot, out: Path, reports: Sequence[Path], tracked_changes: bool
) -> ExportResult:
    return write_export(child.snapshot(), out, reports, tracked_changes)


def placeable(document: Document, findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Findings whose anchor still covers their quote; others anchored again from the quote."""
    sections = {s.id: s for s in document.sections}
    result = []
    for finding in findings:
        section = sections.get(finding.section_id)
        anchor = finding.anchor
        stale = anchor is None or (
            section is not None and not anchor_covers_quote(section, anchor, finding.quote)
        )
        if section is not None and finding.quote.strip() and stale:
            hint = anchor.block_id if anchor is not None else None
            finding = replace(
                finding, anchor=anchor_quote(section, finding.quote, hint_block_id=hint)
            )
        result.append(finding)
    return tuple(result)


def _run_summary(run: RunFinished | None) -> dict[str, Any] | None:
    if run is None:
        return None
    summary: dict[str, Any] = asdict(run)
    summary["concurrency"] = dict(run.concurrency)
    return summary


def _write_report(path: Path, snapshot: ReviewSnapshot, export: ExportRecord) -> Path:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return write_json_report(
            path,
            snapshot.document,
            snapshot.state,
            snapshot.framework,
            attempts=snapshot.attempts,
            export=export,
            provenance=snapshot.provenance,
            run=_run_summary(snapshot.run),
        )
    if suffix == ".csv":
        return write_csv_report(path, snapshot.document, snapshot.state, export=export)
    return write_markdown_report(path, snapshot.document, snapshot.state, snapshot.framework)
