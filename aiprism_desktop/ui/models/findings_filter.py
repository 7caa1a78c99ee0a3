"""Filters (risk, type, category, decision, origin, text) and sort orders of the findings list."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel

from aiprism_desktop.core.findings import FindingType, Risk
from aiprism_desktop.core.review import FindingState
from aiprism_desktop.ui.models.findings_model import ORDER_ROLE, STATE_ROLE

Index = QModelIndex | QPersistentModelIndex

SORTS = {
    "document": "Document order",
    "risk": "Risk, highest first",
    "type": "Type, critical first",
    "category": "Category",
    "confidence": "Confidence, highest first",
    "decision": "Pending first",
}
_RISK_RANK = {Risk.HIGH: 0, Risk.MEDIUM: 1, Risk.LOW: 2}
_TYPE_RANK = {t: n for n, t in enumerate(FindingType)}
_DECISION_RANK = {"pending": 0, "rejected": 1, "accepted": 2}


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """What the list shows; empty strings match everything."""

    risk: str = ""
    type: str = ""
    category: str = ""
    decision: str = ""
    origin: str = ""  # "model" | "rule" | "reviewer"
    text: str = ""

    def matches(self, item: FindingState) -> bool:
        finding = item.finding
        if self.risk and finding.risk.value != self.risk:
            return False
        if self.type and finding.type.value != self.type:
            return False
        if self.category and finding.category != self.category:
            return False
        if self.decision and item.decision.value != self.decision:
            return False
        if self.origin and finding.origin_kind.value != self.origin:
            return False
        if self.text:
            needle = self.text.casefold()
            haystack = " ".join(
                (finding.description, finding.category, finding.suggestion, finding.quote)
            ).casefold()
            return needle in haystack
        return True


class FindingsFilterModel(QSortFilterProxyModel):
    """The findings the reviewer chose to see, in the chosen order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter = FindingFilter()
        self._sort = "document"
        self.setDynamicSortFilter(True)

    @property
    def criteria(self) -> FindingFilter:
        return self._filter

    def set_criteria(self, **changes: Any) -> None:
        self.beginFilterChange()
        self._filter = replace(self._filter, **changes)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_sort(self, key: str) -> None:
        if key not in SORTS:
            raise ValueError(f"unknown sort {key!r}")
        self._sort = key
        self.invalidate()
        # The source is in document order already: sorting it again would only cost time.
        self.sort(-1 if key == "document" else 0)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        item = index.data(STATE_ROLE)
        return isinstance(item, FindingState) and self._filter.matches(item)

    def lessThan(self, left: Index, right: Index) -> bool:
        return bool(self._key(left) < self._key(right))

    def _key(self, index: Index) -> tuple[Any, ...]:
        order = int(index.data(ORDER_ROLE) or 0)
        item = index.data(STATE_ROLE)
        if not isinstance(item, FindingState) or self._sort == "document":
            return (order,)
        finding = item.finding
        primary: Any = {
            "risk": _RISK_RANK[finding.risk],
            "type": _TYPE_RANK[finding.type],
            "category": finding.category.casefold(),
            "confidence": -finding.confidence,
            "decision": _DECISION_RANK[item.decision.value],
        }[self._sort]
        return (primary, order)
