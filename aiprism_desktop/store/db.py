"""Opening the review database: pragmas, version checks, backup, migrations.

Durability settings, and why:
- ``journal_mode=WAL``: readers (a second window, the CLI) never block the writer, and a commit
  is one sequential append to the WAL file.
- ``synchronous=FULL``: in WAL mode this fsyncs the WAL at every commit, so a decision is on
  the disk, not only in the OS cache, when ``append`` returns; it survives a power cut, not just
  a killed process. ``NORMAL`` would only fsync at checkpoints (losing the last decisions on
  power loss). ``bench/store_append.py`` measures the cost.
- ``foreign_keys=ON``: events, findings and sections cannot outlive their document.
- ``busy_timeout``: another process holding the write lock briefly makes us wait, not fail.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from aiprism_desktop.core.errors import StoreError
from aiprism_desktop.store.errors import StoreForeignError, StoreMigrationError, StoreTooNewError
from aiprism_desktop.store.failures import known_store_error, store_error
from aiprism_desktop.store.migrations import APPLICATION_ID, SCHEMA_VERSION, migrate, user_version
from aiprism_desktop.store.paths import ensure_private_file

logger = logging.getLogger(__name__)

MIN_SQLITE_VERSION = (3, 24, 0)  # UPSERT (INSERT ... ON CONFLICT DO UPDATE)
BUSY_TIMEOUT_SECONDS = 10.0
Synchronous = Literal["FULL", "NORMAL"]


def open_database(
    path: Path, backup_dir: Path, *, synchronous: Synchronous = "FULL"
) -> sqlite3.Connection:
    """Open (creating if needed) the review database at ``path``, upgraded to the current schema.

    The connection is in autocommit mode (``isolation_level=None``): every statement outside an
    explicit ``BEGIN`` commits on its own. It belongs to the calling thread.

    Raises ``StoreTooNewError`` for a database from a newer app, ``StoreForeignError`` for
    another program's SQLite file, ``StoreCorruptError`` for a damaged file,
    ``StoreDiskFullError`` / ``StoreNotWritableError`` when the disk refuses (``failures``) and
    ``StoreMigrationError`` when an upgrade fails (the database keeps its previous version).
    """
    if sqlite3.sqlite_version_info < MIN_SQLITE_VERSION:
        raise StoreError(
            "This system's SQLite library is too old for AI-Prism.",
            detail=f"SQLite {sqlite3.sqlite_version}; need {MIN_SQLITE_VERSION}",
        )
    try:
        ensure_private_file(path)
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    except (OSError, sqlite3.Error) as exc:
        raise store_error(exc, path) from exc
    try:
        _check_identity(conn, path)
        _apply_pragmas(conn, synchronous)
        version = user_version(conn)
        if version < SCHEMA_VERSION:
            backup = backup_database(conn, backup_dir, version) if version > 0 else None
            if backup is not None:
                logger.info("backed up schema v%d database to %s before upgrading", version, backup)
            _migrate(conn, path, version, backup)
    except (OSError, sqlite3.Error) as exc:
        conn.close()
        raise store_error(exc, path, backup_dir=backup_dir) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _check_identity(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database that is newer than this app or not ours, before changing anything."""
    version = user_version(conn)  # the first read: raises DatabaseError for a non-database file
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    if (app_id not in (0, APPLICATION_ID)) or (app_id == 0 and has_tables):
        raise StoreForeignError(detail=f"{path}: application_id={app_id:#x}, version={version}")
    if version > SCHEMA_VERSION:
        raise StoreTooNewError(
            detail=f"{path}: schema version {version}, this app knows up to {SCHEMA_VERSION}"
        )


def _apply_pragmas(conn: sqlite3.Connection, synchronous: Synchronous) -> None:
    mode = str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]).lower()
    if mode != "wal":
        # Some network file systems cannot do WAL; the rollback journal is still durable.
        logger.warning("SQLite WAL mode unavailable (journal_mode=%s); continuing", mode)
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    conn.execute("PRAGMA trusted_schema=OFF")


def _migrate(conn: sqlite3.Connection, path: Path, version: int, backup: Path | None) -> None:
    try:
        applied = migrate(conn)
    except sqlite3.Error as exc:
        # A full disk or a read-only folder is not a failed upgrade: say what it is.
        known = known_store_error(exc, path)
        if known is not None:
            raise known from exc
        detail = f"upgrade from schema v{version} failed: {exc}"
        raise StoreMigrationError.after(backup, detail=detail) from exc
    if applied:
        logger.info("upgraded review database schema: %s", applied)


def backup_database(conn: sqlite3.Connection, backup_dir: Path, version: int) -> Path:
    """Copy the database (WAL contents included) to ``backup_dir``; return the copy's path.

    Uses SQLite's online backup, which copies a consistent snapshot; copying the file alone
    would miss commits still in the -wal file.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_dir / f"aiprism-v{version}-{stamp}.sqlite3"
    counter = 1
    while target.exists():
        counter += 1
        target = backup_dir / f"aiprism-v{version}-{stamp}-{counter}.sqlite3"
    try:
        ensure_private_file(target)
        dest = sqlite3.connect(target)
        try:
            conn.backup(dest)
        finally:
            dest.close()
    except BaseException:
        target.unlink(missing_ok=True)  # half a copy (a full disk) must not pass for a backup
        raise
    return target


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check`` plus ``foreign_key_check``; an empty list means healthy."""
    rows = [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
    problems = [] if rows == ["ok"] else rows
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall():
        problems.append(f"{table} row {rowid}: missing {parent}")
    return problems
