"""Writing an output file atomically, and removing what killed writers left behind.

Every export output (the reviewed .docx, the reports) is written to a hidden temporary file in
the target folder, ``.<name>.<12 hex digits>.tmp``, and moved over the target only once it is
complete and synced: a failed export never leaves half a file under the real name. A process
killed while writing (SIGKILL, power loss) cannot remove its temporary file, so every write
first sweeps the folder for stale ones.

A temporary file is stale when it has our naming, is not held by a live writer and has not been
written for ``STALE_AFTER_S``. A writer holds an exclusive ``flock`` on its file for as long as
it writes; the kernel drops the lock when the process dies, however it dies. The age guards the
instant between creating the file and locking it, and platforms without ``flock`` (Windows,
where a file another process has open cannot be deleted anyway).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

# Our outputs' types only: a similar-looking file of another program is never touched.
_TEMP_NAME = re.compile(r"\..+\.(?i:docx|json|csv|md)\.[0-9a-f]{12}\.tmp")
STALE_AFTER_S = 60.0
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def temp_path_for(path: Path) -> Path:
    """A fresh temporary name beside ``path``."""
    return path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"


@contextlib.contextmanager
def atomic_replace(path: Path) -> Iterator[BinaryIO]:
    """A binary handle whose contents replace ``path`` when the block ends without an error.

    Missing parent folders are created. The file gets mode 0666 filtered by the umask, like any
    file the user saves (``mkstemp`` would give 0600). On an error the temporary file is removed
    and the error propagates (``OSError`` when the disk refuses).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(path.parent)
    temp = temp_path_for(path)
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            _hold(handle.fileno())
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Remove the temporary files killed writers left in ``folder``; return what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    cutoff = time.time() - STALE_AFTER_S
    for entry in entries:
        if not _TEMP_NAME.fullmatch(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or entry.stat().st_mtime > cutoff:
                continue
            if _remove_if_unheld(Path(entry.path)):
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone already, or not ours to remove: leave it
    for path in removed:
        log.info("removed %s, left by an export that was interrupted", path)
    return removed


if sys.platform == "win32":

    def _hold(descriptor: int) -> None:
        """Windows: an open file cannot be deleted by another process; nothing to add."""

    def _remove_if_unheld(path: Path) -> bool:
        path.unlink()  # PermissionError while a writer still has it open
        return True

else:
    import fcntl

    def _hold(descriptor: int) -> None:
        """Lock the file for as long as this process writes it (released at exit or death).

        A file system without locks still gets its export; the age alone then protects it.
        """
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _remove_if_unheld(path: Path) -> bool:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # a live writer holds it
            path.unlink()
            return True
        finally:
            os.close(descriptor)
