"""Chat about the current section or the whole document: the answer streams in, names the
model that answered, can be stopped, and becomes a finding on the current section in one click.
The history is the document's (kept in the store)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from html import escape
from typing import Any, cast

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.app.chat import answer_as_comment
from aiprism_desktop.core.reviewer import ChatEvent
from aiprism_desktop.store.records import ChatRecord
from aiprism_desktop.ui.theme import Theme

Ask = Callable[[str, str | None], AsyncGenerator[ChatEvent, None]]
AddFinding = Callable[[dict[str, Any]], Awaitable[Any]]


class ChatDock(QWidget):
    """Question box, transcript, Send / Stop / Make it a finding."""

    failed = Signal(str, object)  # what, error (shown by the window)

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.ask: Ask | None = None
        self.add_finding: AddFinding | None = None
        self.section_id: Callable[[], str | None] = lambda: None
        self.model_name: Callable[[str], str] = lambda key: key
        self.task: asyncio.Task[None] | None = None
        self.answer = ""
        self.answer_model = ""
        self.transcript = QTextBrowser()
        self.transcript.setAccessibleName("Chat transcript")
        self.scope = QComboBox()
        self.scope.addItem("About this section", "section")
        self.scope.addItem("About the whole document", "document")
        self.scope.setAccessibleName("Chat scope")
        self.question = QPlainTextEdit()
        self.question.setPlaceholderText("Ask about the document… (Ctrl+Enter sends)")
        self.question.setAccessibleName("Question")
        self.question.setMaximumHeight(80)
        self.question.setTabChangesFocus(True)
        self.question.installEventFilter(self)
        self.send = QPushButton("Send")
        self.send.setAccessibleName("Send question")
        self.send.clicked.connect(self.send_question)
        self.stop = QPushButton("Stop")
        self.stop.setAccessibleName("Stop the answer")
        self.stop.clicked.connect(self.stop_answer)
        self.to_finding = QPushButton("Make it a finding")
        self.to_finding.setAccessibleName("Turn the answer into a finding")
        self.to_finding.clicked.connect(self.answer_to_finding)
        self.status = QLabel()
        self.status.setObjectName("muted")
        row = QHBoxLayout()
        row.addWidget(self.scope, 1)
        row.addWidget(self.send)
        row.addWidget(self.stop)
        row.addWidget(self.to_finding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.transcript, 1)
        layout.addWidget(self.question)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self._history_html = ""
        self._set_running(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in the question box sends it (taken before the window's shortcut)."""
        if watched is self.question and event.type() in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
        ):
            key_event = cast(QKeyEvent, event)
            if key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                key_event.modifiers() & Qt.KeyboardModifier.ControlModifier
            ):
                event.accept()
                if event.type() == QEvent.Type.KeyPress:
                    self.send_question()
                return True
        return super().eventFilter(watched, event)

    def _set_running(self, running: bool) -> None:
        self.send.setEnabled(not running and self.ask is not None)
        self.stop.setEnabled(running)
        self.to_finding.setEnabled(
            not running and bool(self.answer) and self.section_id() is not None
        )

    def show_history(self, records: tuple[ChatRecord, ...]) -> None:
        self.answer = ""
        self._history_html = "".join(self._turn(r.role, r.text, r.model) for r in records)
        self._render("")
        self._set_running(False)

    def _turn(self, role: str, text: str, model: str = "") -> str:
        name = self.model_name(model) if model else ""
        who = "You" if role == "user" else f"Answer{f' ({escape(name)})' if name else ''}"
        color = self.theme.accent if role == "user" else self.theme.muted
        body = escape(text).replace("\n", "<br>")
        return f"<p><b style='color:{color}'>{who}</b><br>{body}</p>"

    def _render(self, live: str) -> None:
        self.transcript.setHtml(self._history_html + live)
        self.transcript.moveCursor(QTextCursor.MoveOperation.End)

    # -- asking ------------------------------------------------------------------------------
    def send_question(self) -> None:
        question = self.question.toPlainText().strip()
        if not question or self.ask is None or (self.task and not self.task.done()):
            return
        self.question.clear()
        where = self.section_id() if self.scope.currentData() == "section" else None
        self._history_html += self._turn("user", question)
        self.answer, self.answer_model = "", ""
        self._render("")
        self.task = asyncio.ensure_future(self._stream(question, where))

    async def _stream(self, question: str, where: str | None) -> None:
        assert self.ask is not None
        self._set_running(True)
        self.status.setText("Answering…")
        finished = False
        try:
            async for event in self.ask(question, where):
                if event.kind == "delta":
                    self.answer += event.text
                    self.answer_model = event.model or self.answer_model
                elif event.kind == "restarted":
                    self.answer = ""
                    self.answer_model = event.model
                else:
                    self.answer_model = event.model or self.answer_model
                    finished = True
                self._render(self._turn("assistant", self.answer + "▍", self.answer_model))
        except asyncio.CancelledError:
            self.status.setText("Stopped: what arrived is kept.")
        except Exception as error:
            self.status.setText("No answer.")
            self.failed.emit("Asking the chat", error)
        else:
            answered = self.model_name(self.answer_model)
            self.status.setText(f"Answered by {answered}" if finished else "")
        finally:
            if self.answer:
                self._history_html += self._turn("assistant", self.answer, self.answer_model)
            self._render("")
            self._set_running(False)

    def stop_answer(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def answer_to_finding(self) -> None:
        if not self.answer or self.add_finding is None:
            return
        fields = answer_as_comment(self.answer, self.model_name(self.answer_model))
        add = self.add_finding

        async def run() -> None:
            try:
                await add(fields)
            except Exception as error:
                self.failed.emit("Turning the answer into a finding", error)
                return
            self.status.setText("The answer is now a finding on this section.")

        self.task = asyncio.ensure_future(run())
