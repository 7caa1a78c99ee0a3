"""Settings → Models: reorder the chain and switch models on or off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from aiprism_desktop.app import events as ev
from aiprism_desktop.app.model_chain import chain_entries, reset_chain, save_chain
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.providers.bedrock.chain.profiles import load_model_chain
from tests.support.app_services import close, open_services


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[AppServices]:
    opened, _factory = await open_services(tmp_path / "data")
    yield opened
    await close(opened)


async def test_reordered_chain_is_what_the_loader_reads_and_a_new_reviewer_is_built(
    services: AppServices,
) -> None:
    heard: list[ev.AppEvent] = []
    services.events.subscribe(heard.append)
    before = await chain_entries(services)
    assert before[0].key == "sonnet-4-5"
    spec_before = services.provider_spec("bedrock")
    order = [(e.key, e.key != "opus-4-5") for e in reversed(before)]
    await save_chain(services, order)

    profiles = load_model_chain(services.paths.config_dir)
    assert [p.key for p in profiles] == [key for key, _ in order]
    assert {p.key for p in profiles if not p.enabled} == {"opus-4-5"}
    after = await chain_entries(services)
    assert [(e.key, e.enabled) for e in after] == order
    assert services.provider_spec("bedrock") != spec_before
    assert any(isinstance(e, ev.SettingsChanged) and e.keys == ("bedrock.chain",) for e in heard)

    await reset_chain(services)
    assert [e.key for e in await chain_entries(services)] == [e.key for e in before]


async def test_a_chain_without_a_model_or_with_none_on_is_refused(services: AppServices) -> None:
    entries = await chain_entries(services)
    with pytest.raises(ConfigError, match="every model"):
        await save_chain(services, [(e.key, True) for e in entries[1:]])
    with pytest.raises(ConfigError, match="at least one"):
        await save_chain(services, [(e.key, False) for e in entries])
    assert not (services.paths.config_dir / "models.toml").exists()
