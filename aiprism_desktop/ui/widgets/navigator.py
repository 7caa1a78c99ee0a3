"""The sections navigator: the outline, levels nested, each section's state beside it."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QVBoxLayout, QWidget

from aiprism_desktop.ui.models.sections_model import SECTION_ID_ROLE, SectionsModel


class Navigator(QWidget):
    """``section_selected`` carries the current section's id; several can be selected for
    "Analyze selected"."""

    section_selected = Signal(str)

    def __init__(self, model: SectionsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.tree = QTreeView()
        self.tree.setAccessibleName("Sections")
        self.tree.setModel(model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 165)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        model.modelReset.connect(self.tree.expandAll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.section_selected.emit(str(current.data(SECTION_ID_ROLE)))

    def current_id(self) -> str:
        index = self.tree.currentIndex()
        return str(index.data(SECTION_ID_ROLE)) if index.isValid() else ""

    def selected_ids(self) -> list[str]:
        """The selected sections in document order."""
        chosen = {str(i.data(SECTION_ID_ROLE)) for i in self.tree.selectionModel().selectedRows(0)}
        return [s for s in self.model.section_ids() if s in chosen]

    def activate(self, section_id: str) -> None:
        """Make this section current as a click does (the section view follows)."""
        index = self.model.index_of(section_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)

    def select(self, section_id: str) -> None:
        """Make this section current without telling anyone (the caller already knows)."""
        index = self.model.index_of(section_id)
        if not index.isValid() or self.tree.currentIndex() == index:
            return
        self.tree.selectionModel().blockSignals(True)
        self.tree.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.tree.selectionModel().blockSignals(False)
        self.tree.scrollTo(index)
        self.tree.viewport().update()
