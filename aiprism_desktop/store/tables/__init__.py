"""One small mixin per table group; ``SyncStore`` combines them. Only the store uses these."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class TableBase:
    """Holds the connection every table mixin works on (owned by ``SyncStore``) and the
    database file's path (errors name it)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path  # the database file
