"""An error in words a reviewer understands, with the technical details one click away and a
"Copy details" button for a bug report. Nothing is swallowed: every failed task ends here."""

from __future__ import annotations

import platform
import traceback

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop import __version__
from aiprism_desktop.core.errors import AIPrismError, InternalError


def describe(error: BaseException) -> tuple[str, str]:
    """(message for the reviewer, details for a bug report).

    An error raised on purpose (a refused file, a provider that said no) is fully described by
    its stable code, message and detail; only an unexpected one carries its traceback.
    """
    where = f"AI-Prism {__version__}, Python {platform.python_version()}, {platform.platform()}"
    if isinstance(error, AIPrismError):
        details = f"[{error.code}] {error.message}"
        if error.detail:
            details += f"\n{error.detail}"
        return error.message, f"{details}\n\n{where}"
    internal = InternalError()
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return (
        internal.message,
        f"[{internal.code}] {type(error).__name__}: {error}\n\n{where}\n{trace}",
    )


class ErrorDialog(QDialog):
    """What failed, why, and the details to copy."""

    def __init__(self, what: str, error: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"AI-Prism — {what} failed")
        self.setAccessibleName("Error")
        message, self.details_text = describe(error)
        heading = QLabel(f"<b>{what} failed.</b>")
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName("What went wrong")
        self.details = QPlainTextEdit(self.details_text)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Technical details")
        self.details.setVisible(False)
        self.details.setMinimumHeight(160)
        self.toggle = toggle = QPushButton("Show details")
        toggle.setCheckable(True)
        toggle.toggled.connect(self.details.setVisible)
        toggle.toggled.connect(lambda on: toggle.setText("Hide details" if on else "Show details"))
        self.copy = QPushButton("Copy details")
        self.copy.setAccessibleName("Copy details")
        self.copy.clicked.connect(self.copy_details)
        row = QHBoxLayout()
        row.addWidget(toggle)
        row.addWidget(self.copy)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.message)
        layout.addLayout(row)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(520, 200)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text)
        self.copy.setText("Copied")
