"""The models view: the fallback chain in the order models are tried, each model's state
(ready / cooling down until … / disabled: why / not offered in this region) and a button to
put a model back. It refreshes when a model's status changes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.app.models import ModelsView
from aiprism_desktop.core.errors import AIPrismError
from aiprism_desktop.core.reviewer import ModelRow
from aiprism_desktop.ui.models.table_model import ROW_ROLE, RowsModel

Load = Callable[[], Awaitable[ModelsView]]
Enable = Callable[[str], Awaitable[None]]


def state_text(row: ModelRow) -> str:
    """'ready', 'cooling down until 14:32 (throttled)', 'disabled: no access', …"""
    state = row.state
    if state.state == "cooling_down":
        until = state.until or ""
        with contextlib.suppress(ValueError):
            until = (
                datetime.fromisoformat(until.replace("Z", "+00:00"))
                .astimezone()
                .strftime("%H:%M:%S")
            )
        return f"cooling down until {until}" + (f" ({state.detail})" if state.detail else "")
    if state.state == "disabled":
        return f"disabled: {state.detail}" if state.detail else "disabled"
    if state.state == "not_offered":
        detail = state.detail or "not offered here"
        return detail if detail.startswith("not offered") else f"not offered: {detail}"
    return "ready"


class ModelsPanel(QWidget):
    """Table of the chain plus Re-enable / Refresh."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.load: Load | None = None
        self.enable: Enable | None = None
        self.model: RowsModel[ModelRow] = RowsModel(
            [
                ("Model", lambda r: r.name),
                ("State", state_text),
                ("Called as", lambda r: r.model_id or "—"),
                ("Context", lambda r: f"{r.context_window:,}"),
            ],
            self,
            tooltip=state_text,
        )
        self.table = QTableView()
        self.table.setAccessibleName("Model chain")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.resizeSection(0, 170)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(2, 330)
        self.table.setWordWrap(False)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.where = QLabel()
        self.where.setObjectName("muted")
        self.where.setWordWrap(True)
        self.reenable = QPushButton("Re-enable")
        self.reenable.setAccessibleName("Re-enable the selected model")
        self.reenable.clicked.connect(self._reenable)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setAccessibleName("Refresh the model states")
        self.refresh_button.clicked.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(self.where, 1)
        row.addWidget(self.reenable)
        row.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.task: asyncio.Task[None] | None = None  # the refresh
        self.enable_task: asyncio.Task[None] | None = None
        self._update_buttons()

    def selected(self) -> ModelRow | None:
        row = self.table.currentIndex().data(ROW_ROLE)
        return row if isinstance(row, ModelRow) else None

    def _update_buttons(self) -> None:
        row = self.selected()
        self.reenable.setEnabled(
            row is not None and row.state.state in ("disabled", "cooling_down")
        )

    def refresh(self) -> None:
        if self.load is None or (self.task is not None and not self.task.done()):
            return
        self.task = asyncio.ensure_future(self._refresh(self.load))

    async def _refresh(self, load: Load) -> None:
        self.where.setText("Reading the model chain…")
        try:
            view = await load()
        except AIPrismError as error:
            self.model.set_rows(())
            self.where.setText(f"The model chain cannot be shown: {error.message}")
            return
        current = self.selected()
        self.model.set_rows(view.rows)
        self.where.setText(f"{view.provider} in {view.location}, tried in this order")
        if current is not None:
            for n, row in enumerate(view.rows):
                if row.key == current.key:
                    self.table.selectRow(n)
        self._update_buttons()

    def _reenable(self) -> None:
        row = self.selected()
        if row is None or self.enable is None:
            return
        enable = self.enable

        async def run() -> None:
            try:
                await enable(row.key)
            except AIPrismError as error:
                self.where.setText(error.message)
                return
            self.refresh()

        self.enable_task = asyncio.ensure_future(run())
