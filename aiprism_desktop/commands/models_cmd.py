"""``aiprism models`` and ``aiprism enable-model``: the Bedrock chain and each model's state."""

from __future__ import annotations

import argparse

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.commands.common import ExitCode, emit_json, info
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.providers.bedrock.chain.report import format_chain
from aiprism_desktop.providers.bedrock.reviewer import BedrockReviewer


async def _bedrock(services: AppServices, region: str | None) -> BedrockReviewer:
    reviewer = await services.reviewer("bedrock", region=region)
    assert isinstance(reviewer, BedrockReviewer)
    return reviewer


async def run_models(args: argparse.Namespace, services: AppServices) -> int:
    """List the chain in order with resolved ids and ready / cooling down / disabled."""
    reviewer = await _bedrock(services, getattr(args, "region", None))
    rows = await reviewer.describe_chain()
    if args.json:
        emit_json(
            {
                "region": reviewer.settings.region,
                "models": [
                    {
                        "key": row.key,
                        "name": row.profile.display_name,
                        "model_id": row.model_id,
                        "state": row.state.state,
                        "detail": row.state.detail,
                        "until": row.state.until,
                        "lifecycle": row.profile.lifecycle,
                        "eol_date": row.profile.eol_date,
                    }
                    for row in rows
                ],
            }
        )
        return ExitCode.OK
    print(f"Bedrock model chain in {reviewer.settings.region} (tried in this order):")
    print(format_chain(rows))
    return ExitCode.OK


async def run_enable_model(args: argparse.Namespace, services: AppServices) -> int:
    """Put a disabled or cooling-down model back into the chain."""
    reviewer = await _bedrock(services, None)
    known = [row.key for row in await reviewer.describe_chain()]
    if args.model not in known:
        raise ConfigError(
            f"There is no model '{args.model}' in the chain. Known keys: {', '.join(known)}."
        )
    await reviewer.enable_model(args.model)
    info(f"{args.model} is enabled again.")
    return ExitCode.OK
