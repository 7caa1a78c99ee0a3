"""The application layer over Claude on Bedrock (the fake server, real boto3), as a window uses
it: analyze all, watch the attempts live, decide while sections still finish, export."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from aiprism_desktop.app import events as ev
from aiprism_desktop.app import models
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.core.findings import Action, Decision, DecisionEvent
from tests.fakes.bedrock_scenario import EVIDENCE_FINDING
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.app_services import SAMPLE, close
from tests.support.bedrock_harness import first_model_throttled, point_the_app_at


@pytest.fixture
def throttled_first_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBedrock]:
    """Sonnet 4.5 is throttled with a long Retry-After (so the chain moves on); the next model
    answers every section, slowly enough that decisions are made while sections still run."""
    with FakeBedrock(first_model_throttled(latency=0.05)) as fake:
        point_the_app_at(fake, monkeypatch)
        yield fake


async def test_analyze_all_shows_attempts_live_and_keeps_every_decision(
    throttled_first_model: FakeBedrock, tmp_path: Path
) -> None:
    services = await AppServices.open(tmp_path / "data")
    try:
        await services.set_setting("review.provider", "bedrock")
        session = await ReviewSession.open(services, SAMPLE, actor="dana")
        heard: list[ev.AppEvent] = []
        clicks: list[asyncio.Task[DecisionEvent | None]] = []
        still_running: list[bool] = []

        def window(event: ev.AppEvent) -> None:
            heard.append(event)
            if isinstance(event, ev.SectionFinished) and event.findings:
                # Accept on screen while other sections are still being reviewed.
                still_running.append(any(a.kind == "analyzing" for a in session.activity.values()))
                clicks.append(asyncio.ensure_future(session.accept(event.findings[0].id)))

        session.subscribe(window)
        run = await session.analyze()
        await asyncio.gather(*clicks)
        assert run.status == "completed"
        assert any(still_running)

        # The first section's attempts, as they happened: throttled → fallback → answered.
        first = next(e.section_id for e in heard if isinstance(e, ev.SectionAttemptStarted))
        steps = [
            (type(e).__name__, e.model)
            if isinstance(e, ev.SectionAttemptStarted)
            else (type(e).__name__, f"{e.attempt.model}:{e.attempt.outcome}")
            for e in heard
            if isinstance(e, ev.SectionAttemptStarted | ev.SectionAttemptEnded)
            and e.section_id == first
        ]
        assert steps[0] == ("SectionAttemptStarted", "sonnet-4-5")
        assert steps[1][0] == "SectionAttemptEnded"
        assert steps[1][1].startswith("sonnet-4-5:")
        assert not steps[1][1].endswith(":ok")
        assert steps[2:] == [
            ("SectionAttemptStarted", "opus-4-5"),
            ("SectionAttemptEnded", "opus-4-5:ok"),
        ]
        finished = [e for e in heard if isinstance(e, ev.SectionFinished)]
        assert {e.model for e in finished} == {"opus-4-5"}
        order = [type(e).__name__ for e in heard if getattr(e, "section_id", "") == first]
        assert order.index("SectionAttemptEnded") < order.index("SectionFinished")
        assert any(isinstance(e, ev.ModelStatusChanged) and e.model == "sonnet-4-5" for e in heard)
        view = await models.models(services)
        sonnet = next(row for row in view.rows if row.key == "sonnet-4-5")
        assert sonnet.state.state == "cooling_down"

        accepted = [e.findings[0].id for e in finished if e.findings]
        assert len(accepted) == len(finished) > 5
        assert all(session.state.get(f).decision is Decision.ACCEPTED for f in accepted)
        stored = await services.store.events(session.document_id)
        assert sorted(e.finding_id for e in stored if e.action is Action.ACCEPT) == sorted(accepted)

        out = tmp_path / "reviewed.docx"
        result = await session.export(out)
        assert result.docx.comments_added == len(accepted)
        comments = docx.Document(str(out)).comments
        assert len(comments) == len(accepted)
        assert all(str(EVIDENCE_FINDING["description"]) in c.text for c in comments)
    finally:
        await close(services)
