"""The findings dock: filters (risk, type, category, decision, origin, text), sort, the cards,
bulk accept/reject of what is shown, and the selected finding in full."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.core.findings import Decision, FindingType, OriginKind, Risk
from aiprism_desktop.core.review import FindingState
from aiprism_desktop.ui.models.findings_filter import SORTS, FindingsFilterModel
from aiprism_desktop.ui.models.findings_model import FINDING_ID_ROLE, STATE_ROLE, FindingsModel
from aiprism_desktop.ui.theme import Theme
from aiprism_desktop.ui.widgets.card_delegate import CardDelegate
from aiprism_desktop.ui.widgets.finding_detail import FindingDetail

ANY = "Any"


class FindingsPanel(QWidget):
    """Cards of the filtered findings; ``current_changed`` carries the selected finding id."""

    current_changed = Signal(str)  # "" when nothing is selected
    bulk_requested = Signal(str)  # "accept" | "reject"

    def __init__(self, model: FindingsModel, theme: Theme, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.proxy = FindingsFilterModel(self)
        self.proxy.setSourceModel(model)
        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout()
        choices = {
            "risk": [r.value for r in Risk],
            "type": [t.value for t in FindingType],
            "category": [],
            "decision": [d.value for d in Decision],
            "origin": [o.value for o in OriginKind],
        }
        for n, (key, values) in enumerate(choices.items()):
            combo = QComboBox()
            combo.setAccessibleName(f"Filter by {key}")
            combo.addItem(f"{key.capitalize()}: {ANY}", "")
            for value in values:
                combo.addItem(value, value)
            combo.currentIndexChanged.connect(self._filters_changed)
            self.combos[key] = combo
            grid.addWidget(combo, n // 3, n % 3)
        self.sort = QComboBox()
        self.sort.setAccessibleName("Sort findings")
        for key, label in SORTS.items():
            self.sort.addItem(label, key)
        self.sort.currentIndexChanged.connect(
            lambda _i: self.proxy.set_sort(str(self.sort.currentData()))
        )
        grid.addWidget(self.sort, 1, 2)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter findings by text (F)")
        self.search.setAccessibleName("Filter findings by text")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: self.proxy.set_criteria(text=text.strip()))

        self.view = QListView()
        self.view.setAccessibleName("Findings")
        self.delegate = CardDelegate(theme, self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setModel(self.proxy)
        self.view.setUniformItemSizes(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.selectionModel().currentChanged.connect(self._current_changed)

        self.count = QLabel()
        self.count.setObjectName("muted")
        self.accept_shown = QPushButton("Accept shown")
        self.accept_shown.setAccessibleName("Accept every finding shown")
        self.accept_shown.clicked.connect(lambda: self.bulk_requested.emit("accept"))
        self.reject_shown = QPushButton("Reject shown…")
        self.reject_shown.setAccessibleName("Reject every finding shown")
        self.reject_shown.clicked.connect(lambda: self.bulk_requested.emit("reject"))
        bulk = QHBoxLayout()
        bulk.addWidget(self.count, 1)
        bulk.addWidget(self.accept_shown)
        bulk.addWidget(self.reject_shown)

        self.detail = FindingDetail(theme)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(grid)
        top_layout.addWidget(self.search)
        top_layout.addWidget(self.view, 1)
        top_layout.addLayout(bulk)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([420, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset):
            signal.connect(self._update_count)
        self._update_count()

    def apply_theme(self, theme: Theme) -> None:
        self.delegate.theme = theme
        self.detail.apply_theme(theme)
        self.refresh_detail()
        self.view.viewport().update()

    def set_categories(self, categories: list[str]) -> None:
        combo = self.combos["category"]
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(f"Category: {ANY}", "")
        for category in categories:
            combo.addItem(category, category)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _filters_changed(self) -> None:
        self.proxy.set_criteria(**{k: str(c.currentData() or "") for k, c in self.combos.items()})

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown} of {total} findings shown")
        self.accept_shown.setEnabled(shown > 0)
        self.reject_shown.setEnabled(shown > 0)

    # -- selection ---------------------------------------------------------------------------
    def current_id(self) -> str:
        index = self.view.currentIndex()
        return str(index.data(FINDING_ID_ROLE)) if index.isValid() else ""

    def current_state(self) -> FindingState | None:
        item = self.view.currentIndex().data(STATE_ROLE)
        return item if isinstance(item, FindingState) else None

    def shown_ids(self) -> list[str]:
        return [
            str(self.proxy.index(row, 0).data(FINDING_ID_ROLE))
            for row in range(self.proxy.rowCount())
        ]

    def select(self, finding_id: str, *, quietly: bool = False) -> bool:
        """Make this finding current (False when the filter hides it); ``quietly`` keeps the
        section view where it is."""
        row = self.model.row_of(finding_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid():
            return False
        self.blockSignals(quietly)
        try:
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        finally:
            self.blockSignals(False)
        self.view.scrollTo(index)
        return True

    def step(self, delta: int) -> bool:
        """Next (+1) or previous (−1) finding in the shown order; False at either end."""
        rows = self.proxy.rowCount()
        if rows == 0:
            return False
        current = self.view.currentIndex()
        row = current.row() + delta if current.isValid() else (0 if delta > 0 else rows - 1)
        if not 0 <= row < rows:
            return False
        index = self.proxy.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(index)
        return True

    def refresh_detail(self) -> None:
        self.detail.show_finding(self.current_state())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.refresh_detail()
        self.current_changed.emit(str(current.data(FINDING_ID_ROLE)) if current.isValid() else "")
