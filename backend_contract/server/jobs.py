"""Analysis jobs in Redis: created once per Idempotency-Key, read only by their team, kept for
the result TTL after they end so a laptop that went offline fetches its result later.

A job is one Redis hash. The request (which holds document text) lives in it only until the job
ends; the result stays for the TTL. Ending a job publishes on its channel, so long-polls wake at
once instead of polling.
"""

from __future__ import annotations

import json
import time
from typing import Any, Final

import redis

from aiprism_desktop.core.findings import utc_now
from backend_contract.server.keys import Keys, StrRedis
from backend_contract.server.problems import Problem

TERMINAL: Final = frozenset(("succeeded", "failed", "cancelled"))


class JobStore:
    def __init__(self, client: StrRedis, keys: Keys, *, ttl_s: int) -> None:
        self._redis = client
        self._keys = keys
        self.ttl_s = ttl_s

    # -- creating --------------------------------------------------------------------------
    def create(
        self,
        job_id: str,
        team: str,
        request: dict[str, Any],
        *,
        body_hash: str,
        idempotency_key: str | None = None,
    ) -> tuple[dict[str, str], bool]:
        """A new queued job, or (with a known Idempotency-Key) the job made before.

        Returns the job and whether it was replayed; ``Problem(409)`` when the key was used
        for another body.
        """
        if idempotency_key is not None:
            key = self._keys.idempotency(team, idempotency_key)
            if not self._redis.set(key, job_id, nx=True, ex=self.ttl_s):
                existing = self.replay(team, idempotency_key, body_hash)
                if existing is not None:
                    return existing, True
                self._redis.set(key, job_id, ex=self.ttl_s)  # the old job has expired
        now = utc_now()
        job = {
            "id": job_id,
            "team": team,
            "status": "queued",
            "created_at": now,
            "updated_at": now,
            "section_id": str(request["section"]["id"]),
            "framework": str(request["framework"]),
            "request": json.dumps(request, ensure_ascii=False),
            "body_hash": body_hash,
        }
        pipe = self._redis.pipeline()
        pipe.hset(self._keys.job(job_id), mapping=job)
        pipe.expire(self._keys.job(job_id), self.ttl_s)
        pipe.execute()
        return job, False

    def replay(self, team: str, idempotency_key: str, body_hash: str) -> dict[str, str] | None:
        """The job an Idempotency-Key made, if it still exists (409 for another body)."""
        existing = self._existing(self._keys.idempotency(team, idempotency_key), team)
        if existing is not None and existing.get("body_hash") != body_hash:
            raise Problem(
                409,
                "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was sent before with another request body.",
            )
        return existing

    def _existing(self, key: str, team: str) -> dict[str, str] | None:
        # The first request may be between setting the key and writing its job: wait briefly.
        for _ in range(20):
            job_id = self._redis.get(key)
            if job_id is None:
                return None
            job = self.get(str(job_id), team)
            if job is not None:
                return job
            time.sleep(0.05)
        return None

    def discard(self, job: dict[str, str], idempotency_key: str | None) -> None:
        """Forget a job that could not be queued (and its Idempotency-Key)."""
        keys = [self._keys.job(job["id"])]
        if idempotency_key is not None:
            keys.append(self._keys.idempotency(job["team"], idempotency_key))
        self._redis.delete(*keys)

    # -- reading ---------------------------------------------------------------------------
    def get(self, job_id: str, team: str | None = None) -> dict[str, str] | None:
        """The job, or None when it does not exist or belongs to another team."""
        job: dict[str, str] = self._redis.hgetall(self._keys.job(job_id))
        if not job or (team is not None and job.get("team") != team):
            return None
        return job

    def wait(self, job_id: str, team: str, timeout_s: float) -> dict[str, str] | None:
        """The job once it has ended, or as it is when ``timeout_s`` runs out."""
        job = self.get(job_id, team)
        if job is None or job["status"] in TERMINAL or timeout_s <= 0:
            return job
        deadline = time.monotonic() + timeout_s
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self._keys.job_channel(job_id))
            job = self.get(job_id, team)  # it may have ended before we subscribed
            while job is not None and job["status"] not in TERMINAL:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                # Woken by the job's message, or once a second (a missed message costs ≤ 1 s).
                pubsub.get_message(timeout=min(left, 1.0))
                job = self.get(job_id, team)
        finally:
            pubsub.close()
        return job

    # -- changing --------------------------------------------------------------------------
    def mark_running(self, job_id: str, worker: str) -> bool:
        """Queued (or re-delivered after its worker died) → running; False if it has ended."""
        fields = {"status": "running", "worker": worker, "updated_at": utc_now()}
        return self._update_unless_ended(job_id, fields, ending=None)

    def finish(
        self,
        job_id: str,
        status: str,
        *,
        result: dict[str, Any] | None = None,
        error: dict[str, str] | None = None,
    ) -> bool:
        """End a job (unless it has ended already, e.g. cancelled); drop its request text."""
        fields = {"status": status, "updated_at": utc_now()}
        if result is not None:
            fields["result"] = json.dumps(result, ensure_ascii=False)
        if error is not None:
            fields["error"] = json.dumps(error, ensure_ascii=False)
        return self._update_unless_ended(job_id, fields, ending=status)

    def _update_unless_ended(
        self, job_id: str, fields: dict[str, str], *, ending: str | None
    ) -> bool:
        """Write ``fields`` unless the job has ended, as one step: a cancel landing while a
        worker picks the job up (or ends it) must not be overwritten. ``ending``: the job ends
        now (its request text goes, its TTL starts, long-polls wake)."""
        key = self._keys.job(job_id)
        with self._redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    status = pipe.hget(key, "status")
                    if status is None or status in TERMINAL:
                        return False
                    pipe.multi()
                    pipe.hset(key, mapping=fields)
                    if ending is not None:
                        pipe.hdel(key, "request")
                        pipe.expire(key, self.ttl_s)
                        pipe.publish(self._keys.job_channel(job_id), ending)
                    pipe.execute()
                    return True
                except redis.WatchError:
                    continue  # the job changed meanwhile: look again

    def cancel(self, job_id: str, team: str) -> dict[str, str] | None:
        """Cancel a job that has not ended; the job as it is afterwards (None: not found)."""
        job = self.get(job_id, team)
        if job is None:
            return None
        if job["status"] not in TERMINAL:
            self.finish(job_id, "cancelled", error={"code": "CANCELLED", "message": "Cancelled."})
            job = self.get(job_id, team) or job
        return job


def job_view(job: dict[str, str]) -> dict[str, Any]:
    """The contract's Job object."""
    result = json.loads(job["result"]) if job.get("result") else {}
    error = json.loads(job["error"]) if job.get("error") else None
    return {
        "id": job["id"],
        "status": job["status"],
        "created_at": job["created_at"],
        "updated_at": job["updated_at"],
        "section_id": job["section_id"],
        "framework": job["framework"],
        "model": result.get("model"),
        "findings": result.get("findings", []),
        "attempts": result.get("attempts", []),
        "error": error,
    }
