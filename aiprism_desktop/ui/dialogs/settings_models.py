"""Settings → Models: the Bedrock chain's order and which models are on. Every change is
written at once (the user's models.toml) and the next analysis uses it."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.app.model_chain import chain_entries, reset_chain, save_chain
from aiprism_desktop.core.errors import AIPrismError
from aiprism_desktop.ui.dialogs.setting_fields import SettingsBinder

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class ModelsPage(QWidget):
    """A checkable, reorderable list of the chain."""

    def __init__(self, binder: SettingsBinder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = binder.services
        self.list = QListWidget()
        self.list.setAccessibleName("Model chain order")
        self.list.itemChanged.connect(lambda _item: self.save())
        self.note = QLabel("Models are tried from the top; switched-off models are skipped.")
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Model chain note")
        up = QPushButton("Move up")
        up.setAccessibleName("Move the model up")
        up.clicked.connect(lambda: self.move_selected(-1))
        down = QPushButton("Move down")
        down.setAccessibleName("Move the model down")
        down.clicked.connect(lambda: self.move_selected(1))
        reset = QPushButton("Packaged order")
        reset.setAccessibleName("Back to the packaged chain")
        reset.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        buttons.addWidget(up)
        buttons.addWidget(down)
        buttons.addStretch(1)
        buttons.addWidget(reset)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.task: asyncio.Task[None] | None = None
        self.load_task = asyncio.ensure_future(self.load())

    async def load(self) -> None:
        try:
            entries = await chain_entries(self.services)
        except AIPrismError as error:
            self.note.setText(error.message)
            return
        self.list.blockSignals(True)
        self.list.clear()
        for entry in entries:
            item = QListWidgetItem(f"{entry.name}  ({entry.key})")
            item.setData(KEY_ROLE, entry.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if entry.enabled else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)

    def order(self) -> list[tuple[str, bool]]:
        return [
            (
                str(self.list.item(n).data(KEY_ROLE)),
                self.list.item(n).checkState() == Qt.CheckState.Checked,
            )
            for n in range(self.list.count())
        ]

    def move_selected(self, delta: int) -> None:
        row = self.list.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.list.count():
            return
        self.list.blockSignals(True)
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self.list.blockSignals(False)
        self.save()

    def save(self) -> None:
        order = self.order()

        async def run() -> None:
            try:
                await save_chain(self.services, order)
            except AIPrismError as error:
                self.note.setText(f"<span style='color:#c62828'>{error.message}</span>")
                await self.load()
                return
            self.note.setText("Saved: the next analysis uses this order.")

        self.task = asyncio.ensure_future(run())

    def reset(self) -> None:
        async def run() -> None:
            await reset_chain(self.services)
            await self.load()
            self.note.setText("Back to the packaged chain.")

        self.task = asyncio.ensure_future(run())
