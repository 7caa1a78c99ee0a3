"""Driving the real window offscreen: a qasync loop that runs inside pytest-qt's event
processing (qasync's ``already_running`` mode, per test), and a window on a private data dir.

``qtbot.waitUntil`` spins the Qt event loop, which runs the asyncio callbacks, so the window's
tasks (store, parsing, analysis) progress while a test waits for what a reviewer would see.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from pytestqt.qtbot import QtBot

from aiprism_desktop.app.logging_setup import remove_app_handlers
from aiprism_desktop.core.resources import resources_dir
from aiprism_desktop.ui.app import application, open_window
from aiprism_desktop.ui.main_window import MainWindow

SAMPLE = resources_dir() / "samples" / "investigation_report.docx"
T = TypeVar("T")


@pytest.fixture(scope="session")
def qapp_cls() -> type:
    from PySide6.QtWidgets import QApplication

    return QApplication


@pytest.fixture
def qloop(qapp: Any) -> Iterator[qasync.QEventLoop]:
    """The window's asyncio loop for one test, running inside Qt's event processing."""
    application()
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    executor = ThreadPoolExecutor(4, thread_name_prefix="test-ui")
    loop.set_default_executor(executor)
    yield loop
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
    executor.shutdown(wait=True, cancel_futures=True)


def run(qtbot: QtBot, coroutine: Coroutine[Any, Any, T], timeout_s: float = 60) -> T:
    """Run a coroutine on the window's loop and wait for its result."""
    task = asyncio.ensure_future(coroutine)
    qtbot.waitUntil(task.done, timeout=int(timeout_s * 1000))
    return task.result()


def close_window(qtbot: QtBot, window: MainWindow) -> None:
    """Close as a reviewer does: the store is closed before the window goes."""
    window.close()
    qtbot.waitUntil(window.closed.is_set, timeout=20_000)
    remove_app_handlers()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def window(qtbot: QtBot, qloop: qasync.QEventLoop, data_dir: Path) -> Iterator[MainWindow]:
    """The real window on the bundled sample, offline reviewer, private data dir."""
    opened = run(qtbot, open_window(SAMPLE, data_dir=data_dir))
    yield opened
    if not opened.closed.is_set():
        close_window(qtbot, opened)
