"""The selected finding in full (every field) with its actions: accept, reject, edit, revert,
delete (own comments). Word's review pane habit: the list stays compact, this shows it all."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.review import FindingState
from aiprism_desktop.ui.icons import icon
from aiprism_desktop.ui.theme import Theme
from aiprism_desktop.ui.widgets.card_delegate import origin_text


def finding_html(item: FindingState, theme: Theme, framework: Framework | None) -> str:
    """Every field of a finding as HTML for the detail pane."""
    f = item.finding
    rows: list[tuple[str, str]] = [("Description", f.description)]
    for label, value in (
        ("Suggestion", f.suggestion),
        ("Example", f.example),
        ("Quote", f"“{f.quote}”" if f.quote else ""),
        ("Replacement", f.replacement or ""),
    ):
        if value:
            rows.append((label, value))
    if f.questions:
        rows.append(("Questions", "\n".join(f"• {q}" for q in f.questions)))
    if f.framework_refs:
        titles = {p.number: p.title for p in framework.points} if framework else {}
        points = [f"{n}. {titles.get(n, '')}".rstrip(". ") for n in f.framework_refs]
        rows.append(("Framework points", "\n".join(points)))
    rows.append(("From", origin_text(item)))
    if item.reason:
        rows.append(("Rejected because", item.reason))
    if f.anchor is None and f.quote:
        rows.append(("Placement", "the quote was not found: the comment goes on the section"))
    color = theme.risk[f.risk.value]
    head = (
        f"<p><b style='color:{color}'>{escape(f.type.value.upper())} · "
        f"{escape(f.risk.value)} risk</b> · {escape(f.category)} — "
        f"<i>{escape(item.decision.value)}</i></p>"
    )
    body = "".join(
        f"<p><span style='color:{theme.muted}'>{escape(label)}</span><br>"
        f"{escape(value).replace(chr(10), '<br>')}</p>"
        for label, value in rows
    )
    return head + body


class FindingDetail(QFrame):
    """Detail and action buttons for one finding (hidden until one is selected)."""

    accept_clicked = Signal()
    reject_clicked = Signal()
    edit_clicked = Signal()
    revert_clicked = Signal()
    delete_clicked = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.theme = theme
        self.framework: Framework | None = None
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text.setAccessibleName("Selected finding")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.text)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, label, icon_name, signal in (
            ("accept", "Accept (A)", "check", self.accept_clicked),
            ("reject", "Reject (R)", "x", self.reject_clicked),
            ("edit", "Edit (E)", "pencil", self.edit_clicked),
            ("revert", "Revert (U)", "rotate-ccw", self.revert_clicked),
            ("delete", "Delete", "trash-2", self.delete_clicked),
        ):
            button = QPushButton(label)
            button.setAccessibleName(label.split(" (")[0] + " finding")
            button.setProperty("icon_name", icon_name)
            button.clicked.connect(signal)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)
        self.apply_theme(theme)
        self.show_finding(None)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        for button in self.buttons.values():
            button.setIcon(icon(str(button.property("icon_name")), theme.text))

    def show_finding(self, item: FindingState | None) -> None:
        if item is None:
            self.text.setText(
                f"<p style='color:{self.theme.muted}'>Select a finding to see it in full.</p>"
            )
            for button in self.buttons.values():
                button.setEnabled(False)
            self.buttons["delete"].setVisible(False)
            return
        self.text.setText(finding_html(item, self.theme, self.framework))
        decision = item.decision.value
        self.buttons["accept"].setEnabled(decision != "accepted")
        self.buttons["reject"].setEnabled(True)
        self.buttons["edit"].setEnabled(True)
        self.buttons["revert"].setEnabled(decision != "pending")
        self.buttons["delete"].setVisible(item.is_reviewer_comment)
        self.buttons["delete"].setEnabled(item.is_reviewer_comment)
