"""How many calls a model gets at once: additive increase, multiplicative decrease (AIMD).

Bedrock quotas differ per account, model and region and nobody tells the client what they are;
a fixed number is either too slow or throttles. Each model starts at the configured ceiling,
halves when it is throttled and grows by one call per full window of successes, as TCP does.
One throttled window halves the limit once: the throttles of calls that were already in flight
before the decrease say nothing new. A throttle is a signal to slow down, not a model failure.

The limits live as long as the reviewer (one per process: the window, the CLI, every thread of
a server worker), so every section of every run shares them.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass(slots=True)
class Slot:
    """One call's hold on a model's limit; say how the call went."""

    limit: AdaptiveLimit
    generation: int
    reported: bool = False

    def succeeded(self) -> None:
        if not self.reported:
            self.reported = True
            self.limit.on_success()

    def throttled(self) -> None:
        if not self.reported:
            self.reported = True
            self.limit.on_throttle(self.generation)


@dataclass
class AdaptiveLimit:
    """The concurrency limit of one model."""

    ceiling: int
    floor: int = 1
    value: float = field(init=False)
    in_flight: int = field(default=0, init=False)
    generation: int = field(default=0, init=False)  # bumped at each decrease
    lowest: float = field(init=False)  # the lowest it has been (for reports)
    _waiters: deque[asyncio.Future[None]] = field(default_factory=deque, init=False)

    def __post_init__(self) -> None:
        self.ceiling = max(self.floor, self.ceiling)
        self.value = float(self.ceiling)
        self.lowest = self.value

    @property
    def allowed(self) -> int:
        """Calls allowed at once now."""
        return max(self.floor, int(self.value))

    async def acquire(self) -> Slot:
        while self.in_flight >= self.allowed:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
                self._wake()  # pass a wake-up this waiter got on to the next one
                raise
        self.in_flight += 1
        return Slot(self, self.generation)

    def release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        free = self.allowed - self.in_flight
        while free > 0 and self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                free -= 1

    def on_success(self) -> None:
        """Additive increase: one more call per window of successes."""
        self.value = min(float(self.ceiling), self.value + 1.0 / max(self.value, 1.0))
        self._wake()

    def on_throttle(self, generation: int) -> None:
        """Multiplicative decrease, once per window (calls made before it do not count)."""
        if generation != self.generation:
            return
        self.generation += 1
        self.value = max(float(self.floor), self.value / 2.0)
        self.lowest = min(self.lowest, self.value)


@dataclass
class ModelLimits:
    """The adaptive limits of every model of a chain."""

    ceiling: int
    _limits: dict[str, AdaptiveLimit] = field(default_factory=dict)

    def of(self, model: str) -> AdaptiveLimit:
        limit = self._limits.get(model)
        if limit is None:
            limit = self._limits[model] = AdaptiveLimit(self.ceiling)
        return limit

    @asynccontextmanager
    async def slot(self, model: str) -> AsyncIterator[Slot]:
        """Hold a call slot of ``model`` for one attempt."""
        limit = self.of(model)
        slot = await limit.acquire()
        try:
            yield slot
        finally:
            limit.release()

    def levels(self) -> dict[str, int]:
        """The calls each model used so far is allowed at once now."""
        return {model: limit.allowed for model, limit in self._limits.items()}
