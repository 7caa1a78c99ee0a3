"""Model cooldowns and disabled models in Redis (``core.ports.ModelHealthRepository``).

Every worker process reads and writes the same hash, so a model one worker found throttled or
end-of-life is skipped by all of them. Each write bumps a generation counter: a worker builds a
fresh reviewer (which loads the records again) when the generation has moved since it built the
one it holds.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from aiprism_desktop.core.ports import ModelHealthRecord
from backend_contract.server.keys import Keys, StrRedis


def _decode(raw: str) -> ModelHealthRecord:
    return ModelHealthRecord(**json.loads(raw))


class RedisModelHealth:
    def __init__(self, client: StrRedis, keys: Keys) -> None:
        self._redis = client
        self._keys = keys

    async def get_health(self, model_id: str) -> ModelHealthRecord | None:
        raw = await self._redis.hget(self._keys.health(), model_id)
        return None if raw is None else _decode(raw)

    async def put_health(self, record: ModelHealthRecord) -> None:
        pipe = self._redis.pipeline()
        pipe.hset(self._keys.health(), record.model_id, json.dumps(asdict(record)))
        pipe.incr(self._keys.health_generation())
        await pipe.execute()

    async def all_health(self) -> tuple[ModelHealthRecord, ...]:
        raw = await self._redis.hvals(self._keys.health())
        return tuple(_decode(value) for value in raw)

    async def generation(self) -> int:
        """Changes whenever any record changes."""
        return int(await self._redis.get(self._keys.health_generation()) or 0)
