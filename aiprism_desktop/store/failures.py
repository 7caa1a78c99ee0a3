"""Why the store could not read or write: sqlite3 and OS errors become ``StoreError``s.

Classified by SQLite's result code (``sqlite_errorname``) and the OS's errno, never by message
text, so a full disk, a read-only folder and a damaged file each get their own code and
advice. Telling them apart matters: the advice for a damaged file (restore a copy, move the
file away) would throw away recent decisions if the file were in fact intact.

SQLite reports a write that failed for lack of room as ``SQLITE_FULL`` only when the OS said
ENOSPC; a write past the file-size limit (EFBIG) or a shared-memory file that could not grow
comes back as an ``SQLITE_IOERR_*`` code, so for those we look at the room that is left.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
import sys
from pathlib import Path

from aiprism_desktop.core.errors import StoreError
from aiprism_desktop.store.errors import (
    StoreBusyError,
    StoreCorruptError,
    StoreDiskFullError,
    StoreNotWritableError,
    StoreWriteError,
    UnknownDocumentError,
)

# Less free space than this, or a file-size limit this close, counts as "no room": SQLite
# grows its files in pages and its shared-memory file in 32 KiB steps.
ROOM_NEEDED = 1024 * 1024

_NO_ROOM_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_NOT_WRITABLE_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
# I/O errors SQLite reports when a file could not grow (write, extend, map more shared memory).
_GROWING_IOERRS = frozenset(
    {"SQLITE_IOERR_WRITE", "SQLITE_IOERR_TRUNCATE", "SQLITE_IOERR_SHMSIZE", "SQLITE_IOERR_SHMMAP"}
)
_NOT_WRITABLE_CODES = ("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN")


def store_error(
    exc: sqlite3.Error | OSError, database: Path, *, backup_dir: Path | None = None
) -> StoreError:
    """The ``StoreError`` that explains ``exc`` (raised while using ``database``) to a reviewer."""
    return known_store_error(exc, database, backup_dir=backup_dir) or StoreError(
        detail=f"{type(exc).__name__}: {exc}"
    )


def known_store_error(
    exc: sqlite3.Error | OSError, database: Path, *, backup_dir: Path | None = None
) -> StoreError | None:
    """The specific ``StoreError`` for ``exc``, or None when it is none of the known kinds."""
    detail = f"{database}: {type(exc).__name__}: {exc}"
    if isinstance(exc, OSError):
        return _os_error(exc, database, detail)
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL" or (name in _GROWING_IOERRS and out_of_room(database)):
        return StoreDiskFullError.at(database, detail=detail)
    if name.startswith(_NOT_WRITABLE_CODES):
        return StoreNotWritableError.at(database, detail=detail)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return StoreCorruptError.at(database, backup_dir, detail=detail)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreBusyError(detail=detail)
    if name == "SQLITE_CONSTRAINT_FOREIGNKEY":
        return UnknownDocumentError(detail=detail)
    if name.startswith("SQLITE_IOERR"):
        return StoreWriteError.at(database, detail=detail)
    return None


def _os_error(exc: OSError, database: Path, detail: str) -> StoreError:
    if exc.errno in _NO_ROOM_ERRNOS:
        return StoreDiskFullError.at(database, detail=detail)
    if isinstance(exc, PermissionError) or exc.errno in _NOT_WRITABLE_ERRNOS:
        return StoreNotWritableError.at(database, detail=detail)
    return StoreWriteError.at(database, detail=detail)


def out_of_room(database: Path) -> bool:
    """Whether the database's files cannot grow: the disk is (nearly) full or a file-size
    limit of this process is (nearly) reached."""
    try:
        if shutil.disk_usage(database.parent).free < ROOM_NEEDED:
            return True
    except OSError:
        pass
    return _file_size_limit_reached(database)


def _file_size_limit_reached(database: Path) -> bool:
    if sys.platform == "win32":
        return False  # no RLIMIT_FSIZE there
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if soft == resource.RLIM_INFINITY:
        return False
    largest = 0
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            largest = max(largest, Path(f"{database}{suffix}").stat().st_size)
        except OSError:
            continue
    return largest + ROOM_NEEDED > soft
