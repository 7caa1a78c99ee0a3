"""The models view: a provider's fallback chain with each model's state, and re-enabling one."""

from __future__ import annotations

from dataclasses import dataclass

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.reviewer import ModelControl, ModelRow, Reviewer

CHAIN_PROVIDERS = ("bedrock", "backend")


@dataclass(frozen=True, slots=True)
class ModelsView:
    """The chain of one provider, in the order it is tried."""

    provider: str
    location: str  # AWS region or backend URL
    rows: tuple[ModelRow, ...]


def chain_provider(services: AppServices, provider: str | None = None) -> str:
    """The provider whose chain to show: the one asked for, the configured one when it has a
    chain, else Bedrock."""
    if provider:
        return provider
    configured = str(services.settings["review.provider"])
    return configured if configured in CHAIN_PROVIDERS else "bedrock"


async def _control(services: AppServices, provider: str, region: str | None) -> ModelControl:
    reviewer: Reviewer = await services.reviewer(provider, region=region)
    if not isinstance(reviewer, ModelControl):
        raise ConfigError(f"The {provider} reviewer has no model chain.")
    return reviewer


async def models(
    services: AppServices, provider: str | None = None, *, region: str | None = None
) -> ModelsView:
    """Every model of the chain with ready / cooling down until … / disabled / not offered."""
    name = chain_provider(services, provider)
    control = await _control(services, name, region)
    return ModelsView(name, control.location, await control.describe_models())


async def enable_model(services: AppServices, key: str, provider: str | None = None) -> None:
    """Put a disabled or cooling-down model back into the chain.

    The key is checked against the chain first, so a typo is named as such (before anything
    needs a region or a connection).
    """
    name = chain_provider(services, provider)
    if name == "bedrock":
        from aiprism_desktop.providers.bedrock.chain.profiles import load_model_chain

        known = [p.key for p in load_model_chain(services.paths.config_dir)]
        if key not in known:
            raise ConfigError(
                f"There is no model '{key}' in the chain. Known keys: {', '.join(known)}."
            )
    await (await _control(services, name, None)).enable_model(key)
