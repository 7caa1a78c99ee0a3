"""The findings list's item model: every live finding of the review, in document order.

Rows hold finding ids; data is read from the session's current review, so a decision only
needs ``update`` (one ``dataChanged``) and a finished section ``reload``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from aiprism_desktop.core.findings import Decision
from aiprism_desktop.core.review import FindingState, ReviewState

FINDING_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2
SECTION_TITLE_ROLE = Qt.ItemDataRole.UserRole + 3
ORDER_ROLE = Qt.ItemDataRole.UserRole + 4  # position in the document

Index = QModelIndex | QPersistentModelIndex


class FindingsModel(QAbstractListModel):
    """One row per live finding; ``STATE_ROLE`` gives its ``FindingState``."""

    def __init__(
        self, review: Callable[[], ReviewState | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._review = review
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._titles: dict[str, str] = {}
        self._expected: dict[str, Decision] = {}  # shown at once, until the store has it

    def expect(self, finding_id: str, decision: Decision) -> None:
        """Show this decision now; ``settle`` when it is stored (or refused)."""
        self._expected[finding_id] = decision
        self.update([finding_id])

    def settle(self, finding_id: str) -> None:
        """Back to what the review says (the decision was stored, or it failed)."""
        if self._expected.pop(finding_id, None) is not None:
            self.update([finding_id])

    def reload(self, section_order: Iterable[tuple[str, str]] = ()) -> None:
        """Rebuild the rows from the review; ``section_order`` = (section id, title) in order."""
        self.beginResetModel()
        self._titles = dict(section_order)
        rank = {section_id: n for n, section_id in enumerate(self._titles)}
        state = self._review()
        items = state.finding_states() if state is not None else ()
        ordered = sorted(
            enumerate(items),
            key=lambda pair: (rank.get(pair[1].finding.section_id, 1 << 30), pair[0]),
        )
        self._ids = [item.finding.id for _, item in ordered]
        self._expected = {k: v for k, v in self._expected.items() if k in set(self._ids)}
        self._rows = {fid: row for row, fid in enumerate(self._ids)}
        self.endResetModel()

    def update(self, finding_ids: Iterable[str]) -> None:
        """These findings' decision or fields changed: one signal over the span of their rows
        (a bulk decision sent row by row made the filter proxy re-check a thousand times)."""
        rows = [row for f in finding_ids if (row := self._rows.get(f)) is not None]
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)))

    def row_of(self, finding_id: str) -> int:
        return self._rows.get(finding_id, -1)

    def finding_ids(self) -> list[str]:
        return list(self._ids)

    def state_at(self, row: int) -> FindingState | None:
        state = self._review()
        if state is None or not 0 <= row < len(self._ids):
            return None
        finding_id = self._ids[row]
        if not state.contains(finding_id):
            return None
        item = state.get(finding_id)
        expected = self._expected.get(finding_id)
        if expected is not None and expected is not item.decision:
            return replace(item, decision=expected, reason="")
        return item

    # -- QAbstractListModel ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == FINDING_ID_ROLE:
            return self._ids[index.row()]
        if role == ORDER_ROLE:
            return index.row()
        item = self.state_at(index.row())
        if item is None:
            return None
        finding = item.finding
        if role == STATE_ROLE:
            return item
        if role == SECTION_TITLE_ROLE:
            return self._titles.get(finding.section_id, "")
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (
                f"{finding.risk.value} risk {finding.type.value}, {item.decision.value}: "
                f"{finding.description}"
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return finding.description
        return None
