"""Unreachable provider: the sections go to the queue, the status bar counts them, and they
run by themselves when the provider is back."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from aiprism_desktop.ui.app import open_window
from tests.fakes.bedrock_scenario import ModelScript, Outcome, Scenario
from tests.fakes.fake_bedrock import FakeBedrock
from tests.ui.conftest import SAMPLE, close_window, run

FINDING = {
    "type": "suggestion",
    "risk": "low",
    "category": "Clarity",
    "description": "Say who decided this.",
    "suggestion": "",
    "example": "",
    "questions": [],
    "quote": "",
    "framework_refs": [],
    "confidence": 0.6,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_sections_queue_while_offline_and_run_when_the_provider_is_back(
    qtbot: QtBot, qloop: object, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()  # nothing listens here yet: Bedrock is unreachable
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDTESTFAKE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
    window = run(qtbot, open_window(SAMPLE, data_dir=data_dir, watch_interval_s=0.5))
    try:
        services = window.controller.services
        session = window.controller.session
        assert services is not None
        assert session is not None
        run(qtbot, services.set_setting("review.provider", "bedrock"))
        wanted = [s.id for s in session.document.sections[1:3]]
        window.navigator.activate(wanted[0])
        window.controller.analyze(wanted)
        qtbot.waitUntil(lambda: window.status.queue.isVisible(), timeout=120_000)
        assert window.status.queue.text() == "2 requests queued (offline)"
        index = window.sections_model.index_of(wanted[0]).siblingAtColumn(1)
        assert index.data() == "queued"
        assert window.section_view.banner.text().startswith("Queued")  # followed live

        scenario = Scenario(default=ModelScript(outcomes=(Outcome(findings=(FINDING,)),)))
        with FakeBedrock(scenario, port=port):
            qtbot.waitUntil(lambda: not window.status.queue.isVisible(), timeout=120_000)
            qtbot.waitUntil(lambda: index.data() != "queued", timeout=20_000)
        assert all(session.section_status(s).kind == "reviewed" for s in wanted)
        described = {s.finding.description for s in session.state.finding_states()}
        assert FINDING["description"] in described
    finally:
        close_window(qtbot, window)
