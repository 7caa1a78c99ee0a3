"""The one place that turns settings into a Reviewer (CLI, GUI and server all come here)."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from aiprism_desktop.aws.settings import AwsSettings
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.ports import ModelHealthRepository
from aiprism_desktop.core.reviewer import Reviewer

if TYPE_CHECKING:
    import boto3

PROVIDERS: Final = ("offline", "bedrock")

SessionFactory = Callable[[], Awaitable["boto3.Session"]]


async def create_reviewer(
    name: str,
    *,
    config_dir: Path | None,
    health: ModelHealthRepository,
    aws: AwsSettings,
    session_factory: SessionFactory,
    concurrency: int = 8,
    allow_global_profiles: bool | None = None,
) -> Reviewer:
    """Build the named provider; ``ConfigError`` when it is unknown or not configured."""
    # Importing a provider (boto3, the rule pack's modules) and compiling its rules take
    # 100-300 ms: that happens in a worker thread, never on the event loop a window runs on.
    if name == "offline":

        def build_offline() -> Reviewer:
            from aiprism_desktop.providers.offline.reviewer import OfflineReviewer

            return OfflineReviewer(config_dir=config_dir)

        return await asyncio.to_thread(build_offline)
    if name == "bedrock":
        await asyncio.to_thread(
            importlib.import_module, "aiprism_desktop.providers.bedrock.reviewer"
        )
        from aiprism_desktop.providers.bedrock.chain.types import ChainSettings
        from aiprism_desktop.providers.bedrock.reviewer import BedrockReviewer, BedrockSettings

        session = await session_factory()
        region = session.region_name
        if not region:
            raise ConfigError(
                "No AWS region is set. Choose one in Settings (or `aiprism config set "
                "aws.region us-east-1`), or set AWS_REGION."
            )
        settings = BedrockSettings(
            region=region,
            endpoint_url=aws.bedrock_endpoint_url,
            max_concurrency=max(1, concurrency),
            chain=ChainSettings(allow_global_profiles=allow_global_profiles),
        )
        reviewer = BedrockReviewer(session, health, settings, user_config_dir=config_dir)
        await reviewer.connect()  # the client now (off the loop), not inside the first call
        return reviewer
    raise ConfigError(f"Unknown provider '{name}'. Choose one of: {', '.join(PROVIDERS)}.")
