"""Per-team limits, kept in Redis so every API process enforces the same numbers.

Rate: a fixed one-minute window per team counting analyses and chats (the calls that spend the
shared Bedrock quota). Concurrency: a sorted set of the team's active jobs, each with a slot
that expires on its own after the job's time limit, so a job lost with its worker never holds a
slot for good.
"""

from __future__ import annotations

import math
import time

from backend_contract.server.keys import Keys, StrRedis
from backend_contract.server.problems import Problem


class TeamLimits:
    def __init__(
        self, client: StrRedis, keys: Keys, *, per_minute: int, max_active: int, slot_s: int
    ) -> None:
        self._redis = client
        self._keys = keys
        self.per_minute = per_minute
        self.max_active = max_active
        self._slot_s = slot_s

    def spend(self, team: str) -> None:
        """Count one model-spending request; ``Problem(429)`` when the minute's budget is used."""
        now = time.time()
        window = int(now // 60)
        key = self._keys.rate(team, window)
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, 120)
        count = int(pipe.execute()[0])
        if count > self.per_minute:
            retry = max(1, math.ceil((window + 1) * 60 - now))
            raise Problem(
                429,
                "RATE_LIMITED",
                f"Your team may start {self.per_minute} analyses or chats a minute.",
                retry_after=retry,
            )

    def take_slot(self, team: str, job_id: str) -> None:
        """Hold an active-job slot; ``Problem(429)`` when the team has ``max_active`` already."""
        key = self._keys.active(team)
        now = time.time()
        pipe = self._redis.pipeline()
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.zadd(key, {job_id: now + self._slot_s})
        pipe.expire(key, self._slot_s)
        pipe.zcard(key)
        active = int(pipe.execute()[-1])
        if active > self.max_active:  # added first, so two racing submits cannot both pass
            self._redis.zrem(key, job_id)
            raise Problem(
                429,
                "TOO_MANY_ACTIVE_JOBS",
                f"Your team has {active - 1} analyses queued or running (the limit is "
                f"{self.max_active}); wait for some to finish.",
                retry_after=5,
            )

    def release_slot(self, team: str, job_id: str) -> None:
        self._redis.zrem(self._keys.active(team), job_id)
