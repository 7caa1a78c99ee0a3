"""Store errors: ``StoreError`` subclasses with stable codes and reviewer-facing messages."""

from __future__ import annotations

from pathlib import Path

from aiprism_desktop.core.errors import StoreError


class StoreTooNewError(StoreError):
    """The database was written by a newer AI-Prism; we must not touch it."""

    code = "STORE_TOO_NEW"
    default_message = (
        "The review database was created by a newer version of AI-Prism. "
        "Update AI-Prism to open it; it has not been changed."
    )


class StoreForeignError(StoreError):
    """The file is an SQLite database, but not one of ours."""

    code = "STORE_FOREIGN"
    default_message = (
        "The review database file belongs to another program. "
        "Move it away or choose another data folder; it has not been changed."
    )


class StoreCorruptError(StoreError):
    """SQLite cannot read the file (damaged, truncated or not a database).

    Only SQLite's own verdict (``SQLITE_CORRUPT``, ``SQLITE_NOTADB``) leads here, never a full
    disk or a refused write: the advice (restore a copy, move the file away) would throw away
    decisions if the file were in fact intact.
    """

    code = "STORE_CORRUPT"
    default_message = "The review database is damaged and cannot be used."

    @classmethod
    def at(cls, database: Path, backup_dir: Path | None, *, detail: str) -> StoreCorruptError:
        """The error with advice that fits what is on disk: the newest backup copy, if any."""
        copies = sorted(backup_dir.glob("*.sqlite3")) if backup_dir and backup_dir.is_dir() else []
        if copies:
            newest = max(copies, key=lambda copy: copy.stat().st_mtime)
            advice = (
                f"The newest copy, taken before an upgrade, is {newest}: restoring it loses the "
                "decisions made since."
            )
        else:
            advice = (
                f"There is no backup copy. Move {database} away (keep it for a bug report) and "
                "AI-Prism starts a new, empty review database."
            )
        return cls(
            f"The review database {database} is damaged and cannot be used. {advice}", detail=detail
        )


class StoreMigrationError(StoreError):
    """Upgrading the schema failed; the database is left at its previous version."""

    code = "STORE_MIGRATION_FAILED"
    default_message = "The review database could not be upgraded. It was left as it was."

    @classmethod
    def after(cls, backup: Path | None, *, detail: str) -> StoreMigrationError:
        """The error, naming the copy taken before the upgrade when there is one."""
        if backup is None:
            return cls(detail=detail)
        return cls(
            "The review database could not be upgraded. It was left as it was, and a copy "
            f"taken before the upgrade was saved as {backup}.",
            detail=detail,
        )


class StoreClosedError(StoreError):
    """A call arrived after ``close()``."""

    code = "STORE_CLOSED"
    default_message = "The review database is already closed."


class UnknownDocumentError(StoreError):
    """Something refers to a document that was never saved."""

    code = "STORE_UNKNOWN_DOCUMENT"
    default_message = "This document is not in the review database; open it again."


class SecretSettingError(StoreError):
    """A setting looks like a secret; secrets belong in the OS keyring, never in the database."""

    code = "STORE_SECRET_REFUSED"
    default_message = (
        "Secrets (passwords, tokens, keys) are kept in the system keyring, "
        "not in the settings database."
    )


class StoreBusyError(StoreError):
    """Another process held the database's write lock for longer than the busy timeout."""

    code = "STORE_BUSY"
    default_message = (
        "The review database is busy (is AI-Prism open in another window?). Try again."
    )


class StoreWriteError(StoreError):
    """The disk refused a read or write with an I/O error (full and read-only: subclasses)."""

    code = "STORE_WRITE_FAILED"
    default_message = (
        "The review database could not be read or written: the disk reported an input/output "
        "error. Check the disk, then try again."
    )

    @classmethod
    def at(cls, database: Path, *, detail: str) -> StoreWriteError:
        """The error naming the database file."""
        return cls(
            f"The review database {database} could not be read or written: the disk reported "
            "an input/output error. Check the disk, then try again.",
            detail=detail,
        )


class StoreDiskFullError(StoreWriteError):
    """No room to write: the disk is full, or a quota or the file-size limit is reached.

    SQLite rolls the failed transaction back, so everything committed before is intact.
    """

    code = "STORE_DISK_FULL"
    default_message = (
        "The disk holding the review database is full. Free some space and try again; "
        "everything saved before is kept."
    )

    @classmethod
    def at(cls, database: Path, *, detail: str) -> StoreDiskFullError:
        """The error naming the folder that needs room."""
        return cls(
            f"The disk is full: there is no room to save to the review database in "
            f"{database.parent} (or a disk quota or file-size limit was reached). Free some "
            "space and try again; everything saved before is kept.",
            detail=detail,
        )


class StoreNotWritableError(StoreWriteError):
    """The database file or its folder is read-only for us (permissions, read-only mount)."""

    code = "STORE_NOT_WRITABLE"
    default_message = (
        "AI-Prism may not write to the review database. Fix the data folder's permissions or "
        "choose another one with --data-dir or AIPRISM_DATA_DIR."
    )

    @classmethod
    def at(cls, database: Path, *, detail: str) -> StoreNotWritableError:
        """The error naming the folder whose permissions are wrong."""
        return cls(
            f"AI-Prism may not write to the review database in {database.parent} (the folder "
            "or the file is read-only, or belongs to another user). Fix its permissions or "
            "choose another data folder with --data-dir or AIPRISM_DATA_DIR.",
            detail=detail,
        )


class StoreRefusedDataError(StoreError):
    """A value would not read back as it was written; it is refused before anything is saved."""

    code = "STORE_REFUSED_DATA"
    default_message = (
        "AI-Prism refused to save a decision whose values it could not read back; nothing was "
        "saved and the review is unchanged."
    )


class DataDirError(StoreWriteError):
    """The data folder (``--data-dir`` / ``AIPRISM_DATA_DIR``) cannot be created or used."""

    code = "STORE_DATA_DIR"
    default_message = (
        "The data folder cannot be used. Choose another one with --data-dir or AIPRISM_DATA_DIR."
    )
