"""The composition root: reviewer lifetime, settings that reach running services, chat, the
outbox, credentials."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from aiprism_desktop.app import credentials, outbox
from aiprism_desktop.app import events as ev
from aiprism_desktop.app.chat import STOPPED_NOTE, EmptyQuestionError
from aiprism_desktop.app.provider_pool import ProviderPool, ProviderSpec
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.reviewer import ChatEvent, ChatRequest, Reviewer
from aiprism_desktop.secrets.credentials import AwsKeys, CredentialStore
from tests.conftest import MemoryKeyring
from tests.fakes.scripted_provider import ScriptedReviewer
from tests.support.app_services import SAMPLE, close, open_services


async def test_switching_provider_settings_closes_the_old_reviewer(tmp_path: Path) -> None:
    services, factory = await open_services(tmp_path / "data")
    try:
        first = await services.reviewer()
        assert await services.reviewer() is first  # same settings: the same reviewer
        await services.set_setting("review.concurrency", 2)
        second = await services.reviewer()
        assert second is not first
        assert factory.built[0].closed  # nothing held it: closed at once
        assert not factory.built[1].closed
        assert len(factory.built) == 2
    finally:
        await close(services)
    assert all(r.closed for r in factory.built)


async def test_a_reviewer_in_use_is_closed_only_when_its_run_ends() -> None:
    built: list[ScriptedReviewer] = []

    async def factory(spec: ProviderSpec) -> Reviewer:
        built.append(ScriptedReviewer(name=spec.name))
        return built[-1]

    pool = ProviderPool(factory)
    async with pool.lease(ProviderSpec("offline", config=1)) as held:
        await pool.get(ProviderSpec("offline", config=2))  # settings changed mid-run
        assert held is built[0]
        assert built[0].closed == 0
    assert built[0].closed == 1
    assert built[1].closed == 0
    await pool.close()
    assert built[1].closed == 1


async def test_a_setting_change_is_checked_stored_and_announced(tmp_path: Path) -> None:
    services, _factory = await open_services(tmp_path / "data")
    heard: list[ev.AppEvent] = []
    services.events.subscribe(heard.append)
    try:
        with pytest.raises(ConfigError):
            await services.set_setting("aws.region", "not a region")
        with pytest.raises(ConfigError):
            await services.set_setting("review.concurrency", 0)
        assert heard == []
        assert services.settings["aws.region"] == ""
        await services.set_setting("aws.region", "eu-west-1")
        assert services.settings["aws.region"] == "eu-west-1"
        assert heard == [ev.SettingsChanged(("aws.region",))]
        assert await services.store.get_setting("aws.region") == "eu-west-1"
        await services.unset_setting("aws.region")
        assert services.settings["aws.region"] == ""
    finally:
        await close(services)


async def test_credentials_that_could_not_be_kept_change_the_sign_in_for_this_session_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, _factory = await open_services(tmp_path / "data")
    try:
        services.credentials = CredentialStore(backend=_NoKeyring())
        outcome = await credentials.save_aws_keys(
            services, AwsKeys("AKIDTESTFAKEKEY00000", "secret-value", None)
        )
        assert not outcome.persisted
        assert services.settings["aws.auth_method"] == "keys"  # this session signs in with them
        assert await services.store.get_setting("aws.auth_method") is None  # nothing for later
        services.credentials = CredentialStore(backend=MemoryKeyring())
        kept = await credentials.save_bedrock_api_key(services, "bedrock-api-key-value")
        assert kept.persisted
        assert await services.store.get_setting("aws.auth_method") == "api_key"
    finally:
        await close(services)


class _NoKeyring(MemoryKeyring):
    """A keyring that refuses every write, as Linux without Secret Service does."""

    def set_password(self, service: str, username: str, password: str) -> None:
        import keyring.errors

        raise keyring.errors.NoKeyringError("no secure keyring on this machine")


async def test_chat_keeps_history_and_what_arrived_before_a_stop(tmp_path: Path) -> None:
    class SlowChat(ScriptedReviewer):
        async def chat(self, request: ChatRequest) -> AsyncIterator[ChatEvent]:
            yield ChatEvent("delta", text="The root cause ", model="slow")
            await asyncio.sleep(30)
            yield ChatEvent("delta", text="never arrives", model="slow")

    reviewer = SlowChat()

    async def factory(_spec: ProviderSpec) -> Reviewer:
        return reviewer

    services = await AppServices.open(tmp_path / "data", reviewer_factory=factory)
    try:
        session = await ReviewSession.open(services, SAMPLE)
        with pytest.raises(EmptyQuestionError):
            [e async for e in session.chat("   ")]
        stream = session.chat("Is the root cause systemic?", section_id="s007")
        first = await anext(stream)
        assert first.text == "The root cause "
        await stream.aclose()  # the reviewer pressed Stop
        history = await session.chat_history()
        assert [(r.role, r.section_id) for r in history] == [
            ("user", "s007"),
            ("assistant", "s007"),
        ]
        assert history[1].text == "The root cause " + STOPPED_NOTE
    finally:
        await close(services)


async def test_queued_sections_run_when_the_provider_is_back_and_the_open_review_shows_them(
    tmp_path: Path,
) -> None:
    reviewer = ScriptedReviewer(reachable=False)

    async def factory(_spec: ProviderSpec) -> Reviewer:
        return reviewer

    services = await AppServices.open(tmp_path / "data", reviewer_factory=factory)
    heard: list[ev.AppEvent] = []
    try:
        session = await ReviewSession.open(services, SAMPLE)
        session.subscribe(heard.append)
        wanted = [s.id for s in session.document.sections[:3]]
        run = await session.analyze(wanted)
        assert run.queued == 3
        assert ev.QueueChanged(3) in heard
        assert session.section_status(wanted[0]).kind == "queued"
        reviewer.reachable = True
        result = await outbox.drain(services, refresh=lambda _doc: session.reload())
        assert (result.ran, result.left) == (3, 0)
        assert result.documents == (session.document_id,)
        assert all(session.section_status(s).kind == "reviewed" for s in wanted)
        assert ev.QueueChanged(0) in heard
    finally:
        await close(services)
