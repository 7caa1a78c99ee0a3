"""A job that ends while a worker picks it up (or ends it) stays ended: the check and the write
are one step (found under load: a cancel overwritten by the worker's "running")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis

from backend_contract.server.jobs import JobStore
from backend_contract.server.keys import Keys, StrRedis
from tests.support.backend_servers import private_redis

pytestmark = pytest.mark.backend


class _CancelDuringCheck:
    """A client whose transactions see another process cancel the job right after they read
    its status (the moment the race needs)."""

    def __init__(self, client: StrRedis, cancel: Any) -> None:
        self._client = client
        self._cancel = cancel
        self.interleaved = 0

    def pipeline(self, *args: Any, **kwargs: Any) -> Any:
        pipe = self._client.pipeline(*args, **kwargs)
        read = pipe.hget

        def hget_then_cancel(*hget_args: Any) -> Any:
            value = read(*hget_args)
            if self.interleaved == 0:
                self.interleaved += 1
                self._cancel()
            return value

        pipe.hget = hget_then_cancel
        return pipe

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


@pytest.fixture(scope="module")
def client() -> Iterator[StrRedis]:
    with private_redis() as url:
        connection: StrRedis = redis.Redis.from_url(url, decode_responses=True)
        yield connection
        connection.close()


@pytest.mark.parametrize("step", ["mark_running", "finish"])
def test_a_cancel_between_check_and_write_wins(client: StrRedis, step: str) -> None:
    keys = Keys(f"race-{step}")
    api = JobStore(client, keys, ttl_s=60)
    job_id = f"job-{step}"
    api.create(job_id, "team", {"section": {"id": "s1"}, "framework": "f"}, body_hash="h")
    racing = _CancelDuringCheck(client, lambda: api.cancel(job_id, "team"))
    worker = JobStore(racing, keys, ttl_s=60)
    if step == "mark_running":
        assert worker.mark_running(job_id, "celery@w1") is False
    else:
        assert worker.finish(job_id, "succeeded", result={"findings": []}) is False
    assert racing.interleaved == 1
    job = api.get(job_id, "team")
    assert job is not None
    assert job["status"] == "cancelled"
    assert "request" not in job
