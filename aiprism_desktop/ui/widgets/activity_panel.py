"""The activity log: every decision event (who, what, when, why), filterable and exportable."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.app.insights import ActivityRow
from aiprism_desktop.ui.models.table_model import ROW_ROLE, RowsModel

ACTIONS = (
    ("", "Every action"),
    ("accept", "Accepted"),
    ("reject", "Rejected"),
    ("revert", "Back to pending"),
    ("edit", "Edited"),
    ("add", "Comments added"),
    ("delete", "Comments deleted"),
    ("decide_many", "Bulk decisions"),
    ("revert_all", "Revert all"),
)


def local_time(at: str) -> str:
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return at
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class _ActivityFilter(QSortFilterProxyModel):
    action = ""

    def filterAcceptsRow(self, source_row: int, source_parent: object) -> bool:
        row = self.sourceModel().index(source_row, 0).data(ROW_ROLE)
        if not isinstance(row, ActivityRow):
            return False
        if self.action and row.action != self.action:
            return False
        needle = self.filterRegularExpression().pattern().casefold()
        haystack = f"{row.actor} {row.what} {row.finding} {row.reason}".casefold()
        return needle in haystack


class ActivityPanel(QWidget):
    """Table, action filter, text filter, Export CSV."""

    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: RowsModel[ActivityRow] = RowsModel(
            [
                ("When", lambda r: local_time(r.at)),
                ("Who", lambda r: r.actor),
                ("What", lambda r: r.what),
                ("Finding", lambda r: r.finding),
                ("Reason", lambda r: r.reason),
            ],
            self,
            tooltip=lambda r: r.finding,
        )
        self.proxy = _ActivityFilter(self)
        self.proxy.setSourceModel(self.model)
        self.action = QComboBox()
        self.action.setAccessibleName("Filter the activity by action")
        for key, label in ACTIONS:
            self.action.addItem(label, key)
        self.action.currentIndexChanged.connect(self._filter)
        self.text = QLineEdit()
        self.text.setPlaceholderText("Filter by who, what, finding or reason")
        self.text.setAccessibleName("Filter the activity by text")
        self.text.textChanged.connect(self._filter)
        self.export = QPushButton("Export CSV…")
        self.export.setAccessibleName("Export the activity log")
        self.export.clicked.connect(self.export_requested)
        self.table = QTableView()
        self.table.setAccessibleName("Activity log")
        self.table.setModel(self.proxy)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        for column, width in ((0, 150), (1, 110), (2, 190)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        row = QHBoxLayout()
        row.addWidget(self.action)
        row.addWidget(self.text, 1)
        row.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)

    def set_rows(self, rows: tuple[ActivityRow, ...]) -> None:
        """Show the log; events are only ever appended, so usually only new rows are added."""
        shown = self.model.rows()
        if len(rows) >= len(shown) and rows[: len(shown)] == shown:
            self.model.append_rows(rows[len(shown) :])
        else:
            self.model.set_rows(rows)
        self.table.scrollToBottom()

    def _filter(self) -> None:
        self.proxy.action = str(self.action.currentData() or "")
        self.proxy.setFilterFixedString(self.text.text().strip())
        self.proxy.invalidate()
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
