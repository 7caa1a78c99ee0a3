"""The append-only decision log: the audit trail the review state is folded from."""

from __future__ import annotations

from dataclasses import replace

from aiprism_desktop.core.errors import StoreError
from aiprism_desktop.core.findings import DecisionEvent
from aiprism_desktop.store.serde import event_from_json, event_to_json
from aiprism_desktop.store.tables import TableBase
from aiprism_desktop.store.txn import translate_errors


class DecisionTable(TableBase):
    """Implements ``core.ports.DecisionLog`` (synchronously)."""

    @translate_errors
    def append(self, document_id: str, event: DecisionEvent) -> DecisionEvent:
        """Commit the event and return it with its ``seq``.

        The connection is in autocommit mode, so this single INSERT is its own transaction;
        with ``synchronous=FULL`` the WAL is fsynced before ``execute`` returns.
        """
        if self._conn.in_transaction:  # a caller's open transaction would delay the commit
            raise RuntimeError("append must not run inside another transaction")
        cursor = self._conn.execute(
            """
            INSERT INTO decision_events (document_id, action, finding_id, actor, at, event_json)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            (
                document_id,
                event.action.value,
                event.finding_id,
                event.actor,
                event.at,
                event_to_json(event),
            ),
        )
        if cursor.lastrowid is None:  # cannot happen after a successful INSERT
            raise StoreError(detail="decision event stored without a seq")
        return replace(event, seq=cursor.lastrowid)

    @translate_errors
    def events(self, document_id: str, after_seq: int = 0) -> tuple[DecisionEvent, ...]:
        """Events of a document in ``seq`` order (only those after ``after_seq`` if given)."""
        rows = self._conn.execute(
            """
            SELECT seq, event_json FROM decision_events
            WHERE document_id = ? AND seq > ? ORDER BY seq
            """,
            (document_id, after_seq),
        ).fetchall()
        return tuple(event_from_json(row[1], int(row[0])) for row in rows)
