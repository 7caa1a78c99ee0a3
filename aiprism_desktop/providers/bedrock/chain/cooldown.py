"""Per-model cooldowns, disabled states and a circuit breaker, persisted through the store.

State lives in ``ModelHealthRecord`` rows (``core.ports.ModelHealthRepository``): a restart
honours a cooldown that has not ended, and a disabled model stays disabled until the user
re-enables it. Records are keyed by the profile key (``sonnet-4-5``), not the resolved id, so a
region change does not forget what we learned about a model.

Circuit breaker: ``failure_threshold`` consecutive failures open the circuit (the model cools
down); when the cooldown ends the next request is a half-open probe (one at a time): success
closes the circuit, failure re-opens it for twice as long (up to ``max_cooldown_s``).

Calls in flight: every call holds a ``Ticket`` taken when it started. Once a model is cooling
down or disabled, the outcome of a call that started BEFORE that state was set changes nothing:
a burst of concurrent failures opens the circuit once (it does not double the cooldown per
failure), and a late success does not clear a daily-quota cooldown another call just set. Only
the half-open probe escalates a cooldown or closes it.

Scoped keys: some refusals concern one operation only (IAM allowing ``InvokeModel`` but not the
streaming action; parameters a chat request carries and a review request does not). They are
kept under ``scoped_key(model, operation)`` so a chat refusal does not cool the model for reviews.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Literal

from aiprism_desktop.core.findings import utc_now
from aiprism_desktop.core.ports import ModelHealthRecord, ModelHealthRepository
from aiprism_desktop.providers.bedrock.chain.backoff import Clock


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    """When a model's circuit opens and for how long."""

    failure_threshold: int = 5
    cooldown_s: float = 60.0
    max_cooldown_s: float = 900.0


@dataclass(frozen=True, slots=True)
class Availability:
    """Whether a model may be called now."""

    state: Literal["ready", "probe", "cooling_down", "disabled"]
    reason: str = ""
    until: float | None = None  # unix time a cooldown ends

    @property
    def callable(self) -> bool:
        """True for ready models and for the single half-open probe."""
        return self.state in ("ready", "probe")


@dataclass(slots=True)
class Ticket:
    """What a call knew when it started: the state generation, and whether it is the probe."""

    key: str
    epoch: int
    probe: bool = False
    spent: bool = field(default=False, repr=False)


def scoped_key(key: str, operation: str) -> str:
    """The health key of one operation on one model: ``sonnet-4-5@chat``."""
    return f"{key}@{operation}"


def next_utc_midnight(now: float) -> float:
    """Unix time of the next 00:00 UTC (daily Bedrock token quotas reset then)."""
    today = dt.datetime.fromtimestamp(now, dt.UTC).date()
    midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
    return midnight.timestamp()


class ModelHealthTracker:
    """Reads and writes model health; one instance per chain, shared by concurrent requests."""

    def __init__(
        self,
        repository: ModelHealthRepository,
        *,
        policy: BreakerPolicy | None = None,
        wall: Clock,
    ) -> None:
        self._repository = repository
        self._policy = policy or BreakerPolicy()
        self._wall = wall
        self._records: dict[str, ModelHealthRecord] = {}
        self._loaded = False
        self._load_lock = asyncio.Lock()
        self._probing: set[str] = set()
        # Bumped whenever a key enters or leaves a cooldown/disabled state: outcomes of calls
        # that started under an older generation must not undo or escalate it.
        self._epochs: dict[str, int] = {}

    def ticket(self, key: str, *, probe: bool = False) -> Ticket:
        """Taken when a call starts (``probe``: it is the half-open probe of ``key``)."""
        return Ticket(key, self._epochs.get(key, 0), probe)

    def _is_current(self, key: str, ticket: Ticket | None) -> bool:
        """True when ``ticket`` may change ``key``'s cooldown: the probe, or no change since."""
        if ticket is None:
            return True
        if ticket.probe and not ticket.spent:
            return True
        return ticket.epoch == self._epochs.get(key, 0)

    async def load(self) -> None:
        """Read every stored record once (cheap afterwards: state is mirrored in memory)."""
        if self._loaded:
            return
        async with self._load_lock:
            if not self._loaded:
                for record in await self._repository.all_health():
                    self._records[record.model_id] = record
                self._loaded = True

    def record(self, key: str) -> ModelHealthRecord | None:
        """The mirrored record of a model (after ``load``)."""
        return self._records.get(key)

    def availability(self, key: str) -> Availability:
        """Whether ``key`` may be called now; claims the half-open probe when it is due."""
        record = self._records.get(key)
        if record is None or record.state == "ready":
            return Availability("ready")
        if record.state == "disabled":
            return Availability("disabled", record.reason)
        now = self._wall()
        if record.until is not None and record.until > now:
            return Availability("cooling_down", record.reason, record.until)
        if key in self._probing:  # another request is probing: treat as still cooling down
            return Availability("cooling_down", f"{record.reason} (probe in progress)", now)
        self._probing.add(key)
        return Availability("probe", record.reason)

    def peek(self, key: str) -> Availability:
        """Like ``availability`` but never claims the probe (for status displays)."""
        record = self._records.get(key)
        if record is None or record.state == "ready":
            return Availability("ready")
        if record.state == "disabled":
            return Availability("disabled", record.reason)
        if record.until is not None and record.until > self._wall():
            return Availability("cooling_down", record.reason, record.until)
        return Availability("ready", f"cooldown over ({record.reason})")

    def release_probe(self, key: str) -> None:
        """Forget an in-flight probe (called after the attempt, whatever its outcome)."""
        self._probing.discard(key)

    async def record_success(self, key: str, ticket: Ticket | None = None) -> None:
        """A successful call closes the circuit and clears the failure count.

        A cooldown set after ``ticket`` was taken (a daily quota another call just hit, a
        circuit other calls just opened) stays: this call's answer predates it.
        """
        if ticket is not None and ticket.probe:
            self._probing.discard(key)
        record = self._records.get(key)
        if record is None or (record.state == "ready" and record.consecutive_failures == 0):
            return
        if record.state == "disabled":
            return  # the user's or the service's verdict stands until re-enabled
        if record.state == "cooling_down" and not self._is_current(key, ticket):
            return
        await self._put(ModelHealthRecord(key, "ready", None, "", 0))

    async def record_failure(
        self, key: str, reason: str, ticket: Ticket | None = None
    ) -> ModelHealthRecord:
        """Count a failure; open the circuit at the threshold. Returns the current record.

        While ``key`` cools down, failures of other calls (they started before it opened: no
        new call starts on a cooling model except the probe) leave it unchanged; a failed
        half-open probe re-opens the circuit for twice as long.
        """
        if ticket is not None and ticket.probe:
            self._probing.discard(key)
        record = self._records.get(key) or ModelHealthRecord(key, "ready")
        if record.state == "disabled":
            return record
        now = self._wall()
        probe = ticket is not None and ticket.probe and not ticket.spent
        if record.state == "cooling_down" and not probe:
            return record  # already open; only the half-open probe decides what comes next
        if ticket is not None:
            ticket.spent = True  # one escalation per probe, whatever else the call reports
        failures = record.consecutive_failures + 1
        policy = self._policy
        if failures < policy.failure_threshold:
            updated = replace(record, consecutive_failures=failures, updated_at=utc_now())
            if record.state == "cooling_down" and (record.until or 0) <= now:
                updated = replace(updated, state="ready", until=None)
        else:
            trips = failures - policy.failure_threshold
            length = min(policy.max_cooldown_s, policy.cooldown_s * (2.0**trips))
            until = max(now + length, record.until or 0.0)
            updated = ModelHealthRecord(
                key,
                "cooling_down",
                until,
                f"circuit open: {failures} failures ({reason})",
                failures,
            )
        await self._put(updated)
        return updated

    async def cool_down(self, key: str, until: float, reason: str) -> None:
        """Keep ``key`` out of the chain until ``until`` (unix time)."""
        self._probing.discard(key)
        record = self._records.get(key) or ModelHealthRecord(key, "ready")
        if record.state == "disabled":
            return
        if record.state == "cooling_down" and (record.until or 0) >= until:
            return
        await self._put(
            ModelHealthRecord(key, "cooling_down", until, reason, record.consecutive_failures)
        )

    async def disable(self, key: str, reason: str) -> None:
        """Disable ``key`` until the user re-enables it."""
        self._probing.discard(key)
        await self._put(ModelHealthRecord(key, "disabled", None, reason, 0))

    async def enable(self, key: str) -> None:
        """Re-enable a disabled (or cooling) model, and every operation-scoped state of it."""
        await self.load()
        scoped_prefix = scoped_key(key, "")
        for stored in [k for k in self._records if k.startswith(scoped_prefix)]:
            self._probing.discard(stored)
            await self._put(ModelHealthRecord(stored, "ready", None, "", 0))
        self._probing.discard(key)
        await self._put(ModelHealthRecord(key, "ready", None, "", 0))

    async def _put(self, record: ModelHealthRecord) -> None:
        key = record.model_id
        before = self._records.get(key)
        moved = before is None or (before.state, before.until) != (record.state, record.until)
        counting_only = record.state == "ready" and (before is None or before.state == "ready")
        if moved and not counting_only:
            self._epochs[key] = self._epochs.get(key, 0) + 1
        self._records[key] = record
        await self._repository.put_health(record)
