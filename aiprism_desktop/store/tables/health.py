"""Model availability that survives restarts: cooldowns and disabled models."""

from __future__ import annotations

from typing import Any, Literal

from aiprism_desktop.core.ports import ModelHealthRecord
from aiprism_desktop.store.tables import TableBase
from aiprism_desktop.store.txn import translate_errors

_STATES: dict[str, Literal["ready", "cooling_down", "disabled"]] = {
    "ready": "ready",
    "cooling_down": "cooling_down",
    "disabled": "disabled",
}
_COLUMNS = "model_id, state, until, reason, consecutive_failures, updated_at"


class HealthTable(TableBase):
    """Implements ``core.ports.ModelHealthRepository`` (synchronously)."""

    @translate_errors
    def get_health(self, model_id: str) -> ModelHealthRecord | None:
        """The stored record, or None."""
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM model_health WHERE model_id = ?", (model_id,)
        ).fetchone()
        return None if row is None else _record(row)

    @translate_errors
    def put_health(self, record: ModelHealthRecord) -> None:
        """Store (or replace) a record."""
        self._conn.execute(
            f"INSERT OR REPLACE INTO model_health ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            (
                record.model_id,
                record.state,
                record.until,
                record.reason,
                record.consecutive_failures,
                record.updated_at,
            ),
        )

    @translate_errors
    def all_health(self) -> tuple[ModelHealthRecord, ...]:
        """Every record, by model id."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM model_health ORDER BY model_id"
        ).fetchall()
        return tuple(_record(row) for row in rows)

    @translate_errors
    def clear_health(self, model_id: str | None = None) -> None:
        """Forget one model's record (or all): "try this model again"."""
        if model_id is None:
            self._conn.execute("DELETE FROM model_health")
        else:
            self._conn.execute("DELETE FROM model_health WHERE model_id = ?", (model_id,))


def _record(row: tuple[Any, ...]) -> ModelHealthRecord:
    return ModelHealthRecord(
        model_id=row[0],
        state=_STATES[row[1]],
        until=None if row[2] is None else float(row[2]),
        reason=row[3],
        consecutive_failures=int(row[4]),
        updated_at=row[5],
    )
