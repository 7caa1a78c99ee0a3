"""A whole review in the real window, offline reviewer: open the sample, analyze all, decide
every finding by keyboard only, undo/redo, an own comment on a selection, export — and the
exported .docx holds exactly the accepted findings on their quotes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from aiprism_desktop.core.findings import Decision
from aiprism_desktop.ui.dialogs.finding_dialogs import AsyncFormDialog, ReasonDialog
from aiprism_desktop.ui.main_window import MainWindow
from tests.support.export_factory import docx2python_comments

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, modifiers: object = None) -> None:
    target = QApplication.focusWidget() or window
    if modifiers is None:
        qtbot.keyClick(target, key)
    else:
        qtbot.keyClick(target, key, modifiers)


def decisions(window: MainWindow) -> dict[str, Decision]:
    session = window.controller.session
    assert session is not None
    return {s.finding.id: s.decision for s in session.state.finding_states()}


def decided(window: MainWindow, finding_id: str, wanted: Decision) -> Callable[[], bool]:
    return lambda: decisions(window)[finding_id] is wanted


def test_keyboard_only_review_then_export_holds_exactly_the_accepted_findings(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    session = window.controller.session
    assert session is not None
    assert window.stack.currentWidget() is window.tabs
    window.activateWindow()
    window.findings.view.setFocus()

    # Analyze all (Ctrl+Alt+Enter); every section ends reviewed.
    press(qtbot, window, Qt.Key.Key_Return, CTRL | ALT)
    qtbot.waitUntil(lambda: not window.controller.analyzing, timeout=60_000)
    sections = session.document.sections
    qtbot.waitUntil(lambda: len(session.state.analyzed_sections) == len(sections))
    total = window.findings_model.rowCount()
    assert total > 10
    assert window.findings.count.text() == f"{total} of {total} findings shown"

    # J through every finding: accept, reject with a reason, or leave one pending.
    expected: dict[str, Decision] = {}
    for n in range(total):
        press(qtbot, window, Qt.Key.Key_J)
        finding_id = window.findings.current_id()
        assert finding_id
        assert finding_id not in expected
        if n % 3 == 1:
            press(qtbot, window, Qt.Key.Key_R)
            qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ReasonDialog))
            dialog = QApplication.activeModalWidget()
            qtbot.keyClicks(dialog.reason, "not relevant here")  # type: ignore[union-attr]
            qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # type: ignore[union-attr]
            qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
            expected[finding_id] = Decision.REJECTED
        elif n % 3 == 0:
            press(qtbot, window, Qt.Key.Key_A)
            expected[finding_id] = Decision.ACCEPTED
        else:
            expected[finding_id] = Decision.PENDING
        qtbot.waitUntil(decided(window, finding_id, expected[finding_id]))
    assert decisions(window) == expected
    rejected = next(f for f, d in expected.items() if d is Decision.REJECTED)
    assert session.state.get(rejected).reason == "not relevant here"
    first = next(iter(expected))

    # K walks back to the first finding; U reverts it; Ctrl+Z undoes the revert and
    # Ctrl+Shift+Z redoes it.
    for _ in range(total):
        press(qtbot, window, Qt.Key.Key_K)
    assert window.findings.current_id() == first
    card = window.findings.current_state()  # what the card and the detail pane draw
    assert card is not None
    assert card.decision is Decision.ACCEPTED
    press(qtbot, window, Qt.Key.Key_U)
    qtbot.waitUntil(lambda: decisions(window)[first] is Decision.PENDING)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: decisions(window)[first] is Decision.ACCEPTED)
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.waitUntil(lambda: decisions(window)[first] is Decision.PENDING)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: decisions(window)[first] is Decision.ACCEPTED)

    # An own comment on a selection in the section view.
    section = next(s for s in sections if "phishing" in s.text)
    window.navigator.activate(section.id)
    browser = window.section_view.browser
    cursor = browser.document().find("phishing", 0, QTextDocument.FindFlag.FindCaseSensitively)
    assert not cursor.isNull()
    browser.setTextCursor(cursor)
    press(qtbot, window, Qt.Key.Key_M, CTRL | ALT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AsyncFormDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, AsyncFormDialog)
    text_edit = next(
        e for e in dialog.findChildren(QPlainTextEdit) if e.accessibleName() == "Description"
    )
    qtbot.keyClicks(text_edit, "Name the phishing campaign and link its ticket.")
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: not dialog.isVisible())
    own = [s for s in session.state.finding_states() if s.is_reviewer_comment]
    assert len(own) == 1
    assert own[0].finding.quote == "phishing"
    assert own[0].finding.anchor is not None
    assert window.findings_model.rowCount() == total + 1

    # Export through the dialog; the .docx holds exactly the accepted findings on their quotes.
    press(qtbot, window, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: window.export_dialog is not None and window.export_dialog.isVisible())
    export = window.export_dialog
    out = tmp_path / "out" / "reviewed.docx"
    export.out.setText(str(out))  # type: ignore[union-attr]
    qtbot.mouseClick(export.export_button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: export.outcome is not None, timeout=30_000)  # type: ignore[union-attr]
    assert "comments written" in export.result_label.text()  # type: ignore[union-attr]
    accepted = [
        s.finding for s in session.state.finding_states() if s.decision is Decision.ACCEPTED
    ]
    comments = docx2python_comments(out)
    assert len(comments) == len(accepted)
    placed = {(squash(anchored), squash(text)) for anchored, _author, _date, text in comments}
    for finding in accepted:
        assert any(
            squash(finding.description) in text and anchored == squash(finding.quote)
            for anchored, text in placed
        ), finding.description
    assert (tmp_path / "out" / "reviewed.report.json").is_file()
