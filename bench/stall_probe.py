"""A 10 ms timer on the event loop that records how late it fires: the longest stall is the
longest time the loop (the window's UI thread, under qasync) could not react.

``longest_cpu_ms`` is the UI thread's own CPU time over its worst tick: on a loaded machine a
tick can be late because the process was not scheduled at all, which no code of ours causes;
the CPU figure says how much of a stall was work done on the loop."""

from __future__ import annotations

import asyncio
import contextlib
import time
from types import TracebackType

TICK_S = 0.010


class StallProbe:
    """``async with StallProbe() as probe: ...`` then ``probe.longest_ms``."""

    def __init__(self, tick_s: float = TICK_S) -> None:
        self.tick_s = tick_s
        self.longest_s = 0.0
        self.longest_cpu_s = 0.0
        self.ticks = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def longest_ms(self) -> float:
        return self.longest_s * 1000.0

    @property
    def longest_cpu_ms(self) -> float:
        return self.longest_cpu_s * 1000.0

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            cpu_before = time.thread_time()
            await asyncio.sleep(self.tick_s)
            late = time.perf_counter() - before - self.tick_s
            self.longest_s = max(self.longest_s, late)
            self.longest_cpu_s = max(self.longest_cpu_s, time.thread_time() - cpu_before)
            self.ticks += 1

    async def __aenter__(self) -> StallProbe:
        self._task = asyncio.ensure_future(self._run())
        await asyncio.sleep(0)  # let the probe take its first tick before the work starts
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await asyncio.sleep(self.tick_s * 2)  # a stall at the very end is still measured
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
