"""Every Redis key the server uses, in one place (all under one configurable prefix)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

# The server's Redis clients are made with decode_responses=True, so every reply is a str;
# redis-py's annotations cannot express that, hence Any rather than casts at every call.
StrRedis: TypeAlias = Any


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str = "aiprism"

    def tokens(self) -> str:
        return f"{self.prefix}:tokens"  # hash: sha256(token) → token record (JSON)

    def job(self, job_id: str) -> str:
        return f"{self.prefix}:job:{job_id}"  # hash: the job (team, status, request, result)

    def job_channel(self, job_id: str) -> str:
        return f"{self.prefix}:job:{job_id}:ended"  # pub/sub: published when the job ends

    def job_lease(self, job_id: str) -> str:
        return f"{self.prefix}:job:{job_id}:lease"  # the worker running it (expires if it dies)

    def idempotency(self, team: str, key: str) -> str:
        return f"{self.prefix}:idem:{team}:{key}"

    def active(self, team: str) -> str:
        return f"{self.prefix}:active:{team}"  # zset: job id → when its slot expires

    def rate(self, team: str, window: int) -> str:
        return f"{self.prefix}:rate:{team}:{window}"

    def chat(self, chat_id: str) -> str:
        return f"{self.prefix}:chat:{chat_id}"  # hash: team, request, cancel flag

    def chat_events(self, chat_id: str) -> str:
        return f"{self.prefix}:chat:{chat_id}:events"  # stream of answer events

    def workers(self) -> str:
        return f"{self.prefix}:workers"  # zset: worker name → last heartbeat (unix time)

    def health(self) -> str:
        return f"{self.prefix}:model-health"  # hash: model key → ModelHealthRecord (JSON)

    def health_generation(self) -> str:
        return f"{self.prefix}:model-health:generation"  # bumped on every change

    def reviews(self, team: str) -> str:
        return f"{self.prefix}:reviews:{team}"  # set of the team's review ids

    def review(self, team: str, review_id: str) -> str:
        return f"{self.prefix}:review:{team}:{review_id}"  # hash: document id, findings

    def review_events(self, team: str, review_id: str) -> str:
        return f"{self.prefix}:review:{team}:{review_id}:events"  # hash: event id → event
