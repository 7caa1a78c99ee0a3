"""Model calls of a run: one limiter counts calls (not sections), and the parts of a long
section are submitted together, so they run in parallel under it.

A section is "started" for the reviewer when its first call gets a slot (or when it needs no
call: a cache hit, an empty section). Results of the parts are merged in document order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.document import Section
from aiprism_desktop.core.engine_events import Emitter
from aiprism_desktop.core.reviewer import AttemptObserver

T = TypeVar("T")


class SectionCalls:
    """The run's call slots as one section uses them."""

    def __init__(self, slots: asyncio.Semaphore, emit: Emitter, section: Section) -> None:
        self._slots = slots
        self._emit = emit
        self._section = section
        self._started = False

    async def started(self) -> None:
        """Say the section is being reviewed (once)."""
        if not self._started:
            self._started = True
            await self._emit(ev.SectionStarted(self._section.id, self._section.title))

    def attempt_observer(self) -> AttemptObserver:
        """The provider's attempt callback for this section (live attempt events)."""
        return self._emit.attempt_observer(self._section.id)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the run's call slots for one model call."""
        async with self._slots:
            await self.started()
            yield


async def all_parts(calls: Sequence[Callable[[], Coroutine[Any, Any, T]]]) -> list[T]:
    """Run every call at once; their results in order. The first failure cancels the others
    and is raised as itself (not wrapped in an exception group)."""
    if len(calls) == 1:
        return [await calls[0]()]
    tasks: list[asyncio.Task[T]] = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(call()) for call in calls]
    except BaseExceptionGroup as group_error:
        raise _first(group_error) from None
    return [task.result() for task in tasks]


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The failure to report: a real error before a cancellation."""
    leaves: list[BaseException] = []

    def walk(error: BaseException) -> None:
        if isinstance(error, BaseExceptionGroup):
            for inner in error.exceptions:
                walk(inner)
        else:
            leaves.append(error)

    walk(group)
    real = [e for e in leaves if not isinstance(e, asyncio.CancelledError)]
    return (real or leaves)[0]


async def finish_even_if_cancelled(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` to its end even when the caller is cancelled meanwhile (the cancellation is
    then raised once the work is done): a model's answer that arrived is never thrown away."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait([task])
        raise
