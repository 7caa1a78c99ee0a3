"""There is no Save: kill the app (SIGKILL) in the middle of a review, start it again, and the
document, the review and every decision are back — with zero provider calls."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from aiprism_desktop.ui.app import open_window
from tests.support.app_services import CountingFactory, open_services
from tests.ui.conftest import SAMPLE, close_window, run

ROOT = Path(__file__).resolve().parents[2]


def run_child_until_ready(data_dir: Path) -> tuple[subprocess.Popen[str], dict[str, object]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.kill_child", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if line.startswith("READY "):
            return child, json.loads(line.removeprefix("READY "))
        if not line and child.poll() is not None:
            break
    child.kill()
    raise AssertionError("the child window never got ready")


@pytest.mark.slow
def test_sigkill_mid_review_then_reopen_restores_every_decision(
    qtbot: QtBot, qloop: object, data_dir: Path
) -> None:
    child, report = run_child_until_ready(data_dir)
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    decided = report["decided"]
    assert isinstance(decided, dict)
    assert len(decided) == 4

    factory: list[CountingFactory] = []

    async def services():  # type: ignore[no-untyped-def]
        opened, counting = await open_services(data_dir)
        factory.append(counting)
        return opened

    window = run(qtbot, open_window(SAMPLE, services=services))
    try:
        session = window.controller.session
        assert session is not None
        restored = {
            s.finding.id: s.decision.value
            for s in session.state.finding_states()
            if s.decision.value != "pending"
        }
        assert restored == decided
        rejected = next(f for f, d in decided.items() if d == "rejected")
        assert session.state.get(rejected).reason == "duplicate"
        assert window.findings_model.rowCount() == report["findings"]
        assert len(session.state.analyzed_sections) == len(session.document.sections)
        states = {
            str(window.sections_model.index_of(s.id).siblingAtColumn(1).data())
            for s in session.document.sections
        }
        assert "not analyzed" not in states
        assert factory[0].built == []  # no reviewer was even built: zero provider calls
    finally:
        close_window(qtbot, window)
