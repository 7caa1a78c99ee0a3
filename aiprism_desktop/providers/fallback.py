"""The model chain: run one operation over the fallback chain, in order, until a model answers.

Per model: skip it when it is disabled (config, end of life, persisted), cooling down
(persisted), not offered in the region, or too small for the request (a token preflight BEFORE
calling); otherwise call it, classify any failure (``error_classifier``) and retry the same
model, fall back, disable it, switch to its inference-profile id, ask for more output room or
send one repair request. Every attempt and every skip lands in the attempt log. An overall
deadline bounds the whole run; cancellation propagates immediately at every await, backoff
sleeps included.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from aiprism_desktop.core.ports import ModelHealthRepository
from aiprism_desktop.providers.backoff import BackoffPolicy, Timing
from aiprism_desktop.providers.base import Attempt
from aiprism_desktop.providers.chain_errors import (
    AllAnswersInvalidError,
    AllModelsFailedError,
    BedrockUnreachableError,
    ChainAuthError,
    ChainSectionTooLargeError,
    DeadlineExceededError,
    ModelRequestRejectedError,
)
from aiprism_desktop.providers.cooldown import BreakerPolicy, ModelHealthTracker, next_utc_midnight
from aiprism_desktop.providers.error_classifier import AbortKind, Action, Verdict, classify
from aiprism_desktop.providers.model_profiles import (
    ModelNotInRegionError,
    ModelProfile,
    profile_id,
    resolve_model_id,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

MIN_OUTPUT_TOKENS = 1024  # below this a findings answer cannot fit: skip the model instead


@dataclass(frozen=True, slots=True)
class ChainSettings:
    """Knobs of the chain (defaults suit interactive use)."""

    deadline_s: float = 300.0  # the whole run, all models, all retries
    backoff: BackoffPolicy = field(default_factory=BackoffPolicy)
    breaker: BreakerPolicy = field(default_factory=BreakerPolicy)
    max_attempts_per_model: int = 6  # safety net over all same-model retry kinds
    more_room_factor: int = 4  # max_tokens growth after a cut-off answer


@dataclass(frozen=True, slots=True)
class AttemptContext:
    """What one attempt needs to build its request."""

    profile: ModelProfile
    model_id: str  # the id to call (inference profile or bare id)
    max_tokens: int
    number: int  # attempt number on this model, 0-based
    repair_of: BaseException | None = None  # the invalid-output error to repair, if any


@dataclass(frozen=True, slots=True)
class ChainSuccess(Generic[T]):
    """The answer and who gave it."""

    value: T
    profile: ModelProfile
    model_id: str
    attempts: tuple[Attempt, ...]


Operation = Callable[[AttemptContext], Awaitable[T]]
Preflight = Callable[[ModelProfile, str], Awaitable[int | None]]  # → input tokens, None = unknown
Usage = Callable[[T], tuple[int | None, int | None]]


class _StopChainError(Exception):
    """Internal: the deadline ran out; stop trying further models."""


@dataclass(slots=True)
class _Run(Generic[T]):
    """Mutable state of one run over the chain."""

    operation: Operation[T]
    preflight: Preflight | None
    usage: Usage[T] | None
    deadline: float
    attempts: list[Attempt] = field(default_factory=list)
    window_too_small_up_to: int = 0  # after a context-window failure: skip windows ≤ this
    context_blocked: set[str] = field(default_factory=set)
    callable_models: set[str] = field(default_factory=set)
    reached: bool = False  # some attempt got an answer (even an error) from Bedrock


class ModelChain:
    """The fallback chain over Bedrock models; one instance per app, shared by requests."""

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
        self._profile_ids: dict[str, str] = {}  # learnt: these keys need their profile id

    async def enable_model(self, key: str) -> None:
        """Re-enable a model the service (or the breaker) took out of the chain."""
        await self.tracker.enable(key)

    async def disable_model(self, key: str, reason: str = "disabled by the user") -> None:
        """Take a model out of the chain until it is re-enabled."""
        await self.tracker.disable(key, reason)

    def model_id_for(self, profile: ModelProfile) -> str:
        """The id this chain calls for ``profile`` (``ModelNotInRegionError`` if none)."""
        return self._profile_ids.get(profile.key) or resolve_model_id(profile, self.region)

    def static_block(self, profile: ModelProfile) -> str | None:
        """Why a model is out of the chain by configuration or calendar, or None."""
        if not profile.enabled:
            return "disabled in models.toml"
        today = dt.datetime.fromtimestamp(self.timing.wall(), dt.UTC).date()
        if profile.is_past_end_of_life(today):
            since = f" since {profile.eol_date}" if profile.eol_date else ""
            return f"disabled (end of life{since})"
        return None

    async def run(
        self,
        operation: Operation[T],
        *,
        preflight: Preflight | None = None,
        usage: Usage[T] | None = None,
    ) -> ChainSuccess[T]:
        """Run ``operation`` on the first model that answers; raise a ProviderError otherwise."""
        await self.tracker.load()
        run = _Run(
            operation,
            preflight,
            usage,
            self.timing.monotonic() + self.settings.deadline_s,
        )
        try:
            for profile in self.profiles:
                success = await self._try_model(run, profile)
                if success is not None:
                    return success
        except _StopChainError:
            raise DeadlineExceededError(
                tuple(run.attempts),
                note=f"time limit of {self.settings.deadline_s:g} s reached",
            ) from None
        raise self._final_error(run)

    def _final_error(self, run: _Run[T]) -> Exception:
        attempts = tuple(run.attempts)
        if run.context_blocked and run.callable_models <= run.context_blocked:
            return ChainSectionTooLargeError(
                "This section is too long for every available model's context window.",
                attempts,
            )
        called = [a for a in attempts if a.outcome not in ("skipped", "shrink")]
        if called and not run.reached:
            return BedrockUnreachableError(attempts)
        if called and all(a.outcome == "repair" for a in called):
            return AllAnswersInvalidError(attempts)
        return AllModelsFailedError(attempts)

    def _skip(self, run: _Run[T], profile: ModelProfile, why: str, outcome: str) -> None:
        run.attempts.append(Attempt(profile.key, outcome, 0.0, message=why))

    async def _try_model(self, run: _Run[T], profile: ModelProfile) -> ChainSuccess[T] | None:
        blocked = self.static_block(profile)
        if blocked:
            self._skip(run, profile, blocked, "skipped")
            return None
        availability = self.tracker.availability(profile.key)
        if availability.state == "disabled":
            self._skip(run, profile, f"disabled ({availability.reason})", "skipped")
            return None
        if availability.state == "cooling_down":
            until = _clock_time(availability.until)
            self._skip(
                run, profile, f"cooling down until {until} ({availability.reason})", "skipped"
            )
            return None
        try:
            return await self._call_model(run, profile)
        finally:
            self.tracker.release_probe(profile.key)

    async def _call_model(self, run: _Run[T], profile: ModelProfile) -> ChainSuccess[T] | None:
        try:
            model_id = self.model_id_for(profile)
        except ModelNotInRegionError as error:
            self._skip(run, profile, f"not offered in {self.region}", "skipped")
            log.info("%s", error.message)
            return None
        run.callable_models.add(profile.key)
        if profile.context_window <= run.window_too_small_up_to:
            run.context_blocked.add(profile.key)
            self._skip(run, profile, "context window too small for this section", "shrink")
            return None
        max_tokens = await self._fit_output(run, profile, model_id)
        if max_tokens is None:
            return None
        return await self._attempt_loop(run, profile, model_id, max_tokens)

    async def _fit_output(self, run: _Run[T], profile: ModelProfile, model_id: str) -> int | None:
        """Preflight: the max_tokens that fits the window, or None (model skipped)."""
        max_tokens = profile.default_max_tokens
        if run.preflight is None:
            return max_tokens
        tokens = await run.preflight(profile, model_id)
        if tokens is None or tokens + max_tokens <= profile.context_window:
            return max_tokens
        room = profile.context_window - tokens
        if room >= MIN_OUTPUT_TOKENS:
            return room
        run.context_blocked.add(profile.key)
        self._skip(
            run,
            profile,
            f"context window too small ({tokens} input tokens, window {profile.context_window})",
            "shrink",
        )
        return None

    async def _attempt_loop(
        self, run: _Run[T], profile: ModelProfile, model_id: str, max_tokens: int
    ) -> ChainSuccess[T] | None:
        retries = 0
        repair_of: BaseException | None = None
        repaired = False
        for number in range(self.settings.max_attempts_per_model):
            context = AttemptContext(profile, model_id, max_tokens, number, repair_of)
            started = self.timing.monotonic()
            try:
                value = await self._call_with_deadline(run, context)
            except _StopChainError:
                self._log(
                    run, profile, started, "fallback", "DeadlineExceeded", "time limit reached"
                )
                raise
            except Exception as error:  # classified below; CancelledError is not an Exception
                failure: BaseException = error
                verdict = classify(error)
            else:
                tokens = run.usage(value) if run.usage else (None, None)
                self._log(run, profile, started, "ok", "", "", tokens)
                run.reached = True
                await self.tracker.record_success(profile.key)
                return ChainSuccess(value, profile, model_id, tuple(run.attempts))
            self._log(run, profile, started, verdict.action.value, verdict.code, verdict.reason)
            run.reached = run.reached or not verdict.unreachable
            log.info("%s (%s): %s %s", profile.key, model_id, verdict.code, verdict.message)
            action = verdict.action
            if action is Action.RETRY_SAME and retries < verdict.retries:
                record = await self.tracker.record_failure(profile.key, verdict.reason)
                if record.state == "cooling_down":
                    return None  # the circuit just opened: stop hammering this model
                await self._backoff(run, retries, verdict)
                retries += 1
                continue
            if action is Action.USE_PROFILE_ID:
                switched = profile_id(profile, self.region)
                if switched and switched != model_id:
                    self._profile_ids[profile.key] = switched
                    model_id = switched
                    continue
            if action is Action.REPAIR and not repaired:
                repaired, repair_of = True, failure
                continue
            if action is Action.MORE_ROOM:
                if max_tokens < profile.max_output_tokens:
                    grown = max_tokens * self.settings.more_room_factor
                    max_tokens = min(profile.max_output_tokens, grown)
                    continue
                raise ChainSectionTooLargeError(
                    f"The answer for this section does not fit {profile.display_name}'s maximum "
                    f"output of {profile.max_output_tokens} tokens; the section must be split.",
                    tuple(run.attempts),
                )
            await self._give_up(run, profile, verdict)
            return None
        return None

    async def _call_with_deadline(self, run: _Run[T], context: AttemptContext) -> T:
        remaining = run.deadline - self.timing.monotonic()
        if remaining <= 0:
            raise _StopChainError
        try:
            async with asyncio.timeout(remaining) as scope:
                return await run.operation(context)
        except TimeoutError:
            if scope.expired():
                raise _StopChainError from None
            raise

    async def _backoff(self, run: _Run[T], retry: int, verdict: Verdict) -> None:
        policy = self.settings.backoff
        delay = policy.delay(retry, verdict.retry_after_s, self.timing.rand)
        if self.timing.monotonic() + delay >= run.deadline:
            raise _StopChainError
        await self.timing.sleep(delay)  # cancellation propagates from here at once

    async def _give_up(self, run: _Run[T], profile: ModelProfile, verdict: Verdict) -> None:
        """Leave this model for this request; persist what we learnt about it."""
        action = verdict.action
        if action is Action.ABORT:
            attempts = tuple(run.attempts)
            if verdict.abort is AbortKind.AUTH:
                raise ChainAuthError(verdict.message or verdict.reason, attempts)
            raise ModelRequestRejectedError(verdict.message or verdict.reason, attempts)
        if action is Action.DISABLE_MODEL:
            await self.tracker.disable(profile.key, verdict.reason)
            return
        if action is Action.SHRINK_INPUT:
            run.context_blocked.add(profile.key)
            run.window_too_small_up_to = max(run.window_too_small_up_to, profile.context_window)
            return
        if verdict.counts_as_failure:
            await self.tracker.record_failure(profile.key, verdict.reason)
        now = self.timing.wall()
        if verdict.until_next_utc_day:
            await self.tracker.cool_down(profile.key, next_utc_midnight(now), verdict.reason)
        elif verdict.cooldown_s:
            await self.tracker.cool_down(profile.key, now + verdict.cooldown_s, verdict.reason)

    def _log(
        self,
        run: _Run[T],
        profile: ModelProfile,
        started: float,
        outcome: str,
        code: str,
        message: str,
        tokens: tuple[int | None, int | None] = (None, None),
    ) -> None:
        latency_ms = (self.timing.monotonic() - started) * 1000.0
        run.attempts.append(
            Attempt(profile.key, outcome, latency_ms, code, message, tokens[0], tokens[1])
        )


def _clock_time(unix: float | None) -> str:
    if unix is None:
        return "later"
    return dt.datetime.fromtimestamp(unix, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
