"""Exports in a child process, for a front end whose event loop must keep reacting.

Writing a 300-page reviewed .docx is about a second of Python and lxml work. In a thread it
shares the window's GIL: every hand-back waits for the export's next slice, and the window's
loop stalled ~100 ms at a time (``bench/ui_latency.py``). A spawned child has a GIL of its own;
the window only pickles the snapshot (tens of ms, in the executor's feeder thread, interruptible).
The CLI has no loop to protect and keeps the cheaper thread (``export_review`` without a worker).

``spawn``, never ``fork``: a forked copy of a process running Qt, asyncio and SQLite threads
can deadlock on a lock some thread held at the moment of the fork.
"""

from __future__ import annotations

import asyncio
import importlib
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from aiprism_desktop.core.errors import ExportError

T = TypeVar("T")

# What an export imports: the child imports it as it starts, ahead of the first job.
WRITER_MODULES = ("aiprism_desktop.app.exporting",)


def _warm() -> None:
    for name in WRITER_MODULES:
        importlib.import_module(name)


class ExportWorker:
    """One child process that runs exports: started by the first, kept for the next, replaced
    if it dies. (Not started when a document opens: its start-up, ~0.25 s of CPU, would compete
    with the window's own work on opening; the first export waits for it instead.)"""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # start() may run in a thread while the loop exports

    def start(self) -> ProcessPoolExecutor:
        """Start the child (and its imports) unless it runs. Starting takes a few ms (a
        fork-exec and a pipe): call it off the event loop."""
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn")
                )
                self._pool.submit(_warm)  # starts the child, which imports the writer
            return self._pool

    async def run(self, job: Callable[..., T], *args: object) -> T:
        """``job(*args)`` in the child. Its own errors come back as they were raised."""
        pool = self._pool or await asyncio.to_thread(self.start)
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, job, *args)
        except BrokenProcessPool as error:
            self._discard()
            raise ExportError(
                "The export stopped before it finished (its helper process ended). "
                "Nothing was replaced; try again.",
                detail=str(error),
            ) from error

    async def aclose(self) -> None:
        """Stop the child once a running export has finished (it is never cut short);
        safe to call twice."""
        await asyncio.to_thread(self._discard, wait=True)

    def _discard(self, *, wait: bool = False) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)
