"""Requests made while the provider was unreachable, run when it is back."""

from __future__ import annotations

from typing import Any, Literal

from aiprism_desktop.core.ports import OutboxItem
from aiprism_desktop.store.tables import TableBase
from aiprism_desktop.store.txn import transaction, translate_errors

MAX_ERROR_CHARS = 2000  # an error text is a hint for the reviewer, not a log

_KINDS: dict[str, Literal["review", "chat"]] = {"review": "review", "chat": "chat"}
_COLUMNS = (
    "id, document_id, section_id, provider, kind, payload_json, attempts, last_error, created_at"
)


class OutboxTable(TableBase):
    """Implements ``core.ports.Outbox`` (synchronously)."""

    @translate_errors
    def enqueue(self, item: OutboxItem) -> OutboxItem:
        """Queue a request; a second request for the same document/section/provider/kind
        replaces the payload of the first and keeps its place, id and attempt count.
        ``item.id`` is ignored.
        """
        with transaction(self._conn) as conn:
            conn.execute(
                """
                INSERT INTO outbox
                    (document_id, section_id, provider, kind, payload_json, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (document_id, section_id, provider, kind)
                    DO UPDATE SET payload_json = excluded.payload_json
                """,
                (
                    item.document_id,
                    item.section_id,
                    item.provider,
                    item.kind,
                    item.payload_json,
                    item.created_at,
                ),
            )
            row = conn.execute(
                f"""
                SELECT {_COLUMNS} FROM outbox
                WHERE document_id = ? AND section_id = ? AND provider = ? AND kind = ?
                """,
                (item.document_id, item.section_id, item.provider, item.kind),
            ).fetchone()
        return _item(row)

    @translate_errors
    def pending(self, provider: str | None = None) -> tuple[OutboxItem, ...]:
        """Queued requests, oldest first (all providers when ``provider`` is None)."""
        if provider is None:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM outbox ORDER BY id").fetchall()
        else:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM outbox WHERE provider = ? ORDER BY id", (provider,)
            ).fetchall()
        return tuple(_item(row) for row in rows)

    @translate_errors
    def complete(self, item_id: int) -> None:
        """Remove a request that has run (no error if it is already gone)."""
        self._conn.execute("DELETE FROM outbox WHERE id = ?", (item_id,))

    @translate_errors
    def record_failure(self, item_id: int, error: str) -> None:
        """Count a failed run and keep the request queued."""
        self._conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error[:MAX_ERROR_CHARS], item_id),
        )


def _item(row: tuple[Any, ...]) -> OutboxItem:
    return OutboxItem(
        id=int(row[0]),
        document_id=row[1],
        section_id=row[2],
        provider=row[3],
        kind=_KINDS[row[4]],
        payload_json=row[5],
        attempts=int(row[6]),
        last_error=row[7],
        created_at=row[8],
    )
