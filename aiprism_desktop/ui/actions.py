"""Every command of the window as a named QAction: menus, the toolbar, the command palette
(Ctrl+K) and Help → Keyboard shortcuts all read this one registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from aiprism_desktop.ui.icons import icon


@dataclass(frozen=True, slots=True)
class Command:
    """One command: its stable key, its name, where it belongs and its shortcut."""

    key: str
    name: str
    group: str  # menu: File, Edit, Review, View, Help
    shortcut: str = ""
    icon: str = ""
    help: str = ""


class ActionRegistry:
    """QActions by key, added to one widget so their shortcuts work window-wide."""

    def __init__(self, owner: QWidget) -> None:
        self._owner = owner
        self.commands: dict[str, Command] = {}
        self.actions: dict[str, QAction] = {}

    def add(self, command: Command, handler: Callable[[], object]) -> QAction:
        action = QAction(command.name, self._owner)
        action.setObjectName(command.key)
        if command.shortcut:
            action.setShortcut(QKeySequence(command.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(
            f"{command.name} ({command.shortcut})" if command.shortcut else command.name
        )
        action.setStatusTip(command.help or command.name)
        action.triggered.connect(lambda _checked=False: handler())
        self._owner.addAction(action)
        self.commands[command.key] = command
        self.actions[command.key] = action
        return action

    def __getitem__(self, key: str) -> QAction:
        return self.actions[key]

    def in_group(self, group: str) -> list[QAction]:
        return [self.actions[c.key] for c in self.commands.values() if c.group == group]

    def apply_icons(self, color: str) -> None:
        for key, command in self.commands.items():
            if command.icon:
                self.actions[key].setIcon(icon(command.icon, color))

    def shortcuts(self) -> list[tuple[str, str, str]]:
        """(group, name, shortcut text) of every command, for Help → Keyboard shortcuts."""
        rows = []
        for command in self.commands.values():
            text = QKeySequence(command.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            rows.append((command.group, command.name, text or "—"))
        return rows
