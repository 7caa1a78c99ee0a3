"""Store errors: ``StoreError`` subclasses with stable codes and reviewer-facing messages."""

from __future__ import annotations

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
    """SQLite cannot read the file (damaged, truncated or not a database)."""

    code = "STORE_CORRUPT"
    default_message = (
        "The review database is damaged and cannot be opened. "
        "Restore a copy from the backups folder next to it."
    )


class StoreMigrationError(StoreError):
    """Upgrading the schema failed; the database is left at its previous version."""

    code = "STORE_MIGRATION_FAILED"
    default_message = (
        "The review database could not be upgraded. It was left as it was, "
        "and a copy was saved in the backups folder."
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
    """The disk refused a write (full, read-only, I/O error)."""

    code = "STORE_WRITE_FAILED"
    default_message = (
        "The review database could not be written. Check that the disk is not full "
        "and the data folder is writable."
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
