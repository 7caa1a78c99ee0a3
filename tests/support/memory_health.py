"""An in-memory ModelHealthRepository: survives a "restart" by being passed to a new chain."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiprism_desktop.core.ports import ModelHealthRecord


@dataclass
class MemoryHealth:
    records: dict[str, ModelHealthRecord] = field(default_factory=dict)
    writes: int = 0

    async def get_health(self, model_id: str) -> ModelHealthRecord | None:
        return self.records.get(model_id)

    async def put_health(self, record: ModelHealthRecord) -> None:
        self.records[record.model_id] = record
        self.writes += 1

    async def all_health(self) -> tuple[ModelHealthRecord, ...]:
        return tuple(self.records.values())
