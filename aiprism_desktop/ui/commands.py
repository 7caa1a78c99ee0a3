"""Every command of the window: its name, menu, shortcut and icon, and the controller verb it
runs. Keyboard-first: a whole document can be decided without the mouse (J/K, A, R, E, U,
Ctrl+Z, Ctrl+Shift+Z, Ctrl+Enter, F, Ctrl+K)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from aiprism_desktop.app.insights import activity_rows, write_activity_csv
from aiprism_desktop.core.findings import Decision
from aiprism_desktop.ui.actions import Command
from aiprism_desktop.ui.dialogs.export_dialog import ExportDialog
from aiprism_desktop.ui.dialogs.finding_dialogs import ReasonDialog, comment_dialog, edit_dialog
from aiprism_desktop.ui.dialogs.settings_dialog import SettingsDialog
from aiprism_desktop.ui.dialogs.shortcuts_dialog import ShortcutsDialog
from aiprism_desktop.ui.main_window import MainWindow
from aiprism_desktop.ui.widgets.command_palette import CommandPalette

COMMANDS = (
    Command("open", "&Open…", "File", "Ctrl+O", "folder-open", "Open a Word document"),
    Command("export", "&Export…", "File", "Ctrl+E", "file-down", "Write the reviewed document"),
    Command("settings", "&Settings…", "File", "Ctrl+,", "settings"),
    Command("quit", "&Quit", "File", "Ctrl+Q"),
    Command("undo", "&Undo decision", "Edit", "Ctrl+Z", "undo-2"),
    Command("redo", "&Redo decision", "Edit", "Ctrl+Shift+Z", "redo-2"),
    Command("palette", "Command &palette…", "Edit", "Ctrl+K", "command"),
    Command("filter", "&Filter findings", "Edit", "F", "filter"),
    Command("analyze_section", "Analyze this &section", "Review", "Ctrl+Return", "play"),
    Command("analyze_selected", "Analyze selected sections", "Review", "Ctrl+Shift+Return"),
    Command("analyze_all", "Analyze &all sections", "Review", "Ctrl+Alt+Return", "sparkles"),
    Command("cancel", "&Cancel analysis", "Review", "Ctrl+.", "square"),
    Command("next", "&Next finding", "Review", "J"),
    Command("previous", "&Previous finding", "Review", "K"),
    Command("accept", "&Accept finding", "Review", "A", "check"),
    Command("reject", "&Reject finding…", "Review", "R", "x"),
    Command("edit", "&Edit finding…", "Review", "E", "pencil"),
    Command("revert", "Re&vert decision", "Review", "U", "rotate-ccw"),
    Command("comment", "Add co&mment on selection…", "Review", "Ctrl+Alt+M", "message-square-plus"),
    Command("delete_comment", "&Delete own comment", "Review", "Del", "trash-2"),
    Command("accept_shown", "Accept every finding shown", "Review", "Ctrl+Shift+A", "list-checks"),
    Command("reject_shown", "Reject every finding shown…", "Review", "Ctrl+Shift+R"),
    Command("revert_all", "Revert every decision…", "Review"),
    Command("dashboard", "&Dashboard", "View", "Ctrl+D", "chart-column"),
    Command("document", "D&ocument", "View", "Ctrl+1", "file-text"),
    Command("chat", "Ask the &chat", "View", "Ctrl+L", "message-square"),
    Command("shortcuts", "&Keyboard shortcuts", "Help", "F1", "keyboard"),
    Command("about", "&About AI-Prism", "Help"),
)
TOOLBAR = ("open", "analyze_all", "cancel", "undo", "redo", "export", "dashboard", "settings")


def install_commands(w: MainWindow) -> None:
    """Create every action, the menus and the toolbar of ``w``."""
    w.theme_changed.connect(lambda theme: w.registry.apply_icons(theme.text))
    c = w.controller
    f = w.findings

    def current() -> str:
        return f.current_id()

    def back_to_list(dialog: QDialog) -> None:
        """After a dialog, the keys go to the findings list again (J / K / A …)."""

        def refocus(_result: int) -> None:
            w.activateWindow()
            f.view.setFocus()

        dialog.finished.connect(refocus)
        dialog.open()

    def with_finding(run: object) -> None:
        finding_id = current()
        if not finding_id:
            w.status.showMessage("Select a finding first (J / K).", 4000)
            return
        run(finding_id)  # type: ignore[operator]

    def decide_now(decision: Decision) -> None:
        """Accept or revert: the card shows it at once; the store confirms (or the error is
        shown and the card goes back)."""

        def run(finding_id: str) -> None:
            w.findings_model.expect(finding_id, decision)
            f.refresh_detail()
            verb = c.accept if decision is Decision.ACCEPTED else c.revert
            task = verb(finding_id)
            task.add_done_callback(lambda _t: w.findings_model.settle(finding_id))

        with_finding(run)

    def reject() -> None:
        def ask(finding_id: str) -> None:
            dialog = ReasonDialog("Reject finding", w)
            dialog.accepted.connect(lambda: c.reject(finding_id, dialog.text()))
            back_to_list(dialog)

        with_finding(ask)

    def edit() -> None:
        def open_edit(finding_id: str) -> None:
            session = c.require_session()
            dialog = edit_dialog(
                session.state.get(finding_id).finding,
                session.framework,
                lambda values: c.edit(finding_id, values),
                w,
            )
            back_to_list(dialog)

        with_finding(open_edit)

    def comment(quote: str | None = None) -> None:
        text = quote if quote is not None else w.section_view.selected_text()
        section_id = w.current_section
        if not section_id:
            return
        if not text:
            w.status.showMessage("Select the text to comment on in the section first.", 5000)
        session = c.require_session()
        dialog = comment_dialog(
            text, session.framework, lambda fields: c.add_comment(section_id, fields), w
        )
        back_to_list(dialog)

    def bulk(action: str) -> None:
        ids = f.shown_ids()
        if not ids:
            return
        if action == "accept":
            c.decide_many(ids, "accept")
            return
        dialog = ReasonDialog(f"Reject {len(ids)} findings", w)
        dialog.accepted.connect(lambda: c.decide_many(ids, "reject", dialog.text()))
        back_to_list(dialog)

    def revert_all() -> None:
        answer = QMessageBox.question(
            w,
            "Revert every decision",
            "Set every AI and rule finding back to pending? Your own comments stay. "
            "Undo brings the decisions back.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            c.revert_all()

    def analyze_section() -> None:
        if w.current_section:
            c.analyze([w.current_section])

    def export() -> None:
        session = c.require_session()
        services = c.require_services()
        dialog = ExportDialog(
            session.document.path,
            lambda out, reports, tracked, s3: c.export(
                out, reports=reports, tracked_changes=tracked, s3=s3
            ),
            s3_bucket=str(services.settings["aws.s3_bucket"]),
            parent=w,
        )
        w.export_dialog = dialog
        dialog.open()

    def settings() -> None:
        dialog = SettingsDialog(c.require_services(), w)
        w.settings_dialog = dialog
        dialog.finished.connect(lambda _r: setattr(w, "settings_dialog", None))
        dialog.open()

    def palette() -> None:
        dialog = CommandPalette(list(w.registry.actions.values()), w)
        w.command_palette = dialog
        dialog.open()

    def shortcuts() -> None:
        ShortcutsDialog(w.registry.shortcuts(), w).open()

    def about() -> None:
        QMessageBox.about(
            w,
            "About AI-Prism",
            "AI-Prism Desktop reviews Word documents section by section and writes your "
            "accepted findings back as Word comments.<br>Icons: Lucide (ISC licence).",
        )

    def show_chat() -> None:
        w.docks["chat"].show()
        w.docks["chat"].raise_()
        w.focus_widget(w.chat.question)

    def select_step(delta: int) -> None:
        if not f.step(delta):
            w.status.showMessage("No more findings that way.", 2000)
        f.view.setFocus()

    handlers = {
        "open": w.choose_document,
        "export": export,
        "settings": settings,
        "quit": w.close,
        "undo": c.undo,
        "redo": c.redo,
        "palette": palette,
        "filter": lambda: w.focus_widget(f.search),
        "analyze_section": analyze_section,
        "analyze_selected": lambda: c.analyze(w.navigator.selected_ids() or None),
        "analyze_all": lambda: c.analyze(None),
        "cancel": c.cancel_analysis,
        "next": lambda: select_step(1),
        "previous": lambda: select_step(-1),
        "accept": lambda: decide_now(Decision.ACCEPTED),
        "reject": reject,
        "edit": edit,
        "revert": lambda: decide_now(Decision.PENDING),
        "comment": comment,
        "delete_comment": lambda: with_finding(c.delete_comment),
        "accept_shown": lambda: bulk("accept"),
        "reject_shown": lambda: bulk("reject"),
        "revert_all": revert_all,
        "dashboard": lambda: w.tabs.setCurrentWidget(w.dashboard),
        "document": lambda: w.tabs.setCurrentWidget(w.section_view),
        "chat": show_chat,
        "shortcuts": shortcuts,
        "about": about,
    }
    for command in COMMANDS:
        w.registry.add(command, handlers[command.key])

    menus = {}
    for group in ("File", "Edit", "Review", "View", "Help"):
        menus[group] = w.menuBar().addMenu(f"&{group}")
        for action in w.registry.in_group(group):
            menus[group].addAction(action)
    menus["View"].addSeparator()
    for dock in w.docks.values():
        menus["View"].addAction(dock.toggleViewAction())
    for key in TOOLBAR:
        w.toolbar.addAction(w.registry[key])
    w.status.cancel_clicked.connect(c.cancel_analysis)
    w.section_view.comment_requested.connect(comment)
    f.bulk_requested.connect(bulk)
    d = f.detail
    d.accept_clicked.connect(lambda: decide_now(Decision.ACCEPTED))
    d.reject_clicked.connect(reject)
    d.edit_clicked.connect(edit)
    d.revert_clicked.connect(lambda: decide_now(Decision.PENDING))
    d.delete_clicked.connect(lambda: with_finding(c.delete_comment))
    w.activity.export_requested.connect(lambda: _export_activity(w))
    w.dashboard.export_requested.connect(lambda: _export_statistics(w))
    w.registry.apply_icons(w.theme.text)
    w.set_document_actions(False)


def _export_activity(w: MainWindow) -> None:
    session = w.controller.session
    if session is None:
        return
    path, _ = QFileDialog.getSaveFileName(
        w, "Export the activity log", f"{session.document.path.stem}.activity.csv", "CSV (*.csv)"
    )
    if path:
        rows = activity_rows(session.state)
        w.controller.runner.start(
            "Exporting the activity log",
            asyncio.to_thread(write_activity_csv, Path(path), rows),
            done=lambda p: w.status.showMessage(f"Activity log written to {p}.", 8000),
        )


def _export_statistics(w: MainWindow) -> None:
    import json

    session = w.controller.session
    if session is None:
        return
    path, _ = QFileDialog.getSaveFileName(
        w, "Export the statistics", f"{session.document.path.stem}.statistics.json", "JSON (*.json)"
    )
    if path:
        text = json.dumps(session.statistics().to_dict(), indent=2, ensure_ascii=False)
        w.controller.runner.start(
            "Exporting the statistics",
            asyncio.to_thread(Path(path).write_text, text, "utf-8"),
            done=lambda _n: w.status.showMessage(f"Statistics written to {path}.", 8000),
        )
