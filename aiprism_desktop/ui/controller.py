"""The window's one link to the application layer: it opens the services and documents, runs
every verb of the open ``ReviewSession`` as a background task, and keeps the offline queue
draining. Widgets call these methods; what happened comes back through ``signals``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from aiprism_desktop.app import outbox
from aiprism_desktop.app.exporting import ExportResult
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.core.findings import DecisionEvent, Finding
from aiprism_desktop.core.reviewer import ChatEvent
from aiprism_desktop.store.records import StoredDocument
from aiprism_desktop.ui.signals import EventSignals
from aiprism_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

ServicesFactory = Callable[[], Awaitable[AppServices]]
ANALYZE = "analyze"


class ReviewController(QObject):
    """Services, the open document's session, and the tasks that run their verbs."""

    services_ready = Signal()
    document_opened = Signal(object)  # ReviewSession
    message = Signal(str)  # a short note for the status bar

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.signals = EventSignals(self)
        self.runner = TaskRunner(self)
        self.services: AppServices | None = None
        self.session: ReviewSession | None = None
        self._watch: asyncio.Task[None] | None = None

    # -- life cycle --------------------------------------------------------------------------
    async def start(
        self, open_services: ServicesFactory, *, watch_interval_s: float = 30.0
    ) -> None:
        """Open the services (store, settings, frameworks) and start draining the queue."""
        services = await open_services()
        self.services = services
        self.signals.attach_services(services)
        self.services_ready.emit()
        await services.publish_queue()
        self._watch = asyncio.ensure_future(
            outbox.watch(services, interval_s=watch_interval_s, refresh=self._refresh)
        )

    async def shutdown(self) -> None:
        """Cancel running work, close the session and the services (quitting)."""
        if self._watch is not None:
            self._watch.cancel()
        await self.runner.cancel_all()
        if self._watch is not None:
            await asyncio.gather(self._watch, return_exceptions=True)
        self.signals.detach()
        if self.session is not None:
            self.session.close()
            self.session = None
        if self.services is not None:
            services, self.services = self.services, None
            await services.close()

    def require_services(self) -> AppServices:
        if self.services is None:
            raise RuntimeError("the services are not open yet")
        return self.services

    def require_session(self) -> ReviewSession:
        if self.session is None:
            raise RuntimeError("no document is open")
        return self.session

    async def _refresh(self, document_id: str) -> None:
        if self.session is not None and self.session.document_id == document_id:
            await self.session.reload()

    # -- documents ---------------------------------------------------------------------------
    def open_document(self, path: Path) -> asyncio.Task[ReviewSession]:
        """Open a document and its stored review (zero provider calls)."""
        return self.runner.start(
            f"Opening {path.name}", self._open(path), name="open", done=self._opened
        )

    async def _open(self, path: Path) -> ReviewSession:
        return await ReviewSession.open(self.require_services(), path)

    def _opened(self, session: ReviewSession) -> None:
        if self.session is not None:
            self.runner.cancel(ANALYZE)
            self.session.close()
        self.session = session
        self.signals.attach_session(session)
        self.document_opened.emit(session)

    async def recent_documents(self) -> tuple[StoredDocument, ...]:
        return await self.require_services().store.recent_documents(10)

    # -- analysis ----------------------------------------------------------------------------
    @property
    def analyzing(self) -> bool:
        return self.runner.running(ANALYZE)

    def analyze(self, section_ids: Sequence[str] | None = None) -> asyncio.Task[Any] | None:
        """Review these sections (all when None); None when a run is already going."""
        if self.analyzing:
            self.message.emit("An analysis is already running.")
            return None
        session = self.require_session()
        return self.runner.start(
            "Analyzing the document", session.analyze(section_ids), name=ANALYZE
        )

    def cancel_analysis(self) -> bool:
        """Stop the run; the sections that finished are kept."""
        return self.runner.cancel(ANALYZE)

    # -- decisions ---------------------------------------------------------------------------
    def _decide(
        self, what: str, coroutine: Coroutine[Any, Any, DecisionEvent | None]
    ) -> asyncio.Task[DecisionEvent | None]:
        return self.runner.start(what, coroutine)

    def accept(self, finding_id: str) -> asyncio.Task[DecisionEvent | None]:
        return self._decide("Accepting the finding", self.require_session().accept(finding_id))

    def reject(self, finding_id: str, reason: str = "") -> asyncio.Task[DecisionEvent | None]:
        return self._decide(
            "Rejecting the finding", self.require_session().reject(finding_id, reason)
        )

    def revert(self, finding_id: str) -> asyncio.Task[DecisionEvent | None]:
        return self._decide("Reverting the decision", self.require_session().revert(finding_id))

    async def edit(self, finding_id: str, changes: Mapping[str, Any]) -> DecisionEvent | None:
        """Awaited by the edit dialog, which shows a refused value next to the field."""
        return await self.require_session().edit(finding_id, changes)

    async def add_comment(self, section_id: str, fields: Mapping[str, Any]) -> Finding:
        """Awaited by the comment dialog (a quote not found in the section is refused there)."""
        return await self.require_session().add_comment(section_id, fields)

    def delete_comment(self, finding_id: str) -> asyncio.Task[DecisionEvent | None]:
        return self._decide(
            "Deleting the comment", self.require_session().delete_comment(finding_id)
        )

    def undo(self) -> asyncio.Task[DecisionEvent | None]:
        return self._decide("Undoing", self.require_session().undo())

    def redo(self) -> asyncio.Task[DecisionEvent | None]:
        return self._decide("Redoing", self.require_session().redo())

    def decide_many(
        self, finding_ids: Sequence[str], action: str, reason: str = ""
    ) -> asyncio.Task[int]:
        session = self.require_session()
        return self.runner.start(
            f"Deciding {len(finding_ids)} findings",
            session.decide_many(list(finding_ids), action, reason=reason),
            done=lambda n: self.message.emit(f"{n} findings {action}ed."),
        )

    def revert_all(self) -> asyncio.Task[DecisionEvent | None]:
        return self._decide("Reverting every decision", self.require_session().revert_all())

    # -- chat and export ---------------------------------------------------------------------
    def chat(
        self, question: str, *, section_id: str | None, selection: str = ""
    ) -> AsyncGenerator[ChatEvent, None]:
        return self.require_session().chat(question, section_id=section_id, selection=selection)

    async def export(
        self, out: Path, *, reports: Sequence[Path], tracked_changes: bool, s3: bool
    ) -> ExportResult:
        """Awaited by the export dialog, which shows what was placed where."""
        return await self.require_session().export(
            out, reports=reports, tracked_changes=tracked_changes, s3=s3
        )
