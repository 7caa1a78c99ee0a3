"""The threads blocking boto3 calls run in: daemon threads that no call ever waits for.

Why not a ``ThreadPoolExecutor``: a blocking ``converse`` cannot be interrupted, so a call the
chain abandons (its attempt budget ran out, or the review was cancelled) keeps its thread until
botocore's read timeout. In a fixed-size pool those threads are lost capacity: after a cancelled
analysis 8 of 10 workers sat in dead calls and the next run's calls queued behind them until
their own deadlines expired. The pool's threads are also joined when the interpreter exits, so
the CLI hung on until the last abandoned call timed out.

Here a call runs on an idle daemon thread when there is one and on a new one otherwise: an
abandoned call never delays a new one, and the process can exit while one is still blocked (its
result was already discarded). Idle threads are kept for a while and reused because starting a
thread waits for it to run, which a busy interpreter makes the event loop feel. Live threads are
bounded by the calls in flight plus abandoned calls (each ends at the client's read timeout at
the latest) plus idle ones (each ends after ``idle_s``). ``shutdown`` refuses new work; with
``wait=True`` it also joins the threads still running calls.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

IDLE_S = 30.0  # how long an idle thread waits for another call before it ends

_Job = tuple["Future[Any]", Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class _Worker:
    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None


class CallThreads(Executor):
    """An ``Executor`` whose calls never wait for a thread another call holds."""

    def __init__(self, thread_name_prefix: str = "aiprism-call", *, idle_s: float = IDLE_S) -> None:
        self._prefix = thread_name_prefix
        self._idle_s = idle_s
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._live: set[threading.Thread] = set()
        self._busy = 0
        self._closed = False

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        future: Future[R] = Future()
        job: _Job = (future, fn, args, kwargs)
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new calls after shutdown")
            self._busy += 1
            worker = self._idle.pop() if self._idle else None
            if worker is None:
                worker = _Worker()
                worker.thread = threading.Thread(
                    target=self._work,
                    args=(worker, job),
                    name=f"{self._prefix}-{next(self._counter)}",
                    daemon=True,
                )
                self._live.add(worker.thread)
                start = worker.thread
            else:
                start = None
        if start is None:
            worker.jobs.put(job)
        else:
            start.start()
        return future

    def _work(self, worker: _Worker, first: _Job) -> None:
        job: _Job | None = first
        try:
            while job is not None:
                _run(job)
                with self._lock:
                    self._busy -= 1
                    if self._closed:
                        return
                    self._idle.append(worker)
                try:
                    job = worker.jobs.get(timeout=self._idle_s)
                except queue.Empty:
                    with self._lock:
                        if worker in self._idle:  # nobody handed us a call: end
                            self._idle.remove(worker)
                            return
                    job = worker.jobs.get()  # a call was handed over just as we timed out
        finally:
            with self._lock:
                self._live.discard(threading.current_thread())

    @property
    def live_threads(self) -> int:
        """Threads alive: running calls (abandoned ones included) or idle."""
        with self._lock:
            return len(self._live)

    @property
    def busy(self) -> int:
        """Calls running now, abandoned ones included."""
        with self._lock:
            return self._busy

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            threads = list(self._live)
        for worker in idle:
            worker.jobs.put(None)  # idle threads end now
        if wait:
            for thread in threads:
                thread.join()

    def __repr__(self) -> str:
        return f"<CallThreads {self._prefix} live={self.live_threads} busy={self.busy}>"


def _run(job: _Job) -> None:
    future, fn, args, kwargs = job
    if future.set_running_or_notify_cancel():
        try:
            result = fn(*args, **kwargs)
        except BaseException as error:  # handed to the waiting coroutine
            future.set_exception(error)
        else:
            future.set_result(result)
