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
from aiprism_desktop.core.errors import AIPrismError
from aiprism_desktop.core.reviewer import AttemptObserver

T = TypeVar("T")


class Halt:
    """Why the run's later model calls must not be made: the provider was found unreachable
    (the sections still waiting are queued at once instead of each trying the whole chain
    again: minutes of timeouts on a laptop that lost its network), or the store cannot keep
    findings (a full disk: every answer would be paid for and lost)."""

    def __init__(self) -> None:
        self.error: AIPrismError | None = None


class SectionCalls:
    """The run's call slots as one section uses them.

    Sections line up for slots in document order, so a long review progresses top to bottom:
    a section prepares its prompts once the section before it has lined up (``after``), and
    lines up itself (``in_line``) when it asks for its first slot or needs none.
    """

    def __init__(
        self,
        slots: asyncio.Semaphore,
        emit: Emitter,
        section: Section,
        *,
        after: asyncio.Event | None = None,
        halt: Halt | None = None,
    ) -> None:
        self._slots = slots
        self._emit = emit
        self._section = section
        self._started = False
        self._after = after
        self._halt = halt or Halt()
        self.in_line = asyncio.Event()

    async def wait_turn(self) -> None:
        """Wait until the section before this one has lined up for its slots."""
        if self._after is not None:
            await self._after.wait()

    async def started(self) -> None:
        """Say the section is being reviewed (once)."""
        self.in_line.set()
        if not self._started:
            self._started = True
            await self._emit(ev.SectionStarted(self._section.id, self._section.title))

    def attempt_observer(self) -> AttemptObserver:
        """The provider's attempt callback for this section (live attempt events)."""
        return self._emit.attempt_observer(self._section.id)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the run's call slots for one model call."""
        self.in_line.set()  # asking for a slot in turn: the next section may prepare
        async with self._slots:
            if self._halt.error is not None:
                raise self._halt.error
            await self.started()
            yield

    def halt(self, error: AIPrismError) -> None:
        """Tell the run's later calls not to be made (they raise ``error`` instead)."""
        self._halt.error = self._halt.error or error


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
