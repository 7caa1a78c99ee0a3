"""The model chain's order and which models are switched on, as Settings edits them.

The chain is data (``models.toml``); a copy in the user's config folder replaces the packaged
one. Reordering or switching a model writes that copy (checked by the same loader before it
replaces the file) and the next analysis uses a reviewer built from it.
"""

from __future__ import annotations

import asyncio
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from aiprism_desktop.app.events import SettingsChanged
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.core.errors import ConfigError

CHAIN_SETTING = "bedrock.chain"  # the key SettingsChanged names when the chain file changed
_HEADER = (
    "# AI-Prism Desktop: your Bedrock model chain (written by Settings → Models).\n"
    "# Delete this file to go back to the packaged chain.\n\n"
)


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """One model of the chain as Settings lists it."""

    key: str
    name: str
    enabled: bool


def _chain_file(services: AppServices) -> Path:
    from aiprism_desktop.providers.bedrock.chain.profiles import (
        MODELS_FILE_NAME,
        packaged_models_file,
    )

    user = services.paths.config_dir / MODELS_FILE_NAME
    return user if user.is_file() else packaged_models_file()


def _read(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _entries(services: AppServices) -> tuple[ChainEntry, ...]:
    from aiprism_desktop.providers.bedrock.chain.profiles import load_model_chain

    return tuple(
        ChainEntry(p.key, p.display_name, p.enabled)
        for p in load_model_chain(services.paths.config_dir)
    )


async def chain_entries(services: AppServices) -> tuple[ChainEntry, ...]:
    """The chain in the order it is tried, with each model on or off (read off the loop)."""
    return await asyncio.to_thread(_entries, services)


def _write(services: AppServices, order: Sequence[tuple[str, bool]]) -> None:
    from aiprism_desktop.providers.bedrock.chain.profiles import (
        MODELS_FILE_NAME,
        parse_model_chain,
    )

    data = _read(_chain_file(services))
    by_key = {str(entry["key"]): entry for entry in data["model"]}
    keys = [key for key, _ in order]
    if sorted(keys) != sorted(by_key):
        raise ConfigError(
            "The chain must list every model exactly once.",
            detail=f"got {keys}, chain has {sorted(by_key)}",
        )
    if not any(enabled for _, enabled in order):
        raise ConfigError("Keep at least one model switched on.")
    data["model"] = [{**by_key[key], "enabled": enabled} for key, enabled in order]
    target = services.paths.config_dir / MODELS_FILE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_suffix(".toml.new")
    scratch.write_text(_HEADER + tomli_w.dumps(data), encoding="utf-8")
    try:
        parse_model_chain(scratch)  # the loader's own checks, before it replaces anything
    except ConfigError:
        scratch.unlink(missing_ok=True)
        raise
    os.replace(scratch, target)


async def save_chain(services: AppServices, order: Sequence[tuple[str, bool]]) -> None:
    """Write the chain in this order with these models on; the next run uses it."""
    await asyncio.to_thread(_write, services, order)
    services.credentials_changed()  # reviewers built from the old chain are replaced
    services.events.publish(SettingsChanged((CHAIN_SETTING,)))


async def reset_chain(services: AppServices) -> None:
    """Back to the packaged chain (the user's copy is deleted)."""
    from aiprism_desktop.providers.bedrock.chain.profiles import MODELS_FILE_NAME

    await asyncio.to_thread((services.paths.config_dir / MODELS_FILE_NAME).unlink, True)
    services.credentials_changed()
    services.events.publish(SettingsChanged((CHAIN_SETTING,)))
