"""Ctrl+K: every action by name. Type to filter, Enter runs, Esc closes."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QLineEdit, QListView, QVBoxLayout, QWidget

ACTION_ROLE = Qt.ItemDataRole.UserRole + 1


class CommandPalette(QDialog):
    """A filterable list of the enabled actions."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Command palette")
        self.setAccessibleName("Command palette")
        self.model = QStandardItemModel(self)
        for action in actions:
            if not action.isEnabled():
                continue
            shortcut = action.shortcut().toString()
            text = action.text().replace("&", "") + (f"    {shortcut}" if shortcut else "")
            item = QStandardItem(text)
            item.setData(action, ACTION_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type a command…")
        self.search.setAccessibleName("Command")
        self.search.textChanged.connect(self._filter)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setAccessibleName("Commands")
        self.list.activated.connect(lambda _i: self.run_current())
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.resize(460, 360)
        self._filter("")

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            row = self.list.currentIndex().row() + (1 if key == Qt.Key.Key_Down else -1)
            if 0 <= row < self.proxy.rowCount():
                self.list.setCurrentIndex(self.proxy.index(row, 0))
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.run_current()
            return
        super().keyPressEvent(event)

    def run_current(self) -> None:
        index = self.list.currentIndex()
        action = index.data(ACTION_ROLE) if index.isValid() else None
        self.accept()
        if isinstance(action, QAction):
            action.trigger()
