"""The reviewers the application uses: at most one per provider, rebuilt when settings change.

A reviewer holds network clients and threads (Bedrock) or a compiled rule pack (offline). The
pool keeps the current one per provider name; asking with other settings (a new region, new
credentials, another concurrency) builds a new one and retires the old, which is closed as soon
as no running analysis or chat still holds it. Nothing is kept until quit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiprism_desktop.core.reviewer import Reviewer

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """Everything a reviewer is built from; two equal specs give interchangeable reviewers."""

    name: str
    region: str | None = None  # a command-line override of the configured region
    concurrency: int = 4
    config: Hashable = ()  # the settings (and credentials generation) the reviewer depends on


ReviewerFactory = Callable[[ProviderSpec], Awaitable[Reviewer]]


@dataclass(slots=True)
class _Entry:
    spec: ProviderSpec
    reviewer: Reviewer
    users: int = 0
    retired: bool = False


@dataclass
class ProviderPool:
    """Current reviewers by provider name, with leases so a retired one closes when idle."""

    factory: ReviewerFactory
    _current: dict[str, _Entry] = field(default_factory=dict)
    _retired: list[_Entry] = field(default_factory=list)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _closed: bool = False

    async def get(self, spec: ProviderSpec) -> Reviewer:
        """The current reviewer for ``spec`` (built, and the previous one retired, if needed)."""
        return (await self._entry(spec)).reviewer

    @asynccontextmanager
    async def lease(self, spec: ProviderSpec) -> AsyncIterator[Reviewer]:
        """Hold a reviewer for a run: it is not closed while held, even if retired meanwhile."""
        entry = await self._entry(spec)
        entry.users += 1
        try:
            yield entry.reviewer
        finally:
            entry.users -= 1
            if entry.retired and entry.users == 0:
                await self._close(entry)

    def current(self, name: str) -> Reviewer | None:
        """The reviewer currently in use for a provider, if one was built."""
        entry = self._current.get(name)
        return entry.reviewer if entry else None

    async def _entry(self, spec: ProviderSpec) -> _Entry:
        if self._closed:
            raise RuntimeError("the provider pool is closed")
        async with self._lock:
            entry = self._current.get(spec.name)
            if entry is not None and entry.spec == spec:
                return entry
            reviewer = await self.factory(spec)
            fresh = _Entry(spec, reviewer)
            self._current[spec.name] = fresh
            if entry is not None:
                await self._retire(entry)
            return fresh

    async def _retire(self, entry: _Entry) -> None:
        entry.retired = True
        if entry.users == 0:
            await self._close(entry)
        else:
            self._retired.append(entry)

    async def _close(self, entry: _Entry) -> None:
        if entry in self._retired:
            self._retired.remove(entry)
        try:
            await entry.reviewer.aclose()
        except Exception:  # closing must never take the application down
            log.exception("Closing the %s reviewer failed", entry.spec.name)

    async def close(self) -> None:
        """Close every reviewer, held or not (the application is quitting); safe twice."""
        self._closed = True
        entries = [*self._current.values(), *self._retired]
        self._current.clear()
        self._retired.clear()
        for entry in entries:
            await self._close(entry)
