"""Numbered schema migrations, keyed on ``PRAGMA user_version``.

A released migration is never edited: a later change is a new numbered step. Each step runs in
one transaction together with the ``user_version`` bump, so a crash mid-upgrade leaves the
database at the previous version. Steps are additive (new tables, new columns with defaults),
which keeps them safe with ``foreign_keys=ON``.

History:
    1  initial schema: documents, sections, findings, decision events, review cache,
       model health, outbox, settings
    2  chat history
    3  attempt bookkeeping: outbox attempts / last error, the cache's attempt log
    4  reviewed sections: a section reviewed with no finding is still "analyzed"
    5  how each section was reviewed: framework, answering model and attempt log
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from aiprism_desktop.store.txn import transaction

# "AIPR": marks the file as ours, so we never migrate someone else's SQLite database.
APPLICATION_ID = 0x41495052


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: the version it produces and the statements that get there."""

    version: int
    description: str
    statements: tuple[str, ...]


_V1_INITIAL = Migration(
    1,
    "initial schema",
    (
        f"PRAGMA application_id = {APPLICATION_ID}",
        """
        CREATE TABLE documents (
            id              TEXT PRIMARY KEY,          -- sha256 of the file
            path            TEXT NOT NULL,
            title           TEXT NOT NULL,
            source_format   TEXT NOT NULL,
            warnings_json   TEXT NOT NULL DEFAULT '[]',
            opened_at       TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE sections (
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            section_id      TEXT NOT NULL,
            ordinal         INTEGER NOT NULL,
            title           TEXT NOT NULL,
            level           INTEGER NOT NULL,
            kind            TEXT NOT NULL,
            content_hash    TEXT NOT NULL,
            PRIMARY KEY (document_id, section_id)
        )
        """,
        """
        CREATE TABLE findings (
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            section_id      TEXT NOT NULL,
            ordinal         INTEGER NOT NULL,
            finding_id      TEXT NOT NULL,
            finding_json    TEXT NOT NULL,
            PRIMARY KEY (document_id, section_id, ordinal)
        )
        """,
        "CREATE INDEX findings_by_id ON findings (document_id, finding_id)",
        """
        CREATE TABLE decision_events (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            action          TEXT NOT NULL,
            finding_id      TEXT NOT NULL,
            actor           TEXT NOT NULL,
            at              TEXT NOT NULL,
            event_json      TEXT NOT NULL
        )
        """,
        "CREATE INDEX decision_events_by_document ON decision_events (document_id, seq)",
        """
        CREATE TABLE review_cache (
            key             TEXT PRIMARY KEY,          -- CacheKey.digest()
            section_hash    TEXT NOT NULL,
            provider        TEXT NOT NULL,
            model           TEXT NOT NULL,
            findings_json   TEXT NOT NULL,
            created_at      TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE model_health (
            model_id        TEXT PRIMARY KEY,
            state           TEXT NOT NULL CHECK (state IN ('ready', 'cooling_down', 'disabled')),
            until           REAL,
            reason          TEXT NOT NULL DEFAULT '',
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            updated_at      TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE outbox (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            section_id      TEXT NOT NULL,
            provider        TEXT NOT NULL,
            kind            TEXT NOT NULL CHECK (kind IN ('review', 'chat')),
            payload_json    TEXT NOT NULL DEFAULT '{}',
            created_at      TEXT NOT NULL,
            UNIQUE (document_id, section_id, provider, kind)
        )
        """,
        """
        CREATE TABLE settings (
            key             TEXT PRIMARY KEY,
            value_json      TEXT NOT NULL,
            updated_at      TEXT NOT NULL
        )
        """,
    ),
)

_V2_CHAT = Migration(
    2,
    "chat history",
    (
        """
        CREATE TABLE chat_messages (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            text            TEXT NOT NULL,
            model           TEXT NOT NULL DEFAULT '',
            section_id      TEXT NOT NULL DEFAULT '',
            at              TEXT NOT NULL
        )
        """,
        "CREATE INDEX chat_messages_by_document ON chat_messages (document_id, seq)",
    ),
)

_V3_ATTEMPTS = Migration(
    3,
    "attempt bookkeeping",
    (
        "ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE review_cache ADD COLUMN attempts_json TEXT NOT NULL DEFAULT '[]'",
    ),
)

_V4_REVIEWED_SECTIONS = Migration(
    4,
    "reviewed sections",
    (
        """
        CREATE TABLE reviewed_sections (
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            section_id      TEXT NOT NULL,
            reviewed_at     TEXT NOT NULL,
            PRIMARY KEY (document_id, section_id)
        )
        """,
        # Until now only sections with findings were known to be reviewed.
        """
        INSERT INTO reviewed_sections (document_id, section_id, reviewed_at)
        SELECT DISTINCT document_id, section_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        FROM findings
        """,
    ),
)

_V5_SECTION_REVIEWS = Migration(
    5,
    "how each section was reviewed",
    (
        # Empty for sections reviewed before v5: readers fall back to the findings' framework.
        "ALTER TABLE reviewed_sections ADD COLUMN framework_id TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE reviewed_sections ADD COLUMN model TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE reviewed_sections ADD COLUMN attempts_json TEXT NOT NULL DEFAULT '[]'",
    ),
)

MIGRATIONS: tuple[Migration, ...] = (
    _V1_INITIAL,
    _V2_CHAT,
    _V3_ATTEMPTS,
    _V4_REVIEWED_SECTIONS,
    _V5_SECTION_REVIEWS,
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database header (0 = empty / never migrated)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> list[int]:
    """Apply every step above the current version up to ``target``; return the versions applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``): each step opens its own
    transaction. On failure the failing step is rolled back and the error propagates.
    """
    if not 0 <= target <= SCHEMA_VERSION:
        raise ValueError(f"no such schema version: {target}")
    applied: list[int] = []
    for step in MIGRATIONS:
        if step.version > target:
            break
        with transaction(conn):
            # Read the version under the write lock: another process may have upgraded meanwhile.
            if step.version <= user_version(conn):
                continue
            for statement in step.statements:
                conn.execute(statement)
            # PRAGMA user_version is written in the same transaction as the step.
            conn.execute(f"PRAGMA user_version = {step.version}")
        applied.append(step.version)
    return applied
