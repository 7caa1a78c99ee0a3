"""Typed progress events the review engine yields (the UI maps them to Qt signals)."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from aiprism_desktop.core.errors import AIPrismError
from aiprism_desktop.core.findings import Finding
from aiprism_desktop.core.reviewer import Attempt, AttemptStarted

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunStarted:
    """An analysis run began."""

    total: int
    provider: str


@dataclass(frozen=True, slots=True)
class SectionStarted:
    """A section is being reviewed now."""

    section_id: str
    title: str


@dataclass(frozen=True, slots=True)
class SectionAttemptStarted:
    """A model is being called for this section now (one part of it, for a long section)."""

    section_id: str
    model: str
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class SectionAttemptEnded:
    """A call for this section ended: answered, or failed and what the chain does next."""

    section_id: str
    attempt: Attempt


@dataclass(frozen=True, slots=True)
class SectionFinished:
    """A section was reviewed (or served from the cache) and its findings are stored."""

    section_id: str
    findings: tuple[Finding, ...]
    model: str
    cached: bool
    attempts: tuple[Attempt, ...] = ()


@dataclass(frozen=True, slots=True)
class SectionSkipped:
    """Nothing to review (an empty section)."""

    section_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class SectionQueued:
    """The provider is unreachable: the request waits in the outbox until it is back."""

    section_id: str
    error: AIPrismError


@dataclass(frozen=True, slots=True)
class SectionFailed:
    """The section could not be reviewed; the error says why (never invented findings)."""

    section_id: str
    error: AIPrismError
    attempts: tuple[Attempt, ...] = ()


@dataclass(frozen=True, slots=True)
class Progress:
    """Sections settled so far (finished, skipped, queued or failed) out of the total."""

    done: int
    total: int


@dataclass(frozen=True, slots=True)
class RunFinished:
    """The run ended."""

    status: Literal["completed", "cancelled", "failed"]
    finished: int
    failed: int
    queued: int
    cached: int
    # Where the provider's adaptive concurrency settled: (model, calls at once), by model.
    concurrency: tuple[tuple[str, int], ...] = ()


# How one section's review ended (what ``ReviewEngine.settle`` returns).
SectionEnd = SectionFinished | SectionSkipped | SectionQueued | SectionFailed


class RunTally:
    """How a run's sections ended so far: its progress and its final ``RunFinished``."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = self.finished = self.failed = self.queued = self.cached = 0

    def count(
        self, event: SectionFinished | SectionSkipped | SectionQueued | SectionFailed
    ) -> Progress:
        if isinstance(event, SectionFinished):
            self.finished += 1
            self.cached += int(event.cached)
        elif isinstance(event, SectionFailed):
            self.failed += 1
        elif isinstance(event, SectionQueued):
            self.queued += 1
        self.done += 1
        return Progress(done=self.done, total=self.total)

    def result(
        self, *, cancelled: bool = False, concurrency: tuple[tuple[str, int], ...] = ()
    ) -> RunFinished:
        status: Literal["completed", "cancelled", "failed"] = (
            "cancelled" if cancelled else "failed" if self.failed else "completed"
        )
        return RunFinished(
            status, self.finished, self.failed, self.queued, self.cached, concurrency
        )


EngineEvent = (
    RunStarted
    | SectionStarted
    | SectionAttemptStarted
    | SectionAttemptEnded
    | SectionFinished
    | SectionSkipped
    | SectionQueued
    | SectionFailed
    | Progress
    | RunFinished
)

# Receives engine events; may be a coroutine function (the app layer applies a finished
# section's findings under its lock before the next event is delivered).
EventSink = Callable[[EngineEvent], Awaitable[None] | None]


class Emitter:
    """Delivers events to a sink in order. A sink that raises is logged, never fatal: a broken
    progress display must not abort the review of every other section."""

    def __init__(self, sink: EventSink | None) -> None:
        self._sink = sink
        self._pending: set[asyncio.Task[None]] = set()

    async def __call__(self, event: EngineEvent) -> None:
        if self._sink is None:
            return
        try:
            result = self._sink(event)
            if inspect.isawaitable(result):
                await result
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("An event handler failed on %s", type(event).__name__)

    def soon(self, event: EngineEvent) -> None:
        """Deliver from synchronous code (a provider's attempt callback): a plain sink sees the
        event at once, in order; a coroutine sink's work is finished in a task."""
        if self._sink is None:
            return
        try:
            result = self._sink(event)
        except Exception:
            log.exception("An event handler failed on %s", type(event).__name__)
            return
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(self._finish(result, event))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    @staticmethod
    async def _finish(result: Awaitable[None], event: EngineEvent) -> None:
        try:
            await result
        except Exception:
            log.exception("An event handler failed on %s", type(event).__name__)

    def attempt_observer(self, section_id: str) -> Callable[[AttemptStarted | Attempt], None]:
        """A provider's attempt callback that turns into this section's attempt events."""

        def observe(attempt: AttemptStarted | Attempt) -> None:
            if isinstance(attempt, AttemptStarted):
                self.soon(SectionAttemptStarted(section_id, attempt.model, attempt.display_name))
            else:
                self.soon(SectionAttemptEnded(section_id, attempt))

        return observe

    async def drain(self) -> None:
        """Wait for events delivered with ``soon`` (so none arrives after the run ended)."""
        while self._pending:
            await asyncio.gather(*tuple(self._pending), return_exceptions=True)
