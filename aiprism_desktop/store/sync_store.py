"""``SyncStore``: the whole store as plain blocking methods on one SQLite connection.

Use it from one thread only (the connection refuses other threads). The async ``Store`` runs a
``SyncStore`` on its dedicated thread; scripts, tests and CLI code that are not inside an event
loop may use ``SyncStore`` directly. The method names are the same in both.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from types import TracebackType

from aiprism_desktop.store.db import Synchronous, integrity_problems, open_database
from aiprism_desktop.store.migrations import user_version
from aiprism_desktop.store.paths import AppPaths
from aiprism_desktop.store.tables.cache import CacheTable
from aiprism_desktop.store.tables.chat import ChatTable
from aiprism_desktop.store.tables.decisions import DecisionTable
from aiprism_desktop.store.tables.documents import DocumentTable
from aiprism_desktop.store.tables.findings import FindingTable
from aiprism_desktop.store.tables.health import HealthTable
from aiprism_desktop.store.tables.outbox import OutboxTable
from aiprism_desktop.store.tables.settings import SettingsTable
from aiprism_desktop.store.txn import translate_errors


class SyncStore(
    DocumentTable,
    FindingTable,
    DecisionTable,
    CacheTable,
    OutboxTable,
    HealthTable,
    ChatTable,
    SettingsTable,
):
    """Every repository of the store on one connection (see the table mixins for methods)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        super().__init__(conn, path)
        self._closed = False

    @classmethod
    def open(cls, paths: AppPaths | None = None, *, synchronous: Synchronous = "FULL") -> SyncStore:
        """Open the database under ``paths`` (default: ``AppPaths.resolve()``), migrating it."""
        paths = (paths or AppPaths.resolve()).ensure()  # DataDirError when it cannot be used
        return cls.open_file(paths.db_path, paths.backup_dir, synchronous=synchronous)

    @classmethod
    def open_file(
        cls, db_path: Path, backup_dir: Path | None = None, *, synchronous: Synchronous = "FULL"
    ) -> SyncStore:
        """Open a database file directly; backups go to ``backup_dir`` (default: beside it)."""
        backup_dir = backup_dir if backup_dir is not None else db_path.parent / "backups"
        conn = open_database(db_path, backup_dir, synchronous=synchronous)
        return cls(conn, db_path)

    @property
    def closed(self) -> bool:
        """True after ``close()``."""
        return self._closed

    def close(self) -> None:
        """Close the connection; calling it again does nothing."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(sqlite3.Error):  # best effort: must never stop the close
            self._conn.execute("PRAGMA optimize")
        self._conn.close()

    @translate_errors
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return user_version(self._conn)

    @translate_errors
    def integrity_problems(self) -> list[str]:
        """Problems found by SQLite's integrity and foreign-key checks; empty when healthy."""
        return integrity_problems(self._conn)

    @translate_errors
    def checkpoint(self) -> None:
        """Fold the WAL into the main file (e.g. before copying the database elsewhere)."""
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def __enter__(self) -> SyncStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
