"""A document the OS hands the running app (macOS "Open With": a QFileOpenEvent) is opened."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from aiprism_desktop.ui.main_window import MainWindow
from tests.ui.conftest import SAMPLE


def test_a_file_open_event_opens_the_document(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    qtbot.waitUntil(lambda: window.controller.session is not None, timeout=30_000)
    other = tmp_path / "handed-over.docx"
    other.write_bytes(SAMPLE.read_bytes())
    app = QApplication.instance()
    assert app is not None
    QApplication.sendEvent(app, QFileOpenEvent(str(other)))

    def opened_other() -> bool:
        session = window.controller.session
        return session is not None and session.document.path == other

    qtbot.waitUntil(opened_other, timeout=30_000)
