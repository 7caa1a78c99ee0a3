"""The one adapter between the application's event stream and Qt: it listens to the services and
to the open document's session and re-emits every event as a typed signal (composition: neither
the session nor the services know about Qt)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from aiprism_desktop.app import events as ev
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.session import ReviewSession

# Events that belong to the application, not to one document (heard from the services; the
# session relays them too, so they are ignored there to arrive once).
_APP_EVENTS = (ev.ModelStatusChanged, ev.QueueChanged, ev.SettingsChanged)


class EventSignals(QObject):
    """Typed Qt signals for every application event."""

    run_started = Signal(object)  # RunStarted
    section_started = Signal(object)  # SectionStarted
    attempt_started = Signal(object)  # SectionAttemptStarted
    attempt_ended = Signal(object)  # SectionAttemptEnded
    section_finished = Signal(object)  # SectionFinished
    section_skipped = Signal(object)  # SectionSkipped
    section_queued = Signal(object)  # SectionQueued
    section_failed = Signal(object)  # SectionFailed
    progress = Signal(int, int)  # done, total
    run_finished = Signal(object)  # RunFinished
    decision_applied = Signal(object)  # DecisionEvent
    review_changed = Signal(tuple)  # section ids (empty: the whole review)
    model_status_changed = Signal(str)
    queue_changed = Signal(int)
    settings_changed = Signal(tuple)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop_app: Callable[[], None] | None = None
        self._stop_session: Callable[[], None] | None = None

    def attach_services(self, services: AppServices) -> None:
        self._stop_app = services.events.subscribe(self._on_app_event)

    def attach_session(self, session: ReviewSession | None) -> None:
        """Listen to this document's session (and stop listening to the previous one)."""
        if self._stop_session is not None:
            self._stop_session()
            self._stop_session = None
        if session is not None:
            self._stop_session = session.subscribe(self._on_session_event)

    def detach(self) -> None:
        self.attach_session(None)
        if self._stop_app is not None:
            self._stop_app()
            self._stop_app = None

    def _on_app_event(self, event: ev.AppEvent) -> None:
        if isinstance(event, ev.ModelStatusChanged):
            self.model_status_changed.emit(event.model)
        elif isinstance(event, ev.QueueChanged):
            self.queue_changed.emit(event.pending)
        elif isinstance(event, ev.SettingsChanged):
            self.settings_changed.emit(event.keys)

    def _on_session_event(self, event: ev.AppEvent) -> None:
        if isinstance(event, _APP_EVENTS):
            return
        if isinstance(event, ev.Progress):
            self.progress.emit(event.done, event.total)
        elif isinstance(event, ev.DecisionApplied):
            self.decision_applied.emit(event.event)
        elif isinstance(event, ev.ReviewChanged):
            self.review_changed.emit(event.section_ids)
        else:
            signal = {
                ev.RunStarted: self.run_started,
                ev.SectionStarted: self.section_started,
                ev.SectionAttemptStarted: self.attempt_started,
                ev.SectionAttemptEnded: self.attempt_ended,
                ev.SectionFinished: self.section_finished,
                ev.SectionSkipped: self.section_skipped,
                ev.SectionQueued: self.section_queued,
                ev.SectionFailed: self.section_failed,
                ev.RunFinished: self.run_finished,
            }.get(type(event))
            if signal is not None:
                signal.emit(event)
