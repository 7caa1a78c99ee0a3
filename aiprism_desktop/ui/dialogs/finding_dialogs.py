"""Dialogs that change one finding: edit it, add your own comment, reject it with a reason.

The dialog stays open while the change is checked and stored; a refused value (an empty
description, a quote that is not in the section) is said under the form, and the reviewer
can fix it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.core.errors import AIPrismError
from aiprism_desktop.core.findings import Finding
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.ui.dialogs.error_dialog import describe
from aiprism_desktop.ui.dialogs.finding_form import FindingForm

log = logging.getLogger(__name__)

Submit = Callable[[], Awaitable[Any]]


class AsyncFormDialog(QDialog):
    """OK runs ``submit``; the dialog closes when it succeeds and shows the error when not."""

    def __init__(self, title: str, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.submit: Submit | None = None
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problem")
        self.error.setStyleSheet("color: #c62828")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(body, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.task: asyncio.Task[None] | None = None

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _ok(self) -> None:
        if self.submit is None or (self.task is not None and not self.task.done()):
            return
        self.task = asyncio.ensure_future(self._run(self.submit))

    async def _run(self, submit: Submit) -> None:
        self.buttons.setEnabled(False)
        try:
            await submit()
        except (AIPrismError, ValueError) as error:
            message = error.message if isinstance(error, AIPrismError) else str(error)
            self.show_error(message)
            return
        except Exception as error:  # a bug: said here, logged with its traceback
            log.exception("%s failed", self.windowTitle())
            self.show_error(describe(error)[0])
            return
        finally:
            self.buttons.setEnabled(True)
        self.accept()


def edit_dialog(
    finding: Finding,
    framework: Framework | None,
    save: Callable[[dict[str, Any]], Awaitable[Any]],
    parent: QWidget | None = None,
) -> AsyncFormDialog:
    """Edit every field of a finding (validated by the review when saved)."""
    form = FindingForm(framework)
    form.load(finding)
    dialog = AsyncFormDialog("Edit finding", form, parent)
    dialog.submit = lambda: save(form.values())
    dialog.resize(560, 560)
    form.texts["description"].setFocus()
    return dialog


def comment_dialog(
    quote: str,
    framework: Framework | None,
    add: Callable[[dict[str, Any]], Awaitable[Any]],
    parent: QWidget | None = None,
) -> AsyncFormDialog:
    """Your own comment on the selected text (it starts accepted)."""
    form = FindingForm(framework)
    form.quote.setText(quote)
    form.category.setCurrentText("Reviewer comment")
    form.type.setCurrentIndex(form.type.findText("suggestion"))
    form.risk.setCurrentIndex(form.risk.findText("low"))
    dialog = AsyncFormDialog("Add comment", form, parent)
    dialog.submit = lambda: add(form.json_values())
    dialog.resize(560, 560)
    form.texts["description"].setFocus()
    return dialog


class ReasonDialog(QDialog):
    """Reject with an optional reason (Enter confirms)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why? (optional)")
        self.reason.setAccessibleName("Reason")
        label = QLabel("&Reason")
        label.setBuddy(self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(buttons)
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def text(self) -> str:
        return self.reason.text().strip()
