"""The append-only decision log: the audit trail the review state is folded from."""

from __future__ import annotations

from dataclasses import replace

from aiprism_desktop.core.codec import check_event_round_trip, check_event_values
from aiprism_desktop.core.errors import DataFormatError, StoreError
from aiprism_desktop.core.findings import DecisionEvent
from aiprism_desktop.store.errors import StoreRefusedDataError
from aiprism_desktop.store.records import DamagedEvent
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
        try:
            # Refuse what could not be read back: one such row would make every later load of
            # the document's review fail.
            check_event_round_trip(event)
        except DataFormatError as error:
            raise StoreRefusedDataError(detail=error.detail) from None
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
        events = []
        for seq, text in rows:
            try:
                event = event_from_json(text, int(seq))
                check_event_values(event)
            except (DataFormatError, ValueError) as error:
                problem = error.detail if isinstance(error, DataFormatError) else str(error)
                raise DataFormatError(
                    f"Saved decision #{seq} of this document cannot be read.", detail=problem
                ) from None
            events.append(event)
        return tuple(events)

    @translate_errors
    def readable_events(
        self, document_id: str
    ) -> tuple[tuple[DecisionEvent, ...], tuple[DamagedEvent, ...]]:
        """The events that can be read (and folded), and those that cannot, in ``seq`` order.

        A damaged event stays in the log (the audit trail is never rewritten); leaving it out
        of the fold keeps the rest of the review usable instead of locking the document.
        """
        rows = self._conn.execute(
            """
            SELECT seq, action, at, event_json FROM decision_events
            WHERE document_id = ? ORDER BY seq
            """,
            (document_id,),
        ).fetchall()
        events: list[DecisionEvent] = []
        damaged: list[DamagedEvent] = []
        for seq, action, at, text in rows:
            try:
                event = event_from_json(text, int(seq))
                check_event_values(event)
            except (DataFormatError, ValueError) as error:
                problem = error.detail if isinstance(error, DataFormatError) else str(error)
                damaged.append(DamagedEvent(int(seq), str(action), str(at), problem or ""))
                continue
            events.append(event)
        return tuple(events), tuple(damaged)
