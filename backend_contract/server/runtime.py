"""One asyncio loop per server process, in its own thread, holding the reviewer.

Celery runs tasks in threads; the reviewer (boto3 client, the chain's in-memory state) is built
once per process and used from this loop only, so tasks hand their coroutines to it
(``submit``) and wait on the returned future. The reviewer is rebuilt when the shared model
health in Redis has changed since it was built (another worker cooled a model down, an admin
re-enabled one), so every worker skips a throttled model; the old one is closed once the jobs
holding it are done (``ProviderPool`` leases).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager, suppress
from typing import Any, TypeVar

import redis.asyncio as aioredis

from aiprism_desktop.app.provider_pool import ProviderPool, ProviderSpec
from aiprism_desktop.app.worker import build_reviewer
from aiprism_desktop.core.reviewer import Reviewer
from backend_contract.server.config import ServerConfig
from backend_contract.server.keys import Keys, StrRedis
from backend_contract.server.redis_health import RedisModelHealth

T = TypeVar("T")


class ReviewerRuntime:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.keys = Keys(config.key_prefix)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="aiprism-runtime", daemon=True
        )
        self._thread.start()
        self.redis: StrRedis = aioredis.from_url(
            config.redis_url, decode_responses=True, socket_connect_timeout=2, socket_timeout=10
        )
        self.health = RedisModelHealth(self.redis, self.keys)
        self._pool = ProviderPool(self._build)

    async def _build(self, spec: ProviderSpec) -> Reviewer:
        return await build_reviewer(self.config.worker_settings(), self.health)

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run ``coroutine`` on the runtime's loop."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coroutine`` on the runtime's loop and wait for its result."""
        return self.submit(coroutine).result(timeout)

    @asynccontextmanager
    async def reviewer(self) -> AsyncIterator[Reviewer]:
        """The reviewer for one job, built from the current model health."""
        generation = await self.health.generation()
        spec = ProviderSpec(self.config.provider, self.config.region, config=generation)
        async with self._pool.lease(spec) as reviewer:
            yield reviewer

    def close(self) -> None:
        """Close the reviewer and stop the loop (process shutdown)."""
        if not self._loop.is_running():
            return
        with suppress(concurrent.futures.TimeoutError, RuntimeError):
            self.run(self._close(), timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    async def _close(self) -> None:
        await self._pool.close()
        await self.redis.aclose()
