"""One small mixin per table group; ``SyncStore`` combines them. Only the store uses these."""

from __future__ import annotations

import sqlite3


class TableBase:
    """Holds the connection every table mixin works on (owned by ``SyncStore``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
