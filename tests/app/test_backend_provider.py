"""The application with the ``backend`` provider against the real team backend: sections queue
in the outbox while the backend cannot be reached and run once /v1/health answers again;
decisions sync (idempotently) and show in the team's statistics; the token comes from the
keyring or AIPRISM_BACKEND_TOKEN."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from aiprism_desktop.app import backend_sync, outbox
from aiprism_desktop.app import credentials as saved
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.core.errors import ConfigError, ProviderUnavailableError
from aiprism_desktop.providers.backend.reviewer import BackendReviewer
from tests.support.app_services import SAMPLE, close
from tests.support.backend_servers import RunningBackend
from tests.support.tcp_relay import TcpRelay

pytestmark = pytest.mark.slow


async def backend_services(data_dir: Path, url: str, token: str) -> AppServices:
    services = await AppServices.open(data_dir)
    await services.set_setting("review.provider", "backend")
    await services.set_setting("backend.url", url)
    await saved.save_backend_token(services, token)
    return services


def test_unreachable_backend_queues_and_drains_when_health_answers(
    backend: RunningBackend, tmp_path: Path
) -> None:
    async def scenario() -> None:
        with TcpRelay(backend.server.port) as network:
            services = await backend_services(tmp_path / "data", network.url, backend.token())
            try:
                session = await ReviewSession.open(services, SAMPLE)
                sections = [s.id for s in session.document.sections if not s.is_empty][:2]
                network.down()
                run = await session.analyze(sections)
                assert (run.finished, run.queued) == (0, 2)
                assert len(await services.store.pending("backend")) == 2
                assert (await outbox.drain(services)).ran == 0  # health does not answer yet
                network.up()
                result = await outbox.drain(services)
                assert (result.ran, result.left) == (2, 0)
                findings = await services.store.findings(session.document.sha256)
                assert {f.section_id for f in findings} == set(sections)
                assert all(f.origin.startswith("model:") for f in findings)
            finally:
                await close(services)

    asyncio.run(scenario())


def test_decisions_sync_once_and_count_in_team_statistics(
    backend: RunningBackend, tmp_path: Path
) -> None:
    token = backend.token()

    async def scenario() -> tuple[int, int, int]:
        services = await backend_services(tmp_path / "data", backend.url, token)
        try:
            session = await ReviewSession.open(services, SAMPLE)
            first = next(s.id for s in session.document.sections if not s.is_empty)
            await session.analyze([first])
            accepted = await session.accept_all_pending()
            document_id = session.document.sha256
            once = await backend_sync.sync_review(services, document_id)
            twice = await backend_sync.sync_review(services, document_id)
            assert once.review_id == twice.review_id
            assert (twice.received, twice.duplicates) == (0, once.received)
            return accepted, once.received, twice.events_total
        finally:
            await close(services)

    accepted, received, total = asyncio.run(scenario())
    assert accepted >= 1
    assert received == total >= 1
    headers = {"Authorization": f"Bearer {token}"}
    stats = httpx.get(f"{backend.url}/v1/stats", headers=headers).json()
    assert stats["acceptance"]["overall"]["accepted"] == accepted
    assert stats["documents"] == 1


def test_sync_while_offline_raises_unavailable(backend: RunningBackend, tmp_path: Path) -> None:
    async def scenario() -> None:
        with TcpRelay(backend.server.port) as network:
            services = await backend_services(tmp_path / "data", network.url, backend.token())
            try:
                network.down()
                with pytest.raises(ProviderUnavailableError):
                    await backend_sync.sync_review(services, "b" * 64)
            finally:
                await close(services)

    asyncio.run(scenario())


def test_token_from_the_environment_wins_and_missing_settings_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        services = await AppServices.open(tmp_path / "data")
        try:
            with pytest.raises(ConfigError, match="URL"):
                await services.reviewer("backend")
            await services.set_setting("backend.url", "http://127.0.0.1:9")
            with pytest.raises(ConfigError, match="set-backend-token"):
                await services.reviewer("backend")
            monkeypatch.setenv("AIPRISM_BACKEND_TOKEN", "aip_from_env")
            reviewer = await services.reviewer("backend")
            assert isinstance(reviewer, BackendReviewer)
            assert reviewer.settings.token == "aip_from_env"
            await services.set_setting("backend.url", "http://backend.example.com")
            with pytest.raises(ConfigError, match="https"):
                await services.reviewer("backend")
        finally:
            await close(services)

    asyncio.run(scenario())
