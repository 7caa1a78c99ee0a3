"""A real window in a child process for the kill-and-restore test: open the sample, analyze
all, decide some findings by keyboard, print what was decided, then wait to be killed.

    python -m tests.ui.kill_child DATA_DIR
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from aiprism_desktop.core.resources import resources_dir
from aiprism_desktop.ui.app import application, open_window

SAMPLE = resources_dir() / "samples" / "investigation_report.docx"


async def until(condition: object, timeout_s: float = 60) -> None:
    for _ in range(int(timeout_s * 100)):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("the window did not get there")


async def scenario(data_dir: Path) -> None:
    window = await open_window(SAMPLE, data_dir=data_dir)
    session = window.controller.session
    assert session is not None
    window.activateWindow()
    window.findings.view.setFocus()
    QTest.keyClick(
        window,
        Qt.Key.Key_Return,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    await until(lambda: window.controller.analyzing)
    await until(lambda: not window.controller.analyzing)
    decided: dict[str, str] = {}
    for n in range(4):
        QTest.keyClick(window.findings.view, Qt.Key.Key_J)
        finding_id = window.findings.current_id()
        QTest.keyClick(window.findings.view, Qt.Key.Key_A if n < 3 else Qt.Key.Key_R)
        if n == 3:
            await until(lambda: QApplication.activeModalWidget() is not None)
            dialog = QApplication.activeModalWidget()
            QTest.keyClicks(dialog.reason, "duplicate")  # type: ignore[union-attr]
            QTest.keyClick(dialog.reason, Qt.Key.Key_Return)  # type: ignore[union-attr]
        wanted = "accepted" if n < 3 else "rejected"
        await until(lambda fid=finding_id, d=wanted: session.state.get(fid).decision.value == d)
        decided[finding_id] = wanted
    print(
        "READY " + json.dumps({"decided": decided, "findings": window.findings_model.rowCount()}),
        flush=True,
    )
    await asyncio.Event().wait()  # until SIGKILL


def main() -> None:
    app = application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_default_executor(ThreadPoolExecutor(4))
    loop.run_until_complete(scenario(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
