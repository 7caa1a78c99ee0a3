"""The one place that turns settings into a Reviewer (CLI, GUI and server all come here)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final

import boto3

from aiprism_desktop.aws.settings import AwsSettings
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.ports import ModelHealthRepository
from aiprism_desktop.core.reviewer import Reviewer

PROVIDERS: Final = ("offline", "bedrock")

SessionFactory = Callable[[], Awaitable[boto3.Session]]


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
    if name == "offline":
        from aiprism_desktop.providers.offline.reviewer import OfflineReviewer

        return await OfflineReviewer.open(config_dir=config_dir)  # compiles rules off the loop
    if name == "bedrock":
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
        return BedrockReviewer(session, health, settings, user_config_dir=config_dir)
    raise ConfigError(f"Unknown provider '{name}'. Choose one of: {', '.join(PROVIDERS)}.")
