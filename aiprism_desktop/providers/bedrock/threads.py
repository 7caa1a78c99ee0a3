"""The threads blocking boto3 calls run in: one daemon thread per call.

Why not a ``ThreadPoolExecutor``: a blocking ``converse`` cannot be interrupted, so a call the
chain abandons (its attempt budget ran out, or the review was cancelled) keeps its thread until
botocore's read timeout. In a fixed-size pool those threads are lost capacity: after a cancelled
analysis 8 of 10 workers sat in dead calls and the next run's calls queued behind them until
their own deadlines expired. The pool's threads are also joined when the interpreter exits, so
the CLI hung on until the last abandoned call timed out.

Here every call gets a fresh daemon thread (starting one costs ~0.1 ms, nothing next to a
network round trip): an abandoned call never delays a new one, and the process can exit while
one is still blocked (its result was already discarded). Live threads are bounded by the calls
in flight plus abandoned calls, each of which ends at the client's read timeout at the latest.
``shutdown`` refuses new work; with ``wait=True`` it also joins the threads still running.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class CallThreads(Executor):
    """An ``Executor`` that runs each submitted call in its own daemon thread."""

    def __init__(self, thread_name_prefix: str = "aiprism-call") -> None:
        self._prefix = thread_name_prefix
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._live: set[threading.Thread] = set()
        self._closed = False

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        future: Future[R] = Future()

        def work() -> None:
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        result = fn(*args, **kwargs)
                    except BaseException as error:  # handed to the waiting coroutine
                        future.set_exception(error)
                    else:
                        future.set_result(result)
            finally:
                with self._lock:
                    self._live.discard(threading.current_thread())

        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new calls after shutdown")
            thread = threading.Thread(
                target=work, name=f"{self._prefix}-{next(self._counter)}", daemon=True
            )
            self._live.add(thread)
        thread.start()
        return future

    @property
    def live_threads(self) -> int:
        """Calls still running, abandoned ones included (for diagnostics and tests)."""
        with self._lock:
            return len(self._live)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            threads = list(self._live)
        if wait:
            for thread in threads:
                thread.join()

    def __repr__(self) -> str:
        return f"<CallThreads {self._prefix} live={self.live_threads}>"
