"""The call threads: a call never waits for a thread another call holds; idle ones are reused."""

from __future__ import annotations

import threading
import time

import pytest

from aiprism_desktop.providers.bedrock.threads import CallThreads


def test_a_blocked_call_never_delays_a_new_one() -> None:
    threads = CallThreads()
    release = threading.Event()
    stuck = threads.submit(release.wait, 30)  # an abandoned call, blocked in the network
    assert threads.submit(lambda: "answer").result(timeout=5) == "answer"
    assert not stuck.done()
    release.set()
    assert stuck.result(timeout=5) is True
    threads.shutdown()


def test_idle_threads_are_reused_and_end_after_their_idle_time() -> None:
    threads = CallThreads(idle_s=0.3)
    names = [threads.submit(lambda: threading.current_thread().name).result(5) for _ in range(5)]
    assert len(set(names)) == 1  # one after another: the same idle thread every time
    assert threads.live_threads == 1
    deadline = time.monotonic() + 5
    while threads.live_threads and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threads.live_threads == 0
    assert threads.submit(lambda: 7).result(5) == 7  # a new thread when none is idle
    threads.shutdown()


def test_shutdown_refuses_new_calls_and_ends_idle_threads() -> None:
    threads = CallThreads()
    threads.submit(lambda: None).result(5)
    threads.shutdown(wait=True)
    assert threads.live_threads == 0
    with pytest.raises(RuntimeError, match="after shutdown"):
        threads.submit(lambda: None)
