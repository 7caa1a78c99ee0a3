"""The models of the chain and what is known about them: ids, availability, learnt state.

``ChainModels`` is the base of ``fallback.ModelChain``: which id a model is called by in the
region (honouring the data-residency setting), why a model is out of the chain (configuration,
end of life, a cooldown for everything or for one purpose), and what a failure teaches us
(persisted through ``cooldown.ModelHealthTracker``).
"""

from __future__ import annotations

import datetime as dt

from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.ports import ModelHealthRepository
from aiprism_desktop.providers.bedrock.chain.backoff import Timing
from aiprism_desktop.providers.bedrock.chain.classifier import Action, Scope, Verdict
from aiprism_desktop.providers.bedrock.chain.cooldown import (
    ModelHealthTracker,
    Ticket,
    next_utc_midnight,
    scoped_key,
)
from aiprism_desktop.providers.bedrock.chain.limiter import ModelLimits
from aiprism_desktop.providers.bedrock.chain.profiles import (
    ModelNotInRegionError,
    ModelProfile,
    global_profile_id,
    profile_id,
    resolve_model_id,
)
from aiprism_desktop.providers.bedrock.chain.types import ChainSettings


class ChainModels:
    """The chain's models in order, with the health tracker and the ids learnt so far."""

    def __init__(
        self,
        profiles: tuple[ModelProfile, ...],
        region: str,
        health: ModelHealthRepository,
        *,
        settings: ChainSettings | None = None,
        timing: Timing | None = None,
    ) -> None:
        self.profiles = profiles
        self.region = region
        self.settings = settings or ChainSettings()
        self.timing = timing or Timing()
        self.tracker = ModelHealthTracker(
            health, policy=self.settings.breaker, wall=self.timing.wall
        )
        self._profile_ids: dict[str, str] = {}  # learnt: these keys need another id
        self.limits = ModelLimits(self.settings.concurrency_ceiling)

    def _known(self, key: str) -> None:
        keys = [p.key for p in self.profiles]
        if key not in keys:
            raise ConfigError(f"Unknown model '{key}'. Known models: {', '.join(keys)}.")

    async def enable_model(self, key: str) -> None:
        """Re-enable a model the service (or the breaker) took out of the chain."""
        self._known(key)
        await self.tracker.enable(key)

    async def disable_model(self, key: str, reason: str = "disabled by the user") -> None:
        """Take a model out of the chain until it is re-enabled."""
        self._known(key)
        await self.tracker.disable(key, reason)

    @property
    def allow_global(self) -> bool | None:
        return self.settings.allow_global_profiles

    def model_id_for(self, profile: ModelProfile) -> str:
        """The id this chain calls for ``profile`` (``ModelNotInRegionError`` if none)."""
        learnt = self._profile_ids.get(profile.key)
        return learnt or resolve_model_id(profile, self.region, allow_global=self.allow_global)

    def static_block(self, profile: ModelProfile) -> str | None:
        """Why a model is out of the chain by configuration or calendar, or None."""
        if not profile.enabled:
            return "disabled in models.toml"
        today = dt.datetime.fromtimestamp(self.timing.wall(), dt.UTC).date()
        if profile.is_past_end_of_life(today):
            since = f" since {profile.eol_date}" if profile.eol_date else ""
            return f"disabled (end of life{since})"
        return None

    def scoped_block(self, profile: ModelProfile, purpose: str) -> str | None:
        """Why ``purpose`` requests may not go to ``profile`` now, though others may."""
        state = self.tracker.peek(scoped_key(profile.key, purpose))
        if state.state == "cooling_down":
            until = clock_time(state.until)
            return f"cooling down until {until} for {purpose} ({state.reason})"
        if state.state == "disabled":
            return f"disabled for {purpose} ({state.reason})"
        return None

    def could_try(self, profile: ModelProfile, purpose: str) -> bool:
        """Whether a later model of the chain might still be called (no probe is claimed)."""
        if self.static_block(profile) or self.scoped_block(profile, purpose):
            return False
        try:
            self.model_id_for(profile)
        except ModelNotInRegionError:
            return False
        return self.tracker.peek(profile.key).state == "ready"

    def other_id(self, profile: ModelProfile, model_id: str, verdict: Verdict) -> str | None:
        """The id to try next for the same model (inference profile, ``global.``), or None."""
        if verdict.action is Action.USE_PROFILE_ID:
            candidate = profile_id(profile, self.region, allow_global=self.allow_global)
        elif verdict.try_global_profile:
            candidate = global_profile_id(profile, self.region, self.allow_global)
        else:
            return None
        if candidate is None or candidate == model_id:
            return None
        self._profile_ids[profile.key] = candidate
        return candidate

    async def remember(
        self,
        profile: ModelProfile,
        purpose: str,
        verdict: Verdict,
        ticket: Ticket,
        *,
        counted: bool = False,
    ) -> None:
        """Persist what giving up on ``profile`` taught us (breaker count, cooldown).

        Operation-scoped verdicts cool only ``purpose`` requests to the model; ``counted``:
        the failure was already fed to the breaker by the retry path.
        """
        key = profile.key
        if verdict.scope is Scope.OPERATION:
            key = scoped_key(profile.key, purpose)
        elif verdict.counts_as_failure and not counted:
            await self.tracker.record_failure(profile.key, verdict.reason, ticket)
        now = self.timing.wall()
        if verdict.until_next_utc_day:
            await self.tracker.cool_down(key, next_utc_midnight(now), verdict.reason)
            return
        # A Retry-After longer than the class's own cooldown is the service's word: honour it.
        length = max(verdict.cooldown_s or 0.0, verdict.retry_after_s or 0.0)
        if length > 0:
            await self.tracker.cool_down(key, now + length, verdict.reason)


def clock_time(unix: float | None) -> str:
    """A cooldown end for the attempt log: ``2027-01-15 08:10 UTC``."""
    if unix is None:
        return "later"
    return dt.datetime.fromtimestamp(unix, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
