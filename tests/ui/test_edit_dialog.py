"""Edit (E): every field in a form, checked when saved; a refused value is said in the dialog,
which stays open. Delete removes an own comment; undo brings it back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from aiprism_desktop.ui.dialogs.finding_dialogs import AsyncFormDialog
from aiprism_desktop.ui.main_window import MainWindow


def test_edit_checks_the_values_and_changes_the_finding(qtbot: QtBot, window: MainWindow) -> None:
    session = window.controller.session
    assert session is not None
    window.registry["analyze_all"].trigger()
    qtbot.waitUntil(lambda: len(session.state.analyzed_sections) == len(session.document.sections))
    qtbot.waitUntil(lambda: window.findings_model.rowCount() > 0)
    window.activateWindow()
    window.findings.view.setFocus()
    qtbot.keyClick(window.findings.view, Qt.Key.Key_J)
    finding_id = window.findings.current_id()
    qtbot.keyClick(window.findings.view, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AsyncFormDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, AsyncFormDialog)
    fields = {e.accessibleName(): e for e in dialog.findChildren(QPlainTextEdit)}
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)

    fields["Description"].setPlainText("   ")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.error.isHidden())
    assert "description" in dialog.error.text().lower()
    assert dialog.isVisible()

    fields["Description"].setPlainText("Say which log shows the first alert.")
    fields["Questions"].setPlainText("Which log?\nWho read it?")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    edited = session.state.get(finding_id)
    assert edited.finding.description == "Say which log shows the first alert."
    assert edited.finding.questions == ("Which log?", "Who read it?")
    assert edited.is_edited
    assert "Say which log" in window.findings.detail.text.text()

    # Undo puts the original wording back.
    window.registry["undo"].trigger()
    qtbot.waitUntil(lambda: not session.state.get(finding_id).is_edited)
