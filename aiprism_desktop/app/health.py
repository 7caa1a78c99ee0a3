"""Model health that tells the application when a model's status changes.

Providers keep cooldowns and disabled states through the ``ModelHealthRepository`` port (the
store on a desktop, Redis on the team server). This wrapper passes every call through and
publishes ``ModelStatusChanged`` after each write, so the models view updates live without the
providers knowing about the application.
"""

from __future__ import annotations

from collections.abc import Callable

from aiprism_desktop.app.events import AppEvent, ModelStatusChanged
from aiprism_desktop.core.ports import ModelHealthRecord, ModelHealthRepository


class NotifyingHealth:
    """A ``ModelHealthRepository`` that announces writes."""

    def __init__(self, inner: ModelHealthRepository, publish: Callable[[AppEvent], None]) -> None:
        self._inner = inner
        self._publish = publish

    async def get_health(self, model_id: str) -> ModelHealthRecord | None:
        return await self._inner.get_health(model_id)

    async def all_health(self) -> tuple[ModelHealthRecord, ...]:
        return await self._inner.all_health()

    async def put_health(self, record: ModelHealthRecord) -> None:
        await self._inner.put_health(record)
        # Operation-scoped records ("sonnet-4-5@chat") concern the model before the '@'.
        self._publish(ModelStatusChanged(record.model_id.split("@", 1)[0]))
