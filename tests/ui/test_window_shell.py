"""The window around the review: refused files say why, drag and drop, recent documents,
remembered layout, the command palette and the shortcuts list, accessible names, themes,
and errors with "Copy details"."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
)
from pytestqt.qtbot import QtBot

from aiprism_desktop.ui.app import open_window
from aiprism_desktop.ui.dialogs.error_dialog import ErrorDialog
from aiprism_desktop.ui.dialogs.shortcuts_dialog import ShortcutsDialog
from aiprism_desktop.ui.main_window import MainWindow
from aiprism_desktop.ui.widgets.command_palette import CommandPalette
from tests.ui.conftest import SAMPLE, close_window, run


def test_a_refused_file_shows_its_message_not_a_traceback(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"this is not a zip package")
    window.open_path(broken)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ErrorDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ErrorDialog)
    message = dialog.message.text()
    assert "Traceback" not in message
    assert message
    assert dialog.details_text.startswith("[DOC_")  # the stable code leads the details
    assert "Traceback" not in dialog.details_text  # a refusal, not a bug: no stack to read
    qtbot.mouseClick(dialog.copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.details_text
    assert dialog.copy.text() == "Copied"
    dialog.close()
    # The open document is still the sample.
    assert window.controller.session is not None
    assert window.controller.session.document.path.name == SAMPLE.name

    window.open_path(tmp_path / "notes.txt")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ErrorDialog))
    text = QApplication.activeModalWidget().message.text()  # type: ignore[union-attr]
    assert "not a Word document" in text
    QApplication.activeModalWidget().close()  # type: ignore[union-attr]


def test_drop_opens_a_document_and_it_is_listed_as_recent_next_time(
    qtbot: QtBot, qloop: object, data_dir: Path, tmp_path: Path
) -> None:
    window = run(qtbot, open_window(None, data_dir=data_dir))
    assert window.stack.currentWidget() is window.welcome
    assert not window.welcome.recent.isVisible()
    assert not window.registry["export"].isEnabled()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLE))])
    drop = QDropEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: window.controller.session is not None, timeout=30_000)
    assert window.stack.currentWidget() is window.tabs
    assert window.registry["export"].isEnabled()
    window.resize(760, 640)  # the offscreen screen is 800×800; Qt fits geometry to the screen
    window.docks["models"].hide()
    size = window.size()
    close_window(qtbot, window)

    again = run(qtbot, open_window(None, data_dir=data_dir))
    try:
        qtbot.waitUntil(lambda: again.welcome.recent.count() == 1)
        item = again.welcome.recent.item(0)
        assert str(SAMPLE) in item.text()
        assert again.size() == size
        assert not again.docks["models"].isVisible()
        again.welcome.recent.itemActivated.emit(item)
        qtbot.waitUntil(lambda: again.controller.session is not None, timeout=30_000)
    finally:
        close_window(qtbot, again)


def test_palette_runs_actions_by_name_and_help_lists_every_shortcut(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CommandPalette))
    palette = QApplication.activeModalWidget()
    assert isinstance(palette, CommandPalette)
    qtbot.keyClicks(palette.search, "dashboard")
    assert palette.proxy.rowCount() == 1
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.dashboard)
    qtbot.waitUntil(lambda: "findings" in window.dashboard.summary.text())

    window.registry["shortcuts"].trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ShortcutsDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ShortcutsDialog)
    cells = [[dialog.table.item(r, c) for c in (1, 2)] for r in range(dialog.table.rowCount())]
    listed = {name.text(): keys.text() for name, keys in cells if name and keys}
    assert len(listed) == len(window.registry.actions)
    for name, keys in {
        "&Accept finding": "A",
        "&Next finding": "J",
        "&Undo decision": "Ctrl+Z",
    }.items():
        assert listed[name] == keys
    dialog.close()


def test_every_control_has_an_accessible_name_and_the_theme_follows_the_setting(
    qtbot: QtBot, window: MainWindow
) -> None:
    unnamed = []
    for kind in (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QPlainTextEdit):
        for widget in window.findChildren(kind):
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            # Qt's own parts (toolbar extension button, table headers) speak for themselves.
            internal = widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView)
            named = widget.accessibleName() or text.strip()
            if widget.isVisibleTo(window) and not internal and not named:
                unnamed.append(f"{type(widget).__name__} {widget.objectName()}")
    assert unnamed == []

    services = window.controller.services
    assert services is not None
    run(qtbot, services.set_setting("ui.theme", "dark"))
    window_color = QApplication.palette().color(QPalette.ColorRole.Window)
    assert window_color.lightness() < 80
    assert window.theme.is_dark
    run(qtbot, services.set_setting("ui.theme", "light"))
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 200


def test_choosing_a_section_brings_its_first_finding_into_the_findings_panel(
    qtbot: QtBot, window: MainWindow
) -> None:
    session = window.controller.session
    assert session is not None
    window.controller.analyze()
    qtbot.waitUntil(lambda: not window.controller.analyzing, timeout=60_000)
    by_section: dict[str, list[str]] = {}
    for fid in window.findings.shown_ids():
        by_section.setdefault(session.state.get(fid).finding.section_id, []).append(fid)
    first, other = list(by_section)[:2]
    window.findings.select(by_section[first][0])
    window.navigator.activate(other)
    assert window.current_section == other
    assert window.findings.current_id() == by_section[other][0]
    detail = window.findings.detail.text.text()
    description = session.state.get(by_section[other][0]).finding.description
    assert description.split()[0] in detail  # the detail pane shows that finding, not the old one
    # A section without findings leaves the panel where it was.
    empty = next(s.id for s in session.document.sections if s.id not in by_section)
    window.navigator.activate(empty)
    assert window.current_section == empty
    assert window.findings.current_id() == by_section[other][0]


def test_the_window_takes_the_gil_back_within_a_millisecond(window: MainWindow) -> None:
    # Worker threads (reading, export) must not hold the window's loop up for the default 5 ms
    # at each of the dozens of times a turn of the loop takes the GIL back (bench/ui_latency).
    assert window.isVisible()
    assert sys.getswitchinterval() <= 0.001


def test_a_section_picked_as_the_document_opens_stays_shown(
    qtbot: QtBot, qloop: object, data_dir: Path
) -> None:
    """The first section is laid out a frame after the open: a section the reviewer picks in
    that frame must not be replaced by it."""
    window = run(qtbot, open_window(None, data_dir=data_dir))
    try:
        picked: list[str] = []

        def pick_third(session: object) -> None:
            section_id = window.controller.session.document.sections[2].id  # type: ignore[union-attr]
            window.navigator.activate(section_id)
            picked.append(section_id)

        window.controller.document_opened.connect(pick_third)
        window.open_path(SAMPLE)
        qtbot.waitUntil(lambda: bool(picked), timeout=30_000)
        qtbot.wait(200)  # well past the delayed first layout
        assert window.section_view.section is not None
        assert window.section_view.section.id == picked[0]
    finally:
        close_window(qtbot, window)
