"""Keeps every panel in step with the review: the application's events (as Qt signals) and the
reviewer's navigation (a section chosen, a finding selected, a highlight clicked). Decisions
update their card at once; the heavier views (navigator, section text, activity, dashboard)
follow a moment later, so a keypress is never kept waiting."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from aiprism_desktop.app import events as ev
from aiprism_desktop.app import models as models_view
from aiprism_desktop.app.attempt_text import LiveAttempts, attempt_log_lines, model_label
from aiprism_desktop.app.insights import activity_rows, decision_timeline, rates_by_origin
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.core.findings import Action, DecisionEvent
from aiprism_desktop.ui import theme as themes
from aiprism_desktop.ui.main_window import MainWindow
from aiprism_desktop.ui.memory import freeze_long_lived

FOLLOW_MS = 40  # the heavier views follow a burst of events after this pause
FIRST_SECTION_DELAY_MS = 20  # about one frame: the page paints before the long layout


class ReviewPresenter(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.controller = window.controller
        self.live: dict[str, LiveAttempts] = {}
        self.model_names: dict[str, str] = {}
        self._dirty_sections: set[str] = set()
        self._follow = QTimer(self)
        self._follow.setSingleShot(True)
        self._follow.timeout.connect(self._catch_up)
        c, s = self.controller, self.controller.signals
        c.services_ready.connect(self._services_ready)
        c.document_opened.connect(self._document_opened)
        c.message.connect(lambda text: window.status.showMessage(text, 6000))
        c.runner.busy_changed.connect(
            lambda _busy: window.registry["cancel"].setEnabled(c.analyzing)
        )
        s.review_changed.connect(self._review_changed)
        s.decision_applied.connect(self._decision_applied)
        s.run_started.connect(self._run_started)
        s.section_started.connect(lambda e: self._section_activity(e.section_id))
        s.attempt_started.connect(self._attempt_started)
        s.attempt_ended.connect(self._attempt_ended)
        for signal in (s.section_queued, s.section_failed, s.section_skipped):
            signal.connect(lambda e: self._section_activity(e.section_id))
        s.progress.connect(window.status.set_progress)
        s.run_finished.connect(self._run_finished)
        s.queue_changed.connect(window.status.set_queue)
        s.model_status_changed.connect(lambda _m: self._refresh_models())
        s.settings_changed.connect(self.settings_changed)
        window.navigator.section_selected.connect(self._section_chosen)
        window.findings.current_changed.connect(self._finding_selected)
        window.section_view.finding_clicked.connect(self.select_finding)
        window.section_view.analyze_requested.connect(
            lambda: self.w.current_section and c.analyze([self.w.current_section])
        )
        window.docks["models"].visibilityChanged.connect(self._models_visibility)
        window.docks["activity"].visibilityChanged.connect(
            lambda visible: self._refresh_activity() if visible else None
        )
        window.tabs.currentChanged.connect(lambda _i: self._refresh_dashboard())
        window.theme_changed.connect(lambda _theme: self.refresh_all())
        chat = window.chat
        chat.ask = lambda q, where: c.chat(
            q, section_id=where, selection=window.section_view.selected_text()
        )
        chat.add_finding = lambda fields: c.add_comment(self.w.current_section, fields)
        chat.section_id = lambda: self.w.current_section or None
        chat.model_name = lambda key: model_label(key, self.model_names)
        window.models_panel.load = lambda: models_view.models(c.require_services())
        window.models_panel.enable = lambda key: models_view.enable_model(c.require_services(), key)

    @property
    def session(self) -> ReviewSession | None:
        return self.controller.session

    # -- services and documents --------------------------------------------------------------
    def _services_ready(self) -> None:
        self.settings_changed(("review.provider", "ui.theme"))

        async def recent() -> None:
            self.w.welcome.set_recent(await self.controller.recent_documents())

        self.controller.runner.start("Listing recent documents", recent())

    def _document_opened(self, session: ReviewSession) -> None:
        w = self.w
        document = session.document
        w.setWindowTitle(f"{document.path.name} — AI-Prism")
        w.stack.setCurrentWidget(w.tabs)
        w.set_document_actions(True)
        w.findings.detail.framework = session.framework
        w.sections_model.set_document(document)
        self._reload_findings()
        self.live.clear()
        first = document.sections[0].id if document.sections else ""
        w.navigator.select(first)

        # The first section's text is laid out a frame later, after the page has painted: a
        # 0 ms timer ran before that paint, in the same turn of the loop, and a long section
        # (setHtml ~20 ms) plus the first paint (~30 ms) stalled the window 20-48 ms; now
        # 9-24 ms (bench/ui_latency.py). Meanwhile the reviewer may have picked another
        # section (or opened another document): what the navigator shows then is shown.
        def show_chosen() -> None:
            if self.session is session:
                self.show_section(w.navigator.current_id() or first)

        QTimer.singleShot(FIRST_SECTION_DELAY_MS, show_chosen)
        self._mark(())
        opened = f"Opened {document.path.name}: {len(document.sections)} sections."
        w.status.showMessage(" ".join([opened, *session.notes]), 15000 if session.notes else 0)
        freeze_long_lived()

        async def history() -> None:
            w.chat.show_history(await session.chat_history(50))

        self.controller.runner.start("Reading the chat history", history())

    def _reload_findings(self) -> None:
        session = self.session
        if session is None:
            return
        keep = self.w.findings.current_id()
        order = [(s.id, s.title) for s in session.document.sections]
        self.w.findings_model.reload(order)
        categories = sorted({s.finding.category for s in session.state.finding_states()})
        self.w.findings.set_categories(categories)
        if keep:
            self.w.findings.select(keep, quietly=True)  # a reload must not move the reviewer

    # -- review events -----------------------------------------------------------------------
    def _review_changed(self, section_ids: tuple[str, ...]) -> None:
        self._reload_findings()
        self._mark(section_ids or tuple(self.w.sections_model.section_ids()))

    def _decision_applied(self, event: DecisionEvent) -> None:
        session = self.session
        if session is None:
            return
        if event.action in (Action.ADD, Action.DELETE, Action.RESTORE):
            self._reload_findings()
        else:
            ids = list(event.after) if not event.finding_id else [event.finding_id]
            self.w.findings_model.update(ids)
        self.w.findings.refresh_detail()
        target = event.finding.id if event.finding is not None else event.finding_id
        sections = set()
        for finding_id in [target] if target else list(event.after):
            if session.state.contains(finding_id):
                sections.add(session.state.get(finding_id).finding.section_id)
        self._mark(tuple(sections))

    def _mark(self, section_ids: tuple[str, ...]) -> None:
        self._dirty_sections.update(section_ids)
        self._follow.start(FOLLOW_MS)

    def _catch_up(self) -> None:
        dirty, self._dirty_sections = self._dirty_sections, set()
        self.w.sections_model.refresh(dirty)
        if self.w.current_section in dirty:
            self.show_section(self.w.current_section)
        self._refresh_activity()
        self._refresh_dashboard()

    def _refresh_activity(self) -> None:
        session = self.session
        if session is not None and self._shown("activity"):
            self.w.activity.set_rows(activity_rows(session.state))

    def _refresh_dashboard(self) -> None:
        session = self.session
        if session is None or self.w.tabs.currentWidget() is not self.w.dashboard:
            return
        self.w.dashboard.show_statistics(
            session.statistics(), decision_timeline(session.state), rates_by_origin(session.state)
        )

    def refresh_all(self) -> None:
        """Everything again (the theme changed)."""
        if self.session is not None:
            self.w.sections_model.refresh()
            self.show_section(self.w.current_section)
            self._refresh_dashboard()
        self.w.findings.view.viewport().update()

    # -- analysis events ---------------------------------------------------------------------
    def _run_started(self, event: ev.RunStarted) -> None:
        self.live.clear()
        self.w.status.set_running(True, event.total)
        self.w.status.set_live(f"Reviewing {event.total} sections with {event.provider}…")

    def _section_activity(self, section_id: str) -> None:
        self.w.sections_model.refresh([section_id])
        if section_id == self.w.current_section:
            self._show_status()

    def _attempt_started(self, event: ev.SectionAttemptStarted) -> None:
        if event.display_name:
            self.model_names[event.model] = event.display_name
        text = self.live.setdefault(event.section_id, LiveAttempts()).started(
            event.model, event.display_name
        )
        self.w.status.set_live(f"{self._title(event.section_id)}: {text}")
        self._section_activity(event.section_id)

    def _attempt_ended(self, event: ev.SectionAttemptEnded) -> None:
        live = self.live.setdefault(event.section_id, LiveAttempts(dict(self.model_names)))
        text = live.ended(event.attempt)
        if event.attempt.outcome != "ok":
            self.w.status.set_live(f"{self._title(event.section_id)}: {text}")

    def _run_finished(self, event: ev.RunFinished) -> None:
        self.w.status.set_running(False)
        plural = "" if event.finished == 1 else "s"
        parts = [f"{event.finished} section{plural} reviewed"] if event.finished else []
        if event.cached:
            parts.append(f"{event.cached} from earlier runs")
        if event.failed:
            parts.append(f"{event.failed} failed")
        if event.queued:
            parts.append(f"{event.queued} queued until the reviewer is reachable")
        verb = {"cancelled": "Cancelled", "failed": "Failed"}.get(event.status, "Done")
        summary = ", ".join(parts) or "nothing to review"
        self.w.status.showMessage(f"{verb}: {summary}.", 15000)
        self._mark(tuple(self.w.sections_model.section_ids()))
        freeze_long_lived()  # the review's findings and the provider's clients stay

    def _title(self, section_id: str) -> str:
        session = self.session
        try:
            return session.section(section_id).title if session else section_id
        except KeyError:
            return section_id

    # -- navigation --------------------------------------------------------------------------
    def show_section(self, section_id: str) -> None:
        session = self.session
        if session is None or not section_id:
            return
        try:
            section = session.section(section_id)
        except KeyError:
            return
        self.w.current_section = section_id
        findings = session.state.findings_in(section_id)
        self.w.section_view.show_section(
            section,
            findings,
            session.section_status(section_id),
            session.document.comments,
            self._attempt_lines(section_id),
        )

    def _section_chosen(self, section_id: str) -> None:
        """A section picked in the navigator: the findings panel follows to its first finding
        (quietly), so the panel never details a finding of another section than the one shown."""
        self.show_section(section_id)
        session = self.session
        if session is None:
            return
        panel = self.w.findings

        def in_section(finding_id: str) -> bool:
            return (
                session.state.contains(finding_id)
                and session.state.get(finding_id).finding.section_id == section_id
            )

        if in_section(panel.current_id()):
            return
        first = next((fid for fid in panel.shown_ids() if in_section(fid)), None)
        if first is not None:
            panel.select(first, quietly=True)

    def _attempt_lines(self, section_id: str) -> list[str]:
        session = self.session
        if session is None or session.section_status(section_id).kind != "failed":
            return []
        return attempt_log_lines(session.attempt_logs.get(section_id, ()), self.model_names)

    def _show_status(self) -> None:
        session = self.session
        if session is not None and self.w.current_section:
            self.w.section_view.show_status(
                session.section_status(self.w.current_section),
                self._attempt_lines(self.w.current_section),
            )

    def _finding_selected(self, finding_id: str) -> None:
        session = self.session
        if session is None or not finding_id or not session.state.contains(finding_id):
            return
        section_id = session.state.get(finding_id).finding.section_id
        if section_id != self.w.current_section:
            self.show_section(section_id)
            self.w.navigator.select(section_id)
        self.w.section_view.flash(finding_id)

    def select_finding(self, finding_id: str) -> None:
        """A highlight was clicked: make its finding current (clearing filters that hide it)."""
        if not self.w.findings.select(finding_id):
            for combo in self.w.findings.combos.values():
                combo.setCurrentIndex(0)
            self.w.findings.search.clear()
            self.w.findings.select(finding_id)

    # -- models and settings -----------------------------------------------------------------
    def _shown(self, dock: str) -> bool:
        """On screen (a dock tabbed behind another counts as visible to Qt, not to us)."""
        widget = self.w.docks[dock]
        return widget.isVisible() and not widget.visibleRegion().isEmpty()

    def _models_visibility(self, visible: bool) -> None:
        # Checked once the docks have settled: a dock tabbed behind another says "visible"
        # for a moment while the window is shown, and the chain needs the AWS SDK.
        if visible:
            QTimer.singleShot(0, self._refresh_models)

    def _refresh_models(self) -> None:
        if self._shown("models") and self.controller.services is not None:
            self.w.models_panel.refresh()

    def settings_changed(self, keys: tuple[str, ...]) -> None:
        services = self.controller.services
        if services is None:
            return
        provider = str(services.settings["review.provider"])
        self.w.status.set_provider(f"Reviewer: {provider}")
        if "ui.theme" in keys:
            theme = themes.resolve(str(services.settings["ui.theme"]))
            if theme is not self.w.theme:
                self.w.apply_theme(theme)
        if any(k.startswith(("aws.", "bedrock.", "review.provider")) for k in keys):
            self._refresh_models()
        dialog = getattr(self.w, "settings_dialog", None)
        if dialog is not None:
            dialog.refresh_values(keys)
