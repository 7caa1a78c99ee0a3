"""What an API or worker process holds: configuration, Redis clients, stores, frameworks, the
reviewer runtime (built on first use: an API process that never shows model states has none)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import redis

from aiprism_desktop.core.frameworks import Framework, load_frameworks
from backend_contract.server.config import ServerConfig
from backend_contract.server.jobs import JobStore
from backend_contract.server.keys import Keys, StrRedis
from backend_contract.server.limits import TeamLimits
from backend_contract.server.runtime import ReviewerRuntime
from backend_contract.server.tokens import TokenStore


def redis_client(url: str) -> StrRedis:
    """A client that fails fast when Redis is down (the API answers 503 rather than hanging)."""
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=1.0,
        socket_timeout=5.0,
        health_check_interval=15,
    )


@dataclass
class ServerState:
    config: ServerConfig
    keys: Keys
    redis: StrRedis
    tokens: TokenStore
    limits: TeamLimits
    jobs: JobStore
    frameworks: dict[str, Framework]
    _runtime: ReviewerRuntime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, config: ServerConfig) -> ServerState:
        keys = Keys(config.key_prefix)
        client = redis_client(config.redis_url)
        token_client = (
            client if config.tokens_url == config.redis_url else redis_client(config.tokens_url)
        )
        return cls(
            config=config,
            keys=keys,
            redis=client,
            tokens=TokenStore(token_client, keys),
            limits=TeamLimits(
                client,
                keys,
                per_minute=config.analyses_per_minute,
                max_active=config.max_active_jobs,
                slot_s=config.visibility_timeout_s * 2,
            ),
            jobs=JobStore(client, keys, ttl_s=config.result_ttl_s),
            frameworks=load_frameworks(config.config_dir),
        )

    def runtime(self) -> ReviewerRuntime:
        with self._lock:
            if self._runtime is None:
                self._runtime = ReviewerRuntime(self.config)
            return self._runtime

    def close(self) -> None:
        with self._lock:
            runtime, self._runtime = self._runtime, None
        if runtime is not None:
            runtime.close()
