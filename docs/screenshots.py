"""Render the window's main states as PNGs into docs/screenshots/ (offscreen, loopback only).

Empty window; a reviewed document in the light and the dark theme; a finding selected with its
quote flashed; the dashboard; the export dialog after an export; settings; the models view with
a model cooling down; the chat answering; offline with queued requests; an error dialog.

    .venv/bin/python -m docs.screenshots
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from aiprism_desktop.core.resources import resources_dir
from aiprism_desktop.ui.app import application, open_window
from aiprism_desktop.ui.dialogs.error_dialog import ErrorDialog
from aiprism_desktop.ui.dialogs.export_dialog import ExportDialog
from aiprism_desktop.ui.dialogs.settings_dialog import SettingsDialog
from aiprism_desktop.ui.main_window import MainWindow
from tests.fakes.bedrock_scenario import ModelScript, Outcome, Scenario
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.bedrock_harness import BASE_IDS

OUT = Path(__file__).resolve().parent / "screenshots"
SAMPLE = resources_dir() / "samples" / "investigation_report.docx"
ANSWER = (
    "The timeline says the takeover was detected on 5 March 2025, but the appendix logs the "
    "first alert on 4 March. The report should say which date is right and why the alert was "
    "not acted on the same day."
)
FINDING = {
    "type": "important",
    "risk": "high",
    "category": "Timeline",
    "description": "The detection date differs from the first alert in the appendix.",
    "suggestion": "Reconcile the dates and explain the gap.",
    "example": "",
    "questions": ["Which system raised the first alert?"],
    "quote": "",
    "framework_refs": [3],
    "confidence": 0.8,
}


async def until(condition: Callable[[], bool], timeout_s: float = 120) -> None:
    for _ in range(int(timeout_s * 50)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("the window did not get there")


async def settle(seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


def save(widget: QWidget, name: str) -> None:
    widget.repaint()
    widget.grab().save(str(OUT / f"{name}.png"))
    print(f"docs/screenshots/{name}.png")


def modal() -> QWidget:
    widget = QApplication.activeModalWidget()
    assert widget is not None
    return widget


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def offline_review(window: MainWindow) -> None:
    session = window.controller.session
    assert session is not None
    window.registry["analyze_all"].trigger()
    await until(lambda: len(session.state.analyzed_sections) == len(session.document.sections))
    await until(lambda: not window.controller.analyzing)
    # A reviewer's morning: some accepted, one rejected, one own comment.
    ids = [s.finding.id for s in session.state.finding_states()]
    for finding_id in ids[:6]:
        await session.accept(finding_id)
    await session.reject(ids[6], "Covered in the appendix.")
    section = next(s for s in session.document.sections if "phishing" in s.text)
    await session.add_comment(
        section.id,
        {
            "description": "Name the phishing campaign and link its ticket.",
            "quote": "phishing email",
        },
    )
    await settle(0.5)


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="aiprism-shots-"))
    scenario = Scenario(
        models={
            BASE_IDS["sonnet-4-5"]: ModelScript(
                outcomes=(Outcome(kind="error", error="throttling", retry_after=600),)
            )
        },
        default=ModelScript(outcomes=(Outcome(findings=(FINDING,)),), latency=0.2),
    )
    with FakeBedrock(scenario) as fake:
        os.environ.update(
            {
                "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": fake.endpoint_url,
                "AWS_REGION": "eu-west-1",
                "AWS_ACCESS_KEY_ID": "AKIDSCREENSHOTS",
                "AWS_SECRET_ACCESS_KEY": "fake",
                "XDG_DATA_HOME": str(work / "data"),
                "XDG_CONFIG_HOME": str(work / "config"),
                "XDG_STATE_HOME": str(work / "state"),
                "XDG_CACHE_HOME": str(work / "cache"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            }
        )
        window = await open_window(None, data_dir=work / "app")
        window.resize(1440, 900)
        services = window.controller.services
        assert services is not None
        await services.set_setting("ui.theme", "light")
        await services.set_setting("review.reviewer_name", "Dana Whitfield")
        await settle()
        save(window, "01-empty-window")

        await window.controller.open_document(SAMPLE)
        await offline_review(window)
        session = window.controller.session
        assert session is not None
        window.findings.step(1)
        window.findings.step(1)
        await settle(1.2)  # the quote's flash is over
        save(window, "02-document-light")
        target = next(
            s.finding.id
            for s in session.state.finding_states()
            if s.finding.anchor is not None
            and s.finding.risk.value in ("high", "medium")
            and s.finding.section_id != window.current_section
            and len(s.finding.quote) > 25
        )
        window.findings.select(target)
        await settle(0.1)
        window.section_view.flash(target)
        await settle(0.05)
        save(window, "03-finding-selected")

        await services.set_setting("ui.theme", "dark")
        await settle(0.5)
        save(window, "04-document-dark")
        await services.set_setting("ui.theme", "light")

        window.registry["dashboard"].trigger()
        await settle(0.8)
        save(window, "05-dashboard")
        for dock in window.docks.values():  # a reviewer closes the docks to see every chart
            dock.hide()
        await settle(0.8)
        save(window, "05b-dashboard-full")
        for key in ("sections", "findings", "activity"):
            window.docks[key].show()
        window.docks["findings"].raise_()
        window.registry["document"].trigger()

        window.registry["export"].trigger()
        await until(lambda: isinstance(QApplication.activeModalWidget(), ExportDialog))
        export = modal()
        assert isinstance(export, ExportDialog)
        export.out.setText(str(work / "out" / "investigation_report.reviewed.docx"))
        export.start()
        await until(lambda: export.outcome is not None)
        await settle()
        save(export, "06-export-dialog")
        export.close()

        window.registry["settings"].trigger()
        await until(lambda: isinstance(QApplication.activeModalWidget(), SettingsDialog))
        settings = modal()
        assert isinstance(settings, SettingsDialog)
        settings.test("offline")
        await settle(1.0)
        save(settings, "07-settings")
        settings.tabs.setCurrentIndex(1)
        await settle(0.8)
        save(settings, "07b-settings-aws")
        settings.close()

        # Claude on Bedrock (the fake server): Sonnet 4.5 is throttled and cools down.
        await services.set_setting("review.provider", "bedrock")
        second = session.document.sections[2].id
        window.navigator.activate(second)
        window.controller.analyze([second])
        await until(lambda: not window.controller.analyzing)
        window.docks["models"].show()
        window.docks["models"].raise_()
        window.resizeDocks([window.docks["models"]], [250], Qt.Orientation.Vertical)
        await until(lambda: window.models_panel.model.rowCount() > 0)
        window.models_panel.table.selectRow(0)
        await settle(0.5)
        save(window, "08-models-cooling-down")

        fake.set_scenario(
            Scenario(
                default=ModelScript(
                    outcomes=(Outcome(text=ANSWER),), delta_delay=0.12, chunk_chars=10
                )
            )
        )
        window.registry["chat"].trigger()
        chat = window.chat
        chat.question.setPlainText("Do the dates in the timeline agree with the appendix?")
        chat.send_question()
        await until(lambda: len(chat.answer) > 80)
        save(window, "09-chat-answering")
        await until(lambda: chat.status.text().startswith("Answered"), 60)

        # Offline: Bedrock unreachable, sections wait in the queue.
        os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = f"http://127.0.0.1:{free_port()}"
        await services.set_setting("review.concurrency", 3)  # a new reviewer, new endpoint
        wanted = [s.id for s in session.document.sections[4:7]]
        window.navigator.activate(wanted[0])
        window.docks["findings"].raise_()
        window.controller.analyze(wanted)
        await until(lambda: window.status.queue.isVisible())
        await until(lambda: not window.controller.analyzing)
        await settle(0.5)
        save(window, "10-offline-queued")

        broken = work / "minutes.docx"
        broken.write_bytes(b"PK\x03\x04 not really a Word file")
        window.open_path(broken)
        await until(lambda: isinstance(QApplication.activeModalWidget(), ErrorDialog))
        error = modal()
        assert isinstance(error, ErrorDialog)
        error.toggle.setChecked(True)
        error.resize(620, 420)
        await settle()
        save(error, "11-error-dialog")
        error.close()

        window.close()
        await window.closed.wait()


def run() -> int:
    app = application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_default_executor(ThreadPoolExecutor(4))
    loop.run_until_complete(main())
    return 0


if __name__ == "__main__":
    sys.exit(run())
