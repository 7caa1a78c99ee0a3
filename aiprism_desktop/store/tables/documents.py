"""Documents and their sections."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from aiprism_desktop.core.document import Document, DocumentWarning, SectionKind
from aiprism_desktop.core.findings import utc_now
from aiprism_desktop.store.records import StoredDocument, StoredSection
from aiprism_desktop.store.serde import dumps, loads
from aiprism_desktop.store.tables import TableBase
from aiprism_desktop.store.txn import transaction, translate_errors

_DOCUMENT_COLUMNS = """
    d.id, d.path, d.title, d.source_format, d.opened_at, d.warnings_json,
    (SELECT count(*) FROM sections s WHERE s.document_id = d.id)
"""


class DocumentTable(TableBase):
    """Implements ``core.ports.DocumentRepository`` (synchronously) plus look-ups."""

    @translate_errors
    def save_document(self, document: Document) -> str:
        """Store or refresh a document and its sections (marks it opened now); return its id."""
        warnings = dumps([{"code": w.code, "message": w.message} for w in document.warnings])
        with transaction(self._conn) as conn:
            conn.execute(
                """
                INSERT INTO documents (id, path, title, source_format, warnings_json, opened_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    path = excluded.path, title = excluded.title,
                    source_format = excluded.source_format,
                    warnings_json = excluded.warnings_json, opened_at = excluded.opened_at
                """,
                (
                    document.sha256,
                    path_value(document.path),
                    document.title,
                    document.source_format,
                    warnings,
                    utc_now(),
                ),
            )
            # Upsert rather than replace: sections of an already reviewed document stay put.
            conn.executemany(
                """
                INSERT INTO sections
                    (document_id, section_id, ordinal, title, level, kind, content_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (document_id, section_id) DO UPDATE SET
                    ordinal = excluded.ordinal, title = excluded.title, level = excluded.level,
                    kind = excluded.kind, content_hash = excluded.content_hash
                """,
                [
                    (
                        document.sha256,
                        section.id,
                        ordinal,
                        section.title,
                        section.level,
                        section.kind.value,
                        section.content_hash,
                    )
                    for ordinal, section in enumerate(document.sections)
                ],
            )
            current = {section.id for section in document.sections}
            stored = [
                row[0]
                for row in conn.execute(
                    "SELECT section_id FROM sections WHERE document_id = ?", (document.sha256,)
                )
            ]
            conn.executemany(
                "DELETE FROM sections WHERE document_id = ? AND section_id = ?",
                [(document.sha256, sid) for sid in stored if sid not in current],
            )
        return document.sha256

    @translate_errors
    def get_document(self, document_id: str) -> StoredDocument | None:
        """The stored document, or None."""
        row = self._conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents d WHERE d.id = ?", (document_id,)
        ).fetchone()
        return None if row is None else _document(row)

    @translate_errors
    def recent_documents(self, limit: int = 50) -> tuple[StoredDocument, ...]:
        """Documents, most recently opened first."""
        rows = self._conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents d ORDER BY d.opened_at DESC, d.id LIMIT ?",
            (limit,),
        ).fetchall()
        return tuple(_document(row) for row in rows)

    @translate_errors
    def sections(self, document_id: str) -> tuple[StoredSection, ...]:
        """A document's sections in document order."""
        rows = self._conn.execute(
            """
            SELECT section_id, ordinal, title, level, kind, content_hash
            FROM sections WHERE document_id = ? ORDER BY ordinal
            """,
            (document_id,),
        ).fetchall()
        return tuple(
            StoredSection(
                section_id=row[0],
                ordinal=int(row[1]),
                title=row[2],
                level=int(row[3]),
                kind=SectionKind(row[4]),
                content_hash=row[5],
            )
            for row in rows
        )

    @translate_errors
    def delete_document(self, document_id: str) -> bool:
        """Forget a document and everything about it (findings, decisions, chat, outbox)."""
        with transaction(self._conn) as conn:
            cursor = conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
        return cursor.rowcount > 0


def path_value(path: Path) -> str | bytes:
    """How a path is stored: text when it is valid Unicode, else the file system's own bytes.

    On Linux a file name is any byte string; ``os.fsdecode`` keeps bytes that are not UTF-8 as
    lone surrogates, which SQLite cannot store as text. Such a name is stored as a BLOB of its
    exact bytes, so the document can be opened again under the same name (outbox runs).
    """
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return text


def path_from_value(value: str | bytes) -> Path:
    """The path ``path_value`` stored."""
    return Path(os.fsdecode(value) if isinstance(value, bytes) else value)


def _document(row: tuple[Any, ...]) -> StoredDocument:
    warnings = tuple(
        DocumentWarning(code=str(item["code"]), message=str(item["message"]))
        for item in loads(row[5])
    )
    return StoredDocument(
        id=row[0],
        path=path_from_value(row[1]),
        title=row[2],
        source_format=row[3],
        opened_at=row[4],
        section_count=int(row[6]),
        warnings=warnings,
    )
