""" "Test connection": can this machine use each provider, in words a reviewer understands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiprism_desktop.app.services import AppServices

if TYPE_CHECKING:
    from aiprism_desktop.providers.bedrock.connection import ConnectionReport


async def check_bedrock(services: AppServices, *, region: str | None = None) -> ConnectionReport:
    """Sign in as configured and make one tiny call per model of the chain."""
    from aiprism_desktop.providers.bedrock.chain.profiles import load_model_chain
    from aiprism_desktop.providers.bedrock.connection import atest_connection

    session = await services.aws_session(region=region)
    chain = load_model_chain(services.paths.config_dir)
    return await atest_connection(
        session,
        services.aws_settings(region=region),
        chain,
        credential_store=services.credentials,
    )
