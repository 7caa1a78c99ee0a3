"""One open document: its review, every verb a reviewer uses on it, and the events they cause.

A front end holds one ``ReviewSession`` per open document and only translates clicks or
arguments into its verbs. Every decision is committed to the store before the in-memory review
changes; findings of a section that finishes analysing are applied by the session itself, under
the same lock as decisions, so a decision can never be lost between disk and memory.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from aiprism_desktop.app import chat as chat_turns
from aiprism_desktop.app.comments import build_reviewer_comment
from aiprism_desktop.app.event_hub import EventHub
from aiprism_desktop.app.events import AppEvent, DecisionApplied, ReviewChanged
from aiprism_desktop.app.exporting import ExportResult, ReviewSnapshot, export_review
from aiprism_desktop.app.section_status import SectionActivity, SectionStatus, section_status
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.stored_review import stored_framework
from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.codec import attempts_from_json, attempts_to_json
from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.errors import AIPrismError, DataFormatError
from aiprism_desktop.core.export.report_common import SectionProvenance
from aiprism_desktop.core.findings import Decision, DecisionEvent, Finding, utc_now
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.core.reviewer import Attempt, ChatEvent
from aiprism_desktop.core.statistics import ReviewStatistics, statistics
from aiprism_desktop.store.records import ChatRecord, DamagedEvent, SectionReviewRecord

log = logging.getLogger(__name__)


class ReviewSession:
    """The review of one document, decisions written through, analysis applied in place."""

    def __init__(
        self,
        services: AppServices,
        document: Document,
        framework: Framework,
        *,
        actor: str | None = None,
    ) -> None:
        self.services = services
        self.document = document
        self.framework = framework
        self.state = ReviewState()
        self.damaged_events: tuple[DamagedEvent, ...] = ()
        self.section_reviews: dict[str, SectionReviewRecord] = {}
        self.activity: dict[str, SectionActivity] = {}
        self.notes: list[str] = []  # things the reviewer should know about this review
        self.last_run: ev.RunFinished | None = None
        self.events = EventHub()
        self._actor = actor
        self._lock = asyncio.Lock()
        self._stop_relay = services.events.subscribe(self.events.publish)

    @classmethod
    async def open(
        cls,
        services: AppServices,
        path: Path,
        *,
        framework_id: str | None = None,
        actor: str | None = None,
    ) -> ReviewSession:
        """Open a document and its stored review (zero provider calls).

        Without ``framework_id``, the framework the document was reviewed with (or the
        configured one, with a note when that framework is no longer installed).
        """
        await services.load_frameworks()
        document = await services.open_document(path)
        notes: list[str] = []
        if framework_id is not None:
            framework = services.framework(framework_id)
        else:
            framework = await stored_framework(services, document, notes)
        session = cls(services, document, framework, actor=actor)
        session.notes.extend(notes)
        await session.reload()
        return session

    def close(self) -> None:
        """Stop relaying application events (the session's own listeners stay)."""
        self._stop_relay()

    @property
    def document_id(self) -> str:
        return self.document.sha256

    @property
    def actor(self) -> str:
        """Who decides: the name given when opening, else the configured reviewer name."""
        return self._actor or self.services.settings.reviewer_name

    def subscribe(self, listener: Callable[[AppEvent], None]) -> Callable[[], None]:
        """Hear every event of this document and of the application."""
        return self.events.subscribe(listener)

    # -- loading ----------------------------------------------------------------------------
    async def reload(self) -> ReviewState:
        """Rebuild the review from the store (under the decisions lock).

        Events that cannot be read back are left out and listed in ``damaged_events``; they
        stay in the log: one bad row must not lock the review.
        """
        async with self._lock:
            store = self.services.store
            findings = await store.findings(self.document_id)
            events, self.damaged_events = await store.readable_events(self.document_id)
            records = await store.section_reviews(self.document_id)
            pending = await store.pending()
            queued = {i.section_id for i in pending if i.document_id == self.document_id}
            self.section_reviews = {record.section_id: record for record in records}
            live = {k: a for k, a in self.activity.items() if a.kind != "queued"}
            self.activity = {**{s: SectionActivity("queued") for s in queued}, **live}
            analyzed = frozenset(self.section_reviews)
            self.state = ReviewState.build(findings, events, analyzed_sections=analyzed)
        self.events.publish(ReviewChanged(self.document_id, ()))
        return self.state

    # -- queries ----------------------------------------------------------------------------
    def section(self, section_id: str) -> Section:
        """A section of the document by id (``KeyError`` when there is none)."""
        return self.document.section(section_id)

    def section_of(self, finding_id: str) -> Section | None:
        """The section a finding belongs to, when it is still in the document."""
        section_id = self.state.get(finding_id).finding.section_id
        return next((s for s in self.document.sections if s.id == section_id), None)

    def section_status(self, section_id: str) -> SectionStatus:
        """What the navigator shows for a section right now."""
        return section_status(self.state, section_id, self.activity.get(section_id))

    @property
    def attempt_logs(self) -> dict[str, tuple[Attempt, ...]]:
        """The attempt log of every reviewed section that has one (failed runs included)."""
        logs: dict[str, tuple[Attempt, ...]] = {}
        for section_id, record in self.section_reviews.items():
            try:
                log_ = attempts_from_json(record.attempts_json)
            except DataFormatError:
                continue  # an unreadable log is left out of reports, never fatal
            if log_:
                logs[section_id] = log_
        for section_id, activity in self.activity.items():
            if activity.attempts:
                logs[section_id] = activity.attempts
        return logs

    @property
    def provenance(self) -> dict[str, SectionProvenance]:
        """How each reviewed section was reviewed (framework, model, when)."""
        return {
            section_id: SectionProvenance(record.framework_id, record.model, record.reviewed_at)
            for section_id, record in self.section_reviews.items()
        }

    def statistics(self) -> ReviewStatistics:
        """Counts by risk, type, category, origin, decision and section."""
        return statistics(self.state, self.document)

    # -- analysis ---------------------------------------------------------------------------
    async def analyze(
        self,
        section_ids: Sequence[str] | None = None,
        *,
        use_cache: bool = True,
        provider: str | None = None,
        region: str | None = None,
        concurrency: int | None = None,
    ) -> ev.RunFinished:
        """Review the given sections (all when None). Cancel the awaiting task to stop: the
        sections that finished are kept. Unreachable provider: sections are queued."""
        services = self.services
        async with services.use_reviewer(
            provider, region=region, concurrency=concurrency
        ) as reviewer:
            engine = services.engine(reviewer, self.framework, concurrency=concurrency)
            try:
                run = await engine.analyze(
                    self.document, section_ids, on_event=self._on_engine_event, use_cache=use_cache
                )
            finally:
                for activity in self.activity.values():
                    activity.model = ""  # nothing is analysing any more
        self.last_run = run
        if run.queued:
            await services.publish_queue()
        return run

    async def _on_engine_event(self, event: ev.EngineEvent) -> None:
        if isinstance(event, ev.SectionFinished | ev.SectionSkipped):
            await self._apply_finished(event)
        else:
            self._track(event)
        self.events.publish(event)
        if isinstance(event, ev.SectionFinished | ev.SectionSkipped):
            self.events.publish(ReviewChanged(self.document_id, (event.section_id,)))

    def _track(self, event: ev.EngineEvent) -> None:
        """Live per-section state for the navigator (analysing which model, queued, failed)."""
        if isinstance(event, ev.SectionStarted):
            self.activity[event.section_id] = SectionActivity("analyzing")
        elif isinstance(event, ev.SectionAttemptStarted):
            activity = self.activity.setdefault(event.section_id, SectionActivity("analyzing"))
            activity.model = event.display_name or event.model
        elif isinstance(event, ev.SectionAttemptEnded):
            activity = self.activity.setdefault(event.section_id, SectionActivity("analyzing"))
            activity.attempts = (*activity.attempts, event.attempt)
        elif isinstance(event, ev.SectionQueued):
            self.activity[event.section_id] = SectionActivity("queued", error=event.error)
        elif isinstance(event, ev.SectionFailed):
            previous = self.activity.get(event.section_id)
            attempts = event.attempts or (previous.attempts if previous else ())
            self.activity[event.section_id] = SectionActivity(
                "failed", error=event.error, attempts=attempts
            )

    async def _apply_finished(self, event: ev.SectionFinished | ev.SectionSkipped) -> None:
        findings = event.findings if isinstance(event, ev.SectionFinished) else ()
        model = event.model if isinstance(event, ev.SectionFinished) else ""
        attempts = event.attempts if isinstance(event, ev.SectionFinished) else ()
        async with self._lock:
            self.state = self.state.replace_section_findings(event.section_id, findings)
            self.section_reviews[event.section_id] = SectionReviewRecord(
                event.section_id, self.framework.id, model, attempts_to_json(attempts), utc_now()
            )
            self.activity.pop(event.section_id, None)

    # -- decisions --------------------------------------------------------------------------
    async def _decide(
        self, make: Callable[[ReviewState], DecisionEvent | None]
    ) -> DecisionEvent | None:
        """Compute a decision on the current review, commit it, then apply it (one at a time).

        None when the decision would change nothing (nothing is recorded).
        """
        async with self._lock:
            event = make(self.state)
            if event is None:
                return None
            stored = await self.services.store.append(self.document_id, event)
            self.state = self.state.apply(stored)
        self.events.publish(DecisionApplied(self.document_id, stored))
        return stored

    async def accept(self, finding_id: str) -> DecisionEvent | None:
        return await self._decide(lambda s: s.accept(finding_id, actor=self.actor))

    async def reject(self, finding_id: str, reason: str = "") -> DecisionEvent | None:
        return await self._decide(lambda s: s.reject(finding_id, actor=self.actor, reason=reason))

    async def revert(self, finding_id: str) -> DecisionEvent | None:
        return await self._decide(lambda s: s.revert(finding_id, actor=self.actor))

    async def edit(self, finding_id: str, changes: Mapping[str, Any]) -> DecisionEvent | None:
        """Change fields (Finding values); a changed quote is re-anchored in its section."""
        return await self._decide(
            lambda s: s.edit(
                finding_id, changes, actor=self.actor, section=self.section_of(finding_id)
            )
        )

    async def add_comment(self, section_id: str, fields: Mapping[str, Any]) -> Finding:
        """Add the reviewer's own comment (JSON field values; ``description`` required).

        Adding the same comment again changes nothing (its id comes from its content).
        """
        finding = build_reviewer_comment(
            self.section(section_id), fields, self.framework, self.actor
        )
        await self._decide(
            lambda s: None if s.contains(finding.id) else s.add_comment(finding, actor=self.actor)
        )
        return self.state.get(finding.id).finding

    async def delete_comment(self, finding_id: str) -> DecisionEvent | None:
        return await self._decide(lambda s: s.delete_comment(finding_id, actor=self.actor))

    async def undo(self) -> DecisionEvent | None:
        return await self._decide(lambda s: s.undo(actor=self.actor) if s.can_undo else None)

    async def redo(self) -> DecisionEvent | None:
        return await self._decide(lambda s: s.redo(actor=self.actor) if s.can_redo else None)

    async def revert_all(self) -> DecisionEvent | None:
        """Every AI/rule decision back to pending; the reviewer's own comments stay."""
        return await self._decide(lambda s: s.revert_all(actor=self.actor))

    async def decide_many(
        self, finding_ids: Sequence[str], action: str, *, reason: str = ""
    ) -> int:
        """Accept or reject several findings (a filtered set) as one decision, undone as one;
        return how many changed."""
        decisions = {"accept": Decision.ACCEPTED, "reject": Decision.REJECTED}
        if action not in decisions:
            raise AIPrismError(f"Cannot apply '{action}' to several findings at once.")
        event = await self._decide(
            lambda s: s.decide_many(finding_ids, decisions[action], actor=self.actor, reason=reason)
        )
        return len(event.after) if event is not None else 0

    async def accept_all_pending(self) -> int:
        """Accept every pending AI/rule finding; return how many were accepted."""
        pending = [
            s.finding.id for s in self.state.finding_states() if s.decision is Decision.PENDING
        ]
        return await self.decide_many(pending, "accept")

    async def record(self, event: DecisionEvent | None) -> DecisionEvent | None:
        """Commit a decision computed elsewhere (a decisions file checked as a whole)."""
        return await self._decide(lambda _state: event)

    # -- chat -------------------------------------------------------------------------------
    async def chat_history(self, limit: int = chat_turns.HISTORY_TURNS) -> tuple[ChatRecord, ...]:
        """The latest turns of this document's chat, oldest first."""
        return await self.services.store.chat_history(self.document_id, limit)

    def chat(
        self,
        question: str,
        *,
        section_id: str | None = None,
        selection: str = "",
        provider: str | None = None,
        region: str | None = None,
    ) -> AsyncGenerator[ChatEvent, None]:
        """Stream an answer; the question and the answer (or what arrived before a stop) join
        the document's chat history."""
        return chat_turns.ask(
            self.services,
            self.document,
            self.framework,
            question,
            section_id=section_id,
            selection=selection,
            provider=provider,
            region=region,
        )

    # -- export -----------------------------------------------------------------------------
    def snapshot(self, attempts: Mapping[str, tuple[Attempt, ...]] | None = None) -> ReviewSnapshot:
        return ReviewSnapshot(
            self.document,
            self.framework,
            self.state,
            {**self.attempt_logs, **(attempts or {})},
            self.provenance,
            self.last_run,
        )

    async def export(
        self,
        out: Path,
        *,
        reports: Sequence[Path] = (),
        tracked_changes: bool = False,
        s3: bool = False,
    ) -> ExportResult:
        """Write the reviewed .docx and reports; with ``s3``, upload them to the bucket."""
        result = await export_review(
            self.snapshot(),
            out,
            reports=reports,
            tracked_changes=tracked_changes,
            worker=self.services.export_worker,
        )
        if not s3:
            return result
        await asyncio.to_thread(importlib.import_module, "aiprism_desktop.aws.s3_export")
        from aiprism_desktop.aws.s3_export import aexport_to_s3

        uploaded = await aexport_to_s3(
            await self.services.aws_session(),
            self.services.aws_settings(),
            [result.docx.output, *result.reports],
            document_stem=self.document.path.stem,
            document_sha256=self.document_id,
        )
        return ExportResult(result.docx, result.reports, tuple(uploaded.uris))
