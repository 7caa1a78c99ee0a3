"""Chat history per document, so a conversation survives closing the app."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from aiprism_desktop.store.records import ChatRecord
from aiprism_desktop.store.tables import TableBase
from aiprism_desktop.store.txn import translate_errors

_ROLES: dict[str, Literal["user", "assistant"]] = {"user": "user", "assistant": "assistant"}


class ChatTable(TableBase):
    """Append-only chat turns per document."""

    @translate_errors
    def append_chat(self, document_id: str, record: ChatRecord) -> ChatRecord:
        """Store one turn; return it with its ``seq``."""
        cursor = self._conn.execute(
            """
            INSERT INTO chat_messages (document_id, role, text, model, section_id, at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            (document_id, record.role, record.text, record.model, record.section_id, record.at),
        )
        return replace(record, seq=cursor.lastrowid)

    @translate_errors
    def chat_history(self, document_id: str, limit: int | None = None) -> tuple[ChatRecord, ...]:
        """Turns in order; with ``limit``, only the most recent ``limit`` turns (still in order)."""
        rows = self._conn.execute(
            """
            SELECT seq, role, text, model, section_id, at FROM (
                SELECT * FROM chat_messages WHERE document_id = ? ORDER BY seq DESC LIMIT ?
            ) ORDER BY seq
            """,
            (document_id, -1 if limit is None else limit),
        ).fetchall()
        return tuple(_record(row) for row in rows)

    @translate_errors
    def clear_chat(self, document_id: str) -> int:
        """Delete a document's chat; return how many turns there were."""
        return self._conn.execute(
            "DELETE FROM chat_messages WHERE document_id = ?", (document_id,)
        ).rowcount


def _record(row: tuple[Any, ...]) -> ChatRecord:
    return ChatRecord(
        seq=int(row[0]),
        role=_ROLES[row[1]],
        text=row[2],
        model=row[3],
        section_id=row[4],
        at=row[5],
    )
