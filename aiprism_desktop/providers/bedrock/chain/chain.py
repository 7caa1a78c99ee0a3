"""The model chain: run one operation over the fallback chain, in order, until a model answers.

Per model: skip it when it is disabled (config, end of life, persisted), cooling down
(persisted; for everything, or only for this kind of operation), not offered in the region, or
too small for the request (a token preflight BEFORE calling); otherwise call it, classify any
failure (``error_classifier``) and retry the same model, fall back, disable it, switch to its
inference-profile id, ask for more output room or send one repair request. Every attempt and
every skip lands in the attempt log.

Time (``chain_types``): an overall deadline bounds the run until an answer starts; each attempt
has its own budget well inside it, so a stalled model is abandoned in time to ask the next.
Cancellation propagates immediately at every await, backoff sleeps included.

Unreachable endpoint: connection failures say nothing about a model, so they never cool one down
and a run that reached nobody ends in ``BedrockUnreachableError`` (the engine queues the work).

Which id a model is called by, why it is skipped and what a failure teaches us (persisted) live
in the base class, ``chain_models.ChainModels``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from aiprism_desktop.core.reviewer import Attempt, AttemptObserver, AttemptStarted
from aiprism_desktop.providers.bedrock.chain.classifier import AbortKind, Action, Verdict, classify
from aiprism_desktop.providers.bedrock.chain.cooldown import Ticket
from aiprism_desktop.providers.bedrock.chain.errors import (
    AllAnswersInvalidError,
    AllModelsFailedError,
    BedrockUnreachableError,
    ChainAuthError,
    ChainSectionTooLargeError,
    DeadlineExceededError,
    ModelRequestRejectedError,
)
from aiprism_desktop.providers.bedrock.chain.models import ChainModels, clock_time
from aiprism_desktop.providers.bedrock.chain.profiles import (
    ModelNotInRegionError,
    ModelProfile,
    not_offered_reason,
)
from aiprism_desktop.providers.bedrock.chain.types import (
    AttemptContext,
    AttemptWatch,
    ChainSettings,
    ChainSuccess,
    Operation,
    Preflight,
    Usage,
)
from aiprism_desktop.providers.bedrock.errors import AttemptTimeoutError

__all__ = ["AttemptContext", "AttemptWatch", "ChainSettings", "ChainSuccess", "ModelChain"]

log = logging.getLogger(__name__)

T = TypeVar("T")

MIN_OUTPUT_TOKENS = 1024  # below this a findings answer cannot fit: skip the model instead


class _StopChainError(Exception):
    """Internal: the deadline ran out; stop trying further models."""


@dataclass(slots=True)
class _Run(Generic[T]):
    """Mutable state of one run over the chain."""

    operation: Operation[T]
    preflight: Preflight | None
    usage: Usage[T] | None
    deadline: float
    purpose: str  # "review", "chat": operation-scoped cooldowns are kept per purpose
    observer: AttemptObserver | None = None
    attempts: list[Attempt] = field(default_factory=list)
    window_too_small_up_to: int = 0  # after a context-window failure: skip windows ≤ this
    context_blocked: set[str] = field(default_factory=set)
    callable_models: set[str] = field(default_factory=set)
    reached: bool = False  # some attempt got an answer (even an error) from Bedrock
    unreachable: bool = False  # some attempt could not connect at all
    # Unreachable and never reached (stalls are no answer): BedrockUnreachableError, so the
    # engine queues the work instead of failing it.
    remaining_profiles: tuple[ModelProfile, ...] = ()  # after the model being tried


class ModelChain(ChainModels):
    """The fallback chain over Bedrock models; one instance per app, shared by requests."""

    async def run(
        self,
        operation: Operation[T],
        *,
        preflight: Preflight | None = None,
        usage: Usage[T] | None = None,
        purpose: str = "review",
        observer: AttemptObserver | None = None,
    ) -> ChainSuccess[T]:
        """Run ``operation`` on the first model that answers; raise a ProviderError otherwise.

        ``observer`` hears of every attempt as it starts and as it ends (skips included).
        """
        await self.tracker.load()
        run = _Run(
            operation,
            preflight,
            usage,
            self.timing.monotonic() + self.settings.deadline_s,
            purpose,
            observer,
        )
        try:
            for index, profile in enumerate(self.profiles):
                run.remaining_profiles = self.profiles[index + 1 :]
                success = await self._try_model(run, profile)
                if success is not None:
                    return success
        except _StopChainError:
            if run.unreachable and not run.reached:
                raise BedrockUnreachableError(tuple(run.attempts)) from None
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
        if run.unreachable and not run.reached:
            return BedrockUnreachableError(attempts)
        called = [a for a in attempts if a.outcome not in ("skipped", "shrink")]
        if called and all(a.outcome == "repair" for a in called):
            return AllAnswersInvalidError(attempts)
        return AllModelsFailedError(attempts)

    def _skip(self, run: _Run[T], profile: ModelProfile, why: str, outcome: str) -> None:
        self._record(run, Attempt(profile.key, outcome, 0.0, message=why))

    @staticmethod
    def _record(run: _Run[T], attempt: AttemptStarted | Attempt) -> None:
        """Keep an ended attempt in the log and tell the observer (whose bugs never stop us)."""
        if isinstance(attempt, Attempt):
            run.attempts.append(attempt)
        if run.observer is not None:
            try:
                run.observer(attempt)
            except Exception:
                log.exception("An attempt observer failed")

    async def _try_model(self, run: _Run[T], profile: ModelProfile) -> ChainSuccess[T] | None:
        blocked = self.static_block(profile) or self.scoped_block(profile, run.purpose)
        if blocked:
            self._skip(run, profile, blocked, "skipped")
            return None
        availability = self.tracker.availability(profile.key)
        if availability.state == "disabled":
            self._skip(run, profile, f"disabled ({availability.reason})", "skipped")
            return None
        if availability.state == "cooling_down":
            until = clock_time(availability.until)
            self._skip(
                run, profile, f"cooling down until {until} ({availability.reason})", "skipped"
            )
            return None
        ticket = self.tracker.ticket(profile.key, probe=availability.state == "probe")
        try:
            return await self._call_model(run, profile, ticket)
        finally:
            if ticket.probe:
                self.tracker.release_probe(profile.key)

    async def _call_model(
        self, run: _Run[T], profile: ModelProfile, ticket: Ticket
    ) -> ChainSuccess[T] | None:
        try:
            model_id = self.model_id_for(profile)
        except ModelNotInRegionError as error:
            self._skip(run, profile, not_offered_reason(profile, self.region), "skipped")
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
        return await self._attempt_loop(run, profile, model_id, max_tokens, ticket)

    async def _fit_output(self, run: _Run[T], profile: ModelProfile, model_id: str) -> int | None:
        """Preflight: the max_tokens that fits the window, or None (model skipped)."""
        max_tokens = profile.default_max_tokens
        if run.preflight is None:
            return max_tokens
        remaining = run.deadline - self.timing.monotonic()
        if remaining <= 0:
            raise _StopChainError
        try:  # counting tokens is a network call too: it spends the same deadline
            async with asyncio.timeout(remaining) as scope:
                tokens = await run.preflight(profile, model_id)
        except TimeoutError:
            if scope.expired():
                raise _StopChainError from None
            raise
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
        self, run: _Run[T], profile: ModelProfile, model_id: str, max_tokens: int, ticket: Ticket
    ) -> ChainSuccess[T] | None:
        retries = 0
        repair_of: BaseException | None = None
        repaired = False
        for number in range(self.settings.max_attempts_per_model):
            context = AttemptContext(profile, model_id, max_tokens, number, repair_of)
            # A slot of this model's adaptive limit; waiting for it is not part of the attempt.
            async with self.limits.slot(profile.key) as slot:
                self._record(run, AttemptStarted(profile.key, profile.display_name))
                started = self.timing.monotonic()
                try:
                    value = await self._call_with_budget(run, context)
                except _StopChainError:
                    self._log(
                        run, profile, started, "fallback", "DeadlineExceeded", "time limit reached"
                    )
                    raise
                except Exception as error:  # classified below; CancelledError is not an Exception
                    failure: BaseException = error
                    verdict = classify(error)
                    if verdict.throttle:
                        slot.throttled()
                else:
                    slot.succeeded()
                    tokens = run.usage(value) if run.usage else (None, None)
                    self._log(run, profile, started, "ok", "", "", tokens)
                    run.reached = True
                    await self.tracker.record_success(profile.key, ticket)
                    return ChainSuccess(value, profile, model_id, tuple(run.attempts))
            self._log(run, profile, started, verdict.action.value, verdict.code, verdict.reason)
            run.reached = run.reached or verdict.answered
            run.unreachable = run.unreachable or verdict.unreachable
            log.info("%s (%s): %s %s", profile.key, model_id, verdict.code, verdict.message)
            action = verdict.action
            counted = False
            if (
                action is Action.RETRY_SAME
                and retries < verdict.retries
                and self._worth_waiting(verdict)
            ):
                if verdict.counts_as_failure:
                    record = await self.tracker.record_failure(profile.key, verdict.reason, ticket)
                    if record.state == "cooling_down":
                        return None  # the circuit is open: stop hammering this model
                    counted = True
                if await self._backoff(run, retries, verdict):
                    retries += 1
                    continue
            switched = self.other_id(profile, model_id, verdict)
            if switched is not None:
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
            await self._give_up(run, profile, verdict, ticket, counted=counted)
            return None
        return None

    def _worth_waiting(self, verdict: Verdict) -> bool:
        """A Retry-After longer than we would wait means: ask the next model now."""
        wait = verdict.retry_after_s
        return wait is None or wait <= self.settings.backoff.max_retry_after_s

    def _attempt_watch(self, run: _Run[T]) -> AttemptWatch:
        """This attempt's budget: half the time left while a later model could still answer."""
        settings = self.settings
        remaining = run.deadline - self.timing.monotonic()
        if remaining <= 0:
            raise _StopChainError
        has_fallback = any(self.could_try(p, run.purpose) for p in run.remaining_profiles)
        share = remaining / 2 if has_fallback else remaining
        return AttemptWatch(
            min(settings.attempt_timeout_s, share),
            settings.stream_idle_s,
            monotonic=self.timing.monotonic,
            deadline=run.deadline,
            has_fallback=has_fallback,
        )

    async def _call_with_budget(self, run: _Run[T], context: AttemptContext) -> T:
        watch = self._attempt_watch(run)
        try:
            async with asyncio.timeout(watch.wait_s) as scope:
                watch.attach(scope)
                return await run.operation(replace(context, watch=watch))
        except TimeoutError:
            if not scope.expired():
                raise  # a timeout inside the operation: classified like any failure
        finally:
            run.deadline += watch.streamed_s  # the deadline does not run while an answer flows
        if self.timing.monotonic() >= run.deadline:
            raise _StopChainError
        raise AttemptTimeoutError(watch.wait_s, watch.phase)

    async def _backoff(self, run: _Run[T], retry: int, verdict: Verdict) -> bool:
        """Sleep before a same-model retry; False when the wait would not fit the deadline."""
        policy = self.settings.backoff
        delay = policy.delay(retry, verdict.retry_after_s, self.timing.rand)
        if self.timing.monotonic() + delay >= run.deadline:
            return False  # no time to wait for this model: let the next one try
        await self.timing.sleep(delay)  # cancellation propagates from here at once
        return True

    async def _give_up(
        self,
        run: _Run[T],
        profile: ModelProfile,
        verdict: Verdict,
        ticket: Ticket,
        *,
        counted: bool = False,
    ) -> None:
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
        if run.unreachable and not verdict.answered:
            return  # the network is the suspect, not the model: learn nothing about it
        await self.remember(profile, run.purpose, verdict, ticket, counted=counted)

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
        self._record(
            run, Attempt(profile.key, outcome, latency_ms, code, message, tokens[0], tokens[1])
        )
