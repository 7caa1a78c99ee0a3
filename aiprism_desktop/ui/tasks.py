"""Background work of the window: asyncio tasks kept by name, cancelled on request or on quit,
and every failure shown to the reviewer (nothing is swallowed)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from aiprism_desktop.core.errors import ReviewCancelledError

log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskRunner(QObject):
    """Starts coroutines on the loop; ``failed`` carries (what was being done, the exception)."""

    failed = Signal(str, object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._anonymous: set[asyncio.Task[Any]] = set()

    def start(
        self,
        what: str,
        coroutine: Coroutine[Any, Any, T],
        *,
        name: str | None = None,
        done: Callable[[T], None] | None = None,
    ) -> asyncio.Task[T]:
        """Run ``coroutine``; ``what`` names it in an error ("Exporting the review").

        A named task replaces nothing: starting a name that is still running cancels nothing
        and runs both (callers check ``running`` first when that matters).
        """
        task = asyncio.ensure_future(coroutine)
        if name is not None:
            self._tasks[name] = task
        else:
            self._anonymous.add(task)
        self.busy_changed.emit(True)

        def finished(t: asyncio.Task[T]) -> None:
            if name is not None and self._tasks.get(name) is t:
                del self._tasks[name]
            self._anonymous.discard(t)
            self.busy_changed.emit(self.busy)
            if t.cancelled():
                return
            error = t.exception()
            if error is None:
                if done is not None:
                    try:
                        done(t.result())
                    except Exception as exc:
                        log.exception("Updating the window after %s failed", what)
                        self.failed.emit(what, exc)
                return
            if isinstance(error, ReviewCancelledError):
                return
            log.error("%s failed", what, exc_info=error)
            self.failed.emit(what, error)

        task.add_done_callback(finished)
        return task

    def running(self, name: str) -> bool:
        task = self._tasks.get(name)
        return task is not None and not task.done()

    def cancel(self, name: str) -> bool:
        task = self._tasks.get(name)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    @property
    def busy(self) -> bool:
        return any(not t.done() for t in (*self._tasks.values(), *self._anonymous))

    async def cancel_all(self, timeout_s: float = 3.0) -> None:
        """Cancel every task and wait (bounded) for them to end (quitting)."""
        tasks = [t for t in (*self._tasks.values(), *self._anonymous) if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout_s)
