"""One document under review: its stored findings, the decision log, and export.

Shared by the CLI and the desktop app. Every decision is appended to the store (committed to
disk) before the in-memory state changes, so nothing acknowledged is ever lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.errors import AIPrismError
from aiprism_desktop.core.export.comment_text import export_items, titles_from_frameworks
from aiprism_desktop.core.export.docx_model import ExportSummary
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.export.report_csv import write_csv_report
from aiprism_desktop.core.export.report_json import write_json_report
from aiprism_desktop.core.export.report_markdown import write_markdown_report
from aiprism_desktop.core.findings import Decision, DecisionEvent
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.providers.base import Attempt
from aiprism_desktop.store.store import Store

REPORT_SUFFIXES = (".json", ".csv", ".md")


class ReportFormatError(AIPrismError):
    """A report was asked for in a format that does not exist."""

    code = "REPORT_FORMAT"


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

    @property
    def document_id(self) -> str:
        return self.document.sha256

    async def reload(self) -> ReviewState:
        """Rebuild the state from the stored findings and the whole decision log."""
        findings = await self.store.findings(self.document_id)
        events = await self.store.events(self.document_id)
        analyzed = await self.store.reviewed_sections(self.document_id)
        self.state = ReviewState.build(findings, events, analyzed_sections=analyzed)
        return self.state

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
        """Write the reviewed .docx with the accepted findings, plus any reports."""
        for report in reports:
            if report.suffix.lower() not in REPORT_SUFFIXES:
                raise ReportFormatError(
                    f"Cannot write a report as '{report.name}': use .json, .csv or .md."
                )
        items = export_items(
            self.state.exported_findings(), titles_from_frameworks([self.framework])
        )
        summary = await asyncio.to_thread(
            export_reviewed_docx,
            self.document.path,
            self.document,
            items,
            out,
            tracked_changes=tracked_changes,
        )
        written = []
        for report in reports:
            written.append(await asyncio.to_thread(self._write_report, report, attempts))
        return ExportResult(docx=summary, reports=tuple(written))

    def _write_report(self, path: Path, attempts: Mapping[str, tuple[Attempt, ...]] | None) -> Path:
        suffix = path.suffix.lower()
        if suffix == ".json":
            return write_json_report(
                path, self.document, self.state, self.framework, attempts=attempts
            )
        if suffix == ".csv":
            return write_csv_report(path, self.document, self.state)
        return write_markdown_report(path, self.document, self.state, self.framework)
