"""Full-jitter exponential backoff with an injectable clock, sleep and random source.

Full jitter (delay = random(0, min(cap, base·2^n))) spreads retries of concurrent requests so a
throttled model is not hit again in lock-step. A ``Retry-After`` the service sent is a floor.
The sleep is ``asyncio.sleep`` by default, so cancelling the waiting task ends the wait at once.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """Delay before same-model retry number ``retry`` (0 = the first retry)."""

    base_s: float = 0.5
    cap_s: float = 20.0
    max_retry_after_s: float = 60.0  # a longer Retry-After is treated as "fall back instead"

    def delay(self, retry: int, retry_after_s: float | None, rand: Callable[[], float]) -> float:
        """Full-jitter delay, at least ``retry_after_s`` when the service gave one."""
        jittered = rand() * min(self.cap_s, self.base_s * (2.0**retry))
        if retry_after_s is not None:
            return max(jittered, min(retry_after_s, self.max_retry_after_s))
        return jittered


@dataclass(slots=True)
class Timing:
    """The time sources the chain uses; tests inject fakes to make runs deterministic."""

    monotonic: Clock = time.monotonic  # deadlines and latency
    wall: Clock = time.time  # persisted cooldown ends (unix time survives a restart)
    sleep: Sleep = asyncio.sleep
    rand: Callable[[], float] = field(default_factory=lambda: random.random)
