"""What an empty window shows: how to open a document (button, drag and drop, Ctrl+O) and the
documents opened recently."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.store.records import StoredDocument

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class WelcomePage(QWidget):
    open_clicked = Signal()
    recent_chosen = Signal(object)  # Path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h2>Review a Word document</h2>")
        hint = QLabel(
            "Open a .docx, .docm or .dotx file (Ctrl+O) or drop it on this window. "
            "Your review is saved as you go: there is nothing to save."
        )
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        self.open_button = QPushButton("Open a document…")
        self.open_button.setAccessibleName("Open a document")
        self.open_button.clicked.connect(self.open_clicked)
        self.recent_label = QLabel("<b>Recent documents</b>")
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent documents")
        self.recent.itemActivated.connect(
            lambda item: self.recent_chosen.emit(Path(item.data(PATH_ROLE)))
        )
        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(hint)
        column.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addSpacing(16)
        column.addWidget(self.recent_label)
        column.addWidget(self.recent)
        holder = QWidget()
        holder.setLayout(column)
        holder.setFixedWidth(560)
        self.recent.setMaximumHeight(260)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(holder, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.set_recent(())

    def set_recent(self, documents: tuple[StoredDocument, ...]) -> None:
        self.recent.clear()
        for document in documents:
            item = QListWidgetItem(f"{document.title or document.path.name}  —  {document.path}")
            item.setData(PATH_ROLE, str(document.path))
            item.setToolTip(str(document.path))
            self.recent.addItem(item)
        visible = bool(documents)
        self.recent.setVisible(visible)
        self.recent_label.setVisible(visible)
