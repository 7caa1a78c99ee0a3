"""The model chain's settings, per-attempt context and time budget (re-exported by ``fallback``).

Time: a run has a deadline (``ChainSettings.deadline_s``); each attempt gets its own budget well
inside it, ``min(attempt_timeout_s, remaining / 2)`` while a later model could still be tried
(the whole remaining time for the last one), so a model that stops answering is abandoned in
time to ask the next one. A streamed answer feeds its ``AttemptWatch`` on every chunk: the
budget then becomes the silence allowed before the next chunk, and the run's deadline is paused
while the answer flows (a long, healthy answer is never cut off; a stalled one is restarted).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from aiprism_desktop.core.reviewer import Attempt
from aiprism_desktop.providers.bedrock.chain.backoff import BackoffPolicy, Clock
from aiprism_desktop.providers.bedrock.chain.cooldown import BreakerPolicy
from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ChainSettings:
    """Knobs of the chain (defaults suit interactive use)."""

    deadline_s: float = 300.0  # the whole run until an answer starts, all models, all retries
    backoff: BackoffPolicy = field(default_factory=BackoffPolicy)
    breaker: BreakerPolicy = field(default_factory=BreakerPolicy)
    max_attempts_per_model: int = 6  # safety net over all same-model retry kinds
    concurrency_ceiling: int = 8  # calls one model may get at once before any throttling
    more_room_factor: int = 4  # max_tokens growth after a cut-off answer
    attempt_timeout_s: float = 120.0  # one Converse answer, or a stream's first token
    stream_idle_s: float = 60.0  # silence allowed between two chunks of a streamed answer
    # Data residency: may a request go to a ``global.`` inference profile (any commercial
    # region)? None = only when the region has no geographic profile of its own.
    allow_global_profiles: bool | None = None


class AttemptWatch:
    """The time budget of one attempt; a streaming operation calls ``progress`` per chunk."""

    def __init__(
        self,
        first_wait_s: float,
        idle_limit_s: float,
        *,
        monotonic: Clock,
        deadline: float,
        has_fallback: bool,
    ) -> None:
        self.wait_s = first_wait_s  # what the attempt is currently allowed to wait
        self.phase = "answer"
        self._idle_limit_s = idle_limit_s
        self._monotonic = monotonic
        self._deadline = deadline
        self._has_fallback = has_fallback
        self._scope: asyncio.Timeout | None = None
        self.first_at: float | None = None
        self.last_at: float | None = None

    def attach(self, scope: asyncio.Timeout) -> None:
        """The asyncio timeout this watch reschedules (set by the chain)."""
        self._scope = scope

    def streaming(self) -> None:
        """This attempt is a stream: what it waits for first is its first token."""
        if self.first_at is None:
            self.phase = "first token"

    def progress(self) -> None:
        """A chunk arrived: allow ``idle`` seconds of silence from now on."""
        now = self._monotonic()
        if self.first_at is None:
            self.first_at = now
            # Frozen at the first token: the deadline does not run while the answer flows.
            remaining = self._deadline - now
            share = remaining / 2 if self._has_fallback else remaining
            self.wait_s = max(0.001, min(self._idle_limit_s, share))
            self.phase = "next chunk"
        self.last_at = now
        if self._scope is not None:
            self._scope.reschedule(asyncio.get_running_loop().time() + self.wait_s)

    @property
    def streamed_s(self) -> float:
        """Time between the first and the last chunk (added back to the run's deadline)."""
        if self.first_at is None or self.last_at is None:
            return 0.0
        return self.last_at - self.first_at


@dataclass(frozen=True, slots=True)
class AttemptContext:
    """What one attempt needs to build its request."""

    profile: ModelProfile
    model_id: str  # the id to call (inference profile or bare id)
    max_tokens: int
    number: int  # attempt number on this model, 0-based
    repair_of: BaseException | None = None  # the invalid-output error to repair, if any
    watch: AttemptWatch | None = None  # set by the chain for every attempt it runs


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
