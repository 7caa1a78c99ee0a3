"""One document under review: its stored findings, the decision log, and export.

Shared by the CLI and the desktop app. Every decision is appended to the store (committed to
disk) before the in-memory state changes, so nothing acknowledged is ever lost.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from aiprism_desktop.core.anchoring import anchor_covers_quote, anchor_quote
from aiprism_desktop.core.codec import attempts_from_json
from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.errors import AIPrismError, DataFormatError
from aiprism_desktop.core.export.comment_text import export_items, titles_from_frameworks
from aiprism_desktop.core.export.docx_model import ExportSummary
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.export.report_common import ExportRecord, SectionProvenance
from aiprism_desktop.core.export.report_csv import write_csv_report
from aiprism_desktop.core.export.report_json import write_json_report
from aiprism_desktop.core.export.report_markdown import write_markdown_report
from aiprism_desktop.core.findings import Decision, DecisionEvent, Finding, OriginKind
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.core.reviewer import Attempt
from aiprism_desktop.store.records import DamagedEvent, SectionReviewRecord
from aiprism_desktop.store.store import Store

REPORT_SUFFIXES = (".json", ".csv", ".md")


class OutputPathError(AIPrismError):
    """An output path cannot be used (wrong kind of file, clash, would overwrite)."""

    code = "OUTPUT_PATH"


class ReportFormatError(OutputPathError):
    """A report was asked for in a format that does not exist."""

    code = "REPORT_FORMAT"


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
    with ``force``. Raises ``OutputPathError`` (``ReportFormatError`` for a report format).
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


async def review_framework_id(store: Store, document_id: str) -> str:
    """The framework the stored review of a document was made with ("" when unknown).

    The most recently reviewed section's framework; for reviews stored before that was
    recorded, the framework most of the AI/rule findings cite.
    """
    for record in reversed(await store.section_reviews(document_id)):
        if record.framework_id:
            return record.framework_id
    counts = Counter(
        f.framework_id
        for f in await store.findings(document_id)
        if f.origin_kind is not OriginKind.REVIEWER
    )
    return counts.most_common(1)[0][0] if counts else ""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote."""

    docx: ExportSummary
    reports: tuple[Path, ...]


class ReviewSession:
    """The review of one document: state folded from the store, decisions written through."""

    def __init__(self, store: Store, document: Document, framework: Framework) -> None:
        self.store = store
        self.document = document
        self.framework = framework
        self.state = ReviewState()
        self.damaged_events: tuple[DamagedEvent, ...] = ()
        self.section_reviews: dict[str, SectionReviewRecord] = {}

    @property
    def document_id(self) -> str:
        return self.document.sha256

    async def reload(self) -> ReviewState:
        """Rebuild the state from the stored findings and the whole decision log.

        Events that cannot be read back are left out of the state and listed in
        ``damaged_events`` (they stay in the log): one bad row must not lock the review.
        """
        findings = await self.store.findings(self.document_id)
        events, self.damaged_events = await self.store.readable_events(self.document_id)
        records = await self.store.section_reviews(self.document_id)
        self.section_reviews = {record.section_id: record for record in records}
        analyzed = frozenset(self.section_reviews)
        self.state = ReviewState.build(findings, events, analyzed_sections=analyzed)
        return self.state

    @property
    def attempt_logs(self) -> dict[str, tuple[Attempt, ...]]:
        """The stored attempt log of every reviewed section that has one."""
        logs: dict[str, tuple[Attempt, ...]] = {}
        for section_id, record in self.section_reviews.items():
            try:
                log = attempts_from_json(record.attempts_json)
            except DataFormatError:
                continue  # an unreadable log is left out of reports, never fatal
            if log:
                logs[section_id] = log
        return logs

    @property
    def provenance(self) -> dict[str, SectionProvenance]:
        """How each reviewed section was reviewed (framework, model, when)."""
        return {
            section_id: SectionProvenance(record.framework_id, record.model, record.reviewed_at)
            for section_id, record in self.section_reviews.items()
        }

    def section_of(self, finding_id: str) -> Section | None:
        """The section a finding belongs to, when it is still in the document."""
        section_id = self.state.get(finding_id).finding.section_id
        return next((s for s in self.document.sections if s.id == section_id), None)

    def edit(
        self, finding_id: str, changes: Mapping[str, Any], *, actor: str
    ) -> DecisionEvent | None:
        """The event of an edit; a changed quote is re-anchored in the finding's section."""
        return self.state.edit(
            finding_id, changes, actor=actor, section=self.section_of(finding_id)
        )

    async def record(self, event: DecisionEvent | None) -> DecisionEvent | None:
        """Commit a decision, then apply it; None (a no-op decision) records nothing."""
        if event is None:
            return None
        stored = await self.store.append(self.document_id, event)
        self.state = self.state.apply(stored)
        return stored

    async def accept_all_pending(self, actor: str) -> int:
        """Accept every pending AI/rule finding; return how many were accepted."""
        pending = [
            s.finding.id for s in self.state.finding_states() if s.decision is Decision.PENDING
        ]
        for finding_id in pending:
            await self.record(self.state.accept(finding_id, actor=actor))
        return len(pending)

    async def export(
        self,
        out: Path,
        *,
        reports: Sequence[Path] = (),
        tracked_changes: bool = False,
        attempts: Mapping[str, tuple[Attempt, ...]] | None = None,
    ) -> ExportResult:
        """Write the reviewed .docx with the accepted findings, plus any reports.

        ``attempts`` adds attempt logs of the current run (e.g. of sections that failed) to the
        stored ones. Reports describe what this export did with each finding.
        """
        for report in reports:
            check_report_format(report)
        findings = self._placeable(self.state.exported_findings())
        items = export_items(findings, titles_from_frameworks([self.framework]))
        summary = await asyncio.to_thread(
            export_reviewed_docx,
            self.document.path,
            self.document,
            items,
            out,
            tracked_changes=tracked_changes,
        )
        record = ExportRecord.of(summary, findings, tracked_changes=tracked_changes)
        logs = {**self.attempt_logs, **(attempts or {})}
        written = []
        for report in reports:
            written.append(await asyncio.to_thread(self._write_report, report, logs, record))
        return ExportResult(docx=summary, reports=tuple(written))

    def _placeable(self, findings: Sequence[Finding]) -> tuple[Finding, ...]:
        """Findings whose anchor still covers their quote; others are anchored again from the
        quote (or left unanchored), so a comment never lands on text it is not about."""
        sections = {s.id: s for s in self.document.sections}
        placeable = []
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
            placeable.append(finding)
        return tuple(placeable)

    def _write_report(
        self, path: Path, attempts: Mapping[str, tuple[Attempt, ...]], export: ExportRecord
    ) -> Path:
        suffix = path.suffix.lower()
        if suffix == ".json":
            return write_json_report(
                path,
                self.document,
                self.state,
                self.framework,
                attempts=attempts,
                export=export,
                provenance=self.provenance,
            )
        if suffix == ".csv":
            return write_csv_report(path, self.document, self.state, export=export)
        return write_markdown_report(path, self.document, self.state, self.framework)
