"""Settings fields generated from the settings declarations (vorta's habit) and stored the
moment they change: there is no Save button. A refused value is said next to its field."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.settings import Setting, declared
from aiprism_desktop.core.errors import AIPrismError

ChoiceLabels = dict[str, str]


class SettingsBinder(QObject):
    """Writes a field's value through ``AppServices.set_setting`` as soon as it changes."""

    stored = Signal(str)  # key

    def __init__(self, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.errors: dict[str, QLabel] = {}
        self.pending: set[asyncio.Task[None]] = set()

    def store(self, key: str, value: Any) -> asyncio.Task[None]:
        task = asyncio.ensure_future(self._store(key, value))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)
        return task

    async def _store(self, key: str, value: Any) -> None:
        label = self.errors.get(key)
        try:
            if value == "" and declared(key).default == "":
                await self.services.unset_setting(key)
            else:
                await self.services.set_setting(key, value)
        except AIPrismError as error:
            if label is not None:
                label.setText(error.message)
                label.show()
            return
        if label is not None:
            label.hide()
        self.stored.emit(key)

    async def settle(self) -> None:
        """Wait for every change still being stored (tests, closing the dialog)."""
        while self.pending:
            await asyncio.gather(*tuple(self.pending), return_exceptions=True)


def add_field(
    form: QFormLayout,
    binder: SettingsBinder,
    key: str,
    *,
    choices: Sequence[str] | None = None,
    labels: ChoiceLabels | None = None,
    secret: bool = False,
    placeholder: str = "",
) -> QWidget:
    """A row for one declared setting: a combo for choices, a spin box for whole numbers, a
    line edit otherwise. Returns the editor."""
    setting: Setting = declared(key)
    value = binder.services.settings[key]
    editor: QWidget
    options = tuple(choices if choices is not None else setting.choices)
    if options:
        combo = QComboBox()
        for option in options:
            combo.addItem((labels or {}).get(option, option), option)
        combo.setCurrentIndex(max(0, combo.findData(value)))
        combo.currentIndexChanged.connect(lambda _i: binder.store(key, combo.currentData()))
        editor = combo
    elif setting.type is int:
        spin = QSpinBox()
        spin.setRange(setting.minimum, 64)
        spin.setValue(int(value))
        spin.valueChanged.connect(lambda v: binder.store(key, int(v)))
        editor = spin
    else:
        line = QLineEdit(str(value))
        line.setPlaceholderText(placeholder)
        if secret:
            line.setEchoMode(QLineEdit.EchoMode.Password)
        line.editingFinished.connect(lambda: binder.store(key, line.text().strip()))
        editor = line
    editor.setObjectName(key)
    editor.setAccessibleName(setting.label)
    editor.setToolTip(setting.help)
    error = QLabel()
    error.setStyleSheet("color: #c62828")
    error.setWordWrap(True)
    error.hide()
    binder.errors[key] = error
    form.addRow(setting.label, editor)
    form.addRow("", error)
    return editor


def run_guarded(
    label: QLabel, work: Callable[[], Awaitable[str]], busy: str = "Working…"
) -> asyncio.Task[None]:
    """Run ``work`` and put its result (or the error's message) in ``label``."""

    async def run() -> None:
        label.setText(busy)
        try:
            label.setText(await work())
        except AIPrismError as error:
            label.setText(f"<span style='color:#c62828'>{error.message}</span>")

    return asyncio.ensure_future(run())
