"""Documents the OS asks the running app to open (macOS: Finder's "Open With", a file dropped
on the Dock icon). They arrive as ``QFileOpenEvent`` on the application, not in ``argv``, and
may come before the services are open: such a document waits for them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent

from aiprism_desktop.ui.main_window import MainWindow


class FileOpenHandler(QObject):
    """An application event filter that opens ``QFileOpenEvent`` files in ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._waiting: list[Path] = []
        window.controller.services_ready.connect(self._open_waiting)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            name = event.file()
            if name:
                self._open(Path(name))
                return True
        return super().eventFilter(watched, event)

    def _open(self, path: Path) -> None:
        if self._window.controller.services is None:
            self._waiting.append(path)
        else:
            self._window.open_path(path)

    def _open_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        for path in waiting[-1:]:  # one document at a time: the last one asked for
            self._window.open_path(path)
