"""The window over Claude on Bedrock (the fake server, real boto3): one model throttling while
sections are analysed — the status line says so live and the models view shows it cooling
down — and the chat streams an answer that can be stopped and turned into a finding."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from aiprism_desktop.app import events as ev
from aiprism_desktop.core.findings import Decision
from aiprism_desktop.ui.main_window import MainWindow
from tests.fakes.bedrock_scenario import EVIDENCE_FINDING, Outcome
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.bedrock_harness import first_model_throttled, point_the_app_at
from tests.support.export_factory import docx2python_comments
from tests.ui.conftest import run

ANSWER = (
    "The timeline gives 5 March for the takeover but the appendix logs the first alert on "
    "4 March; say which one is right."
)


@pytest.fixture
def bedrock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBedrock]:
    """Sonnet 4.5 is throttled (long Retry-After); the others answer, streaming slowly."""
    scenario = first_model_throttled(latency=0.05, delta_delay=0.05, chunk_chars=12)
    with FakeBedrock(scenario) as fake:
        point_the_app_at(fake, monkeypatch)
        yield fake


def use_bedrock(qtbot: QtBot, window: MainWindow) -> None:
    services = window.controller.services
    assert services is not None
    run(qtbot, services.set_setting("review.provider", "bedrock"))
    assert window.status.provider.text() == "Reviewer: bedrock"


def test_throttled_model_is_shown_live_and_cooling_down_and_the_review_completes(
    qtbot: QtBot, window: MainWindow, bedrock: FakeBedrock, tmp_path: Path
) -> None:
    use_bedrock(qtbot, window)
    session = window.controller.session
    assert session is not None
    live: list[str] = []
    navigator: list[str] = []

    def seen(event: ev.SectionAttemptStarted) -> None:
        live.append(window.status.live.text())
        index = window.sections_model.index_of(event.section_id).siblingAtColumn(1)
        navigator.append(str(index.data()))

    window.controller.signals.attempt_started.connect(seen)
    window.registry["analyze_all"].trigger()
    assert window.registry["cancel"].isEnabled()
    qtbot.waitUntil(lambda: not window.registry["cancel"].isEnabled(), timeout=120_000)
    assert not window.controller.analyzing
    assert any("Sonnet 4.5 throttled → trying Opus 4.5" in text for text in live), live
    assert "analyzing: Claude Opus 4.5" in navigator
    assert all(session.section_status(s).kind != "failed" for s in session.state.analyzed_sections)
    assert window.findings_model.rowCount() >= len(session.state.analyzed_sections) - 1

    # The models view shows Sonnet 4.5 cooling down, with a Re-enable button.
    window.docks["models"].show()
    window.docks["models"].raise_()
    panel = window.models_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=20_000)
    states = {panel.model.index(r, 0).data(): panel.model.index(r, 1).data() for r in range(7)}
    assert states["Claude Sonnet 4.5"].startswith("cooling down until")
    assert states["Claude Opus 4.5"] == "ready"
    panel.table.selectRow(0)
    assert panel.reenable.isEnabled()
    qtbot.mouseClick(panel.reenable, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.index(0, 1).data() == "ready", timeout=20_000)

    # Accept the shown set in one step, undo it as one, export after redo.
    window.registry["accept_shown"].trigger()
    qtbot.waitUntil(
        lambda: all(s.decision is Decision.ACCEPTED for s in session.state.finding_states())
    )
    window.registry["undo"].trigger()
    qtbot.waitUntil(
        lambda: all(s.decision is Decision.PENDING for s in session.state.finding_states())
    )
    window.registry["redo"].trigger()
    qtbot.waitUntil(
        lambda: all(s.decision is Decision.ACCEPTED for s in session.state.finding_states())
    )
    accepted = len(session.state.finding_states())
    out = tmp_path / "bedrock.reviewed.docx"
    result = run(qtbot, window.controller.export(out, reports=(), tracked_changes=False, s3=False))
    assert result.docx.comments_added == accepted
    description = str(EVIDENCE_FINDING["description"])
    assert all(description in text for *_rest, text in docx2python_comments(out))


def test_chat_streams_can_be_stopped_and_the_answer_becomes_a_finding(
    qtbot: QtBot, window: MainWindow, bedrock: FakeBedrock
) -> None:
    use_bedrock(qtbot, window)
    session = window.controller.session
    assert session is not None
    bedrock.set_scenario(
        first_model_throttled(Outcome(text=ANSWER), latency=0.05, delta_delay=0.05, chunk_chars=12)
    )
    chat = window.chat
    window.registry["chat"].trigger()
    assert chat.question.hasFocus() or chat.isVisible()

    # Stop after the first pieces arrive: what arrived is kept, marked as stopped.
    qtbot.keyClicks(chat.question, "Do the dates agree?")
    qtbot.mouseClick(chat.send, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(chat.answer) >= 12, timeout=30_000)
    assert chat.stop.isEnabled()
    assert "▍" in chat.transcript.toPlainText()  # still streaming
    qtbot.mouseClick(chat.stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chat.status.text().startswith("Stopped"), timeout=10_000)
    assert len(chat.answer) < len(ANSWER)
    history = run(qtbot, session.chat_history())
    assert history[-1].role == "assistant"
    assert history[-1].text.endswith("[stopped]")

    # Ask again and let it finish: it streams in whole and names the model.
    qtbot.keyClicks(chat.question, "Which date is right?")
    qtbot.keyClick(chat.question, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: chat.status.text().startswith("Answered by"), timeout=30_000)
    assert chat.answer == ANSWER
    assert chat.status.text() == "Answered by Opus 4.5"
    assert ANSWER in chat.transcript.toPlainText()

    # One click: the answer is a finding on the current section.
    section_id = window.current_section
    before = window.findings_model.rowCount()
    qtbot.mouseClick(chat.to_finding, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findings_model.rowCount() == before + 1, timeout=10_000)
    (own,) = [s for s in session.state.finding_states() if s.is_reviewer_comment]
    assert own.finding.description == ANSWER
    assert own.finding.section_id == section_id
    assert own.finding.category.startswith("From chat")
