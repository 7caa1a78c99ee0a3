"""The sections navigator's item model: the outline as a tree (levels nested) with each
section's state from the session (not analyzed, queued, analyzing which model, N findings by
risk, all decided, failed why)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from aiprism_desktop.app.section_status import SectionStatus
from aiprism_desktop.core.document import Document, Section

SECTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
StatusOf = Callable[[str], SectionStatus]
IconOf = Callable[[SectionStatus], QIcon]


@dataclass(eq=False)
class _Node:
    section: Section | None  # None for the invisible root
    parent: _Node | None
    children: list[_Node] = field(default_factory=list)


def _tree(sections: Iterable[Section]) -> tuple[_Node, dict[str, _Node]]:
    """Nest each section under the nearest earlier section of a lower level."""
    root = _Node(None, None)
    by_id: dict[str, _Node] = {}
    stack: list[_Node] = []
    for section in sections:
        while stack and stack[-1].section is not None and stack[-1].section.level >= section.level:
            stack.pop()
        parent = stack[-1] if stack else root
        node = _Node(section, parent)
        parent.children.append(node)
        by_id[section.id] = node
        stack.append(node)
    return root, by_id


class SectionsModel(QAbstractItemModel):
    """Two columns: the section's title and its state in words."""

    HEADERS = ("Section", "State")

    def __init__(self, status_of: StatusOf, icon_of: IconOf, parent: QObject | None = None):
        super().__init__(parent)
        self._status_of = status_of
        self._icon_of = icon_of
        self._root = _Node(None, None)
        self._by_id: dict[str, _Node] = {}
        self._rows: dict[int, int] = {}  # id(node) → row, so parent() stays O(1)
        self._status: dict[str, SectionStatus] = {}  # computed once per refresh, not per paint

    def set_document(self, document: Document | None) -> None:
        self.beginResetModel()
        self._root, self._by_id = _tree(document.sections if document else ())
        self._rows = {}
        self._status = {}
        self._index_rows(self._root)
        self.endResetModel()

    def _index_rows(self, node: _Node) -> None:
        for row, child in enumerate(node.children):
            self._rows[id(child)] = row
            self._index_rows(child)

    def refresh(self, section_ids: Iterable[str] = ()) -> None:
        """The state of these sections changed (all of them when none is given).

        One ``dataChanged`` per parent over the span of changed rows: the view re-measures
        its columns at every signal, and a bulk decision touches every section at once.
        """
        ids = list(section_ids) or list(self._by_id)
        spans: dict[int, tuple[_Node, int, int]] = {}  # id(parent) → (a child, first, last)
        for section_id in ids:
            node = self._by_id.get(section_id)
            if node is not None:
                self._status[section_id] = self._status_of(section_id)
                row = self._rows[id(node)]
                key = id(node.parent)
                _, first, last = spans.get(key, (node, row, row))
                spans[key] = (node, min(first, row), max(last, row))
        for node, first, last in spans.values():
            left = self._index_of(node, 0)
            self.dataChanged.emit(
                left.siblingAtRow(first), left.siblingAtRow(last).siblingAtColumn(1)
            )

    def index_of(self, section_id: str) -> QModelIndex:
        node = self._by_id.get(section_id)
        return self._index_of(node, 0) if node is not None else QModelIndex()

    def section_ids(self) -> list[str]:
        return list(self._by_id)

    def _index_of(self, node: _Node, column: int) -> QModelIndex:
        return self.createIndex(self._rows[id(node)], column, node)

    def _node(self, index: Index) -> _Node:
        if not index.isValid():
            return self._root
        node: _Node = index.internalPointer()
        return node

    # -- QAbstractItemModel ---------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        # Checked here rather than with hasIndex(), which calls back into Python twice.
        node = self._node(parent)
        if row < 0 or not 0 <= column < len(self.HEADERS) or row >= len(node.children):
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        parent = self._node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self._index_of(parent, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        section = self._node(index).section
        assert section is not None
        if role == SECTION_ID_ROLE:
            return section.id
        status = self._status.get(section.id)
        if status is None:
            status = self._status[section.id] = self._status_of(section.id)
        if role == STATUS_ROLE:
            return status
        if role == Qt.ItemDataRole.DisplayRole:
            return (section.title or "(untitled)") if index.column() == 0 else status.short_label
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{section.title}\n{status.label}"
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return self._icon_of(status)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{section.title}: {status.label}"
        return None
