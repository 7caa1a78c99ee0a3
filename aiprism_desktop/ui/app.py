"""Starting the window: ``python -m aiprism_desktop [FILE]`` and ``./run`` come here.

One asyncio loop (qasync's) runs in the Qt event loop. The window shows at once; the services
(store, settings, frameworks) open on the loop and the document is parsed off it; boto3 and
the rule pack are only imported when a reviewer is first needed, in a worker thread.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import qasync
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from aiprism_desktop.app.export_worker import ExportWorker
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.ui import theme as themes
from aiprism_desktop.ui.commands import install_commands
from aiprism_desktop.ui.controller import ReviewController
from aiprism_desktop.ui.file_open import FileOpenHandler
from aiprism_desktop.ui.icons import icon
from aiprism_desktop.ui.main_window import SETTINGS_APP, SETTINGS_ORG, MainWindow
from aiprism_desktop.ui.memory import freeze_long_lived, share_the_gil_quickly
from aiprism_desktop.ui.presenter import ReviewPresenter

log = logging.getLogger(__name__)
WORKER_THREADS = 8  # parsing, export, keyring, boto3 imports (boto3 calls have their own)

ServicesFactory = Callable[[], Awaitable[AppServices]]


def application() -> QApplication:
    """The QApplication (created once, with the app's names for QSettings and the desktop)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(SETTINGS_ORG)
    app.setApplicationName(SETTINGS_APP)
    app.setApplicationDisplayName("AI-Prism")
    app.setDesktopFileName("aiprism-desktop")
    app.setQuitOnLastWindowClosed(False)  # the window closes itself after the store is closed
    return app


def build_window() -> tuple[MainWindow, ReviewPresenter]:
    """The window, the presenter that keeps it in step with the review, and its commands."""
    window = MainWindow(ReviewController(), themes.resolve("system"))
    presenter = ReviewPresenter(window)
    install_commands(window)
    return window, presenter


async def open_window(
    document: Path | None = None,
    *,
    services: ServicesFactory | None = None,
    data_dir: Path | None = None,
    show: bool = True,
    watch_interval_s: float = 30.0,
) -> MainWindow:
    """Show the window, open the services, then the document (if any). Tests, benchmarks and
    the screenshots use it as ``main`` does."""
    app = application()
    share_the_gil_quickly()
    window, presenter = build_window()
    app.installEventFilter(FileOpenHandler(window))  # macOS "Open With" (packaging/pyinstaller)
    window.setWindowIcon(icon("sparkles", window.theme.accent))
    window.restore_layout()
    if show:
        window.show()
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.connect(lambda _scheme: presenter.settings_changed(("ui.theme",)))
    _install_error_hooks(window)
    factory = services or (lambda: AppServices.open(data_dir, export_worker=ExportWorker()))
    await window.controller.start(factory, watch_interval_s=watch_interval_s)
    freeze_long_lived()  # Qt, the widgets and the services are here to stay
    if document is not None:
        task = window.controller.open_document(document)
        await asyncio.wait([task])
    return window


def _install_error_hooks(window: MainWindow) -> None:
    """Uncaught exceptions in slots and loop callbacks end in the error dialog, never silence."""

    def excepthook(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        log.error("Unexpected error", exc_info=(kind, error, trace))
        if isinstance(error, Exception):
            window.show_error("An action", error.with_traceback(trace))

    def loop_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, Exception) and not window.closing:
            log.error("Unexpected error: %s", context.get("message"), exc_info=error)
            window.show_error("A background task", error)
        else:
            loop.default_exception_handler(context)

    sys.excepthook = excepthook
    asyncio.get_event_loop().set_exception_handler(loop_handler)


async def _run(document: Path | None, data_dir: Path | None) -> int:
    window = await open_window(document, data_dir=data_dir)
    await window.closed.wait()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``aiprism-desktop [FILE] [--data-dir DIR]``."""
    parser = argparse.ArgumentParser(prog="aiprism-desktop", description="AI-Prism Desktop")
    parser.add_argument("document", nargs="?", type=Path, help="a .docx/.docm/.dotx to open")
    parser.add_argument("--data-dir", type=Path, default=None, help="where reviews are stored")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    app = application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    executor = ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="aiprism-worker")
    loop.set_default_executor(executor)
    try:
        return int(loop.run_until_complete(_run(args.document, args.data_dir)))
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
