"""Logging for the GUI, CLI and server: a private rotating log file plus the console.

Every handler carries the redaction filter, so nothing a library logs at any level (botocore's
DEBUG output includes request headers and whole request and response bodies) can put a
credential or document text on disk or on screen. The log file is
created ``0o600`` inside a ``0o700`` directory because even redacted logs name documents.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, cast

from aiprism_desktop.secrets.redaction import SecretRedactionFilter, SecretsProvider
from aiprism_desktop.store.paths import AppPaths, ensure_private_dir

LOG_FILE_NAME = "aiprism.log"
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
MAX_LOG_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 5

# Chatty libraries: WARNING unless the user asked for DEBUG.
NOISY_LOGGERS = ("boto3", "botocore", "urllib3", "s3transfer", "keyring", "httpx", "httpcore")

_HANDLER_MARK = "_aiprism_handler"


def default_log_dir() -> Path:
    """The app's log directory (``~/.local/state/AI-Prism/log`` on Linux; see ``AppPaths``)."""
    return AppPaths.resolve().log_dir


def _private_opener(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file handler whose files (current and rotated) are readable by the owner only.

    When the file cannot be written (a full disk, a removed folder) it says so once, in one
    line, instead of logging's default: a traceback on stderr for every record.
    """

    _told: bool = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            self._cannot_write(error)
        else:
            super().handleError(record)  # a bug of ours: the full report

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as error:  # on close, outside emit's handling
            self._cannot_write(error)

    def close(self) -> None:
        try:
            super().close()
        except OSError as error:  # closing flushes what a full disk refused
            self._cannot_write(error)

    def _cannot_write(self, error: OSError) -> None:
        if not self._told and logging.raiseExceptions and sys.stderr is not None:
            self._told = True
            reason = error.strerror or type(error).__name__
            sys.stderr.write(
                f"aiprism: the log file {self.baseFilename} cannot be written ({reason}); "
                "the review goes on without it.\n"
            )

    def _open(self) -> io.TextIOWrapper:
        stream = open(  # noqa: SIM115 - the handler owns and closes the stream
            self.baseFilename,
            self.mode,
            encoding=self.encoding,
            errors=self.errors,
            opener=_private_opener,
        )
        os.chmod(self.baseFilename, 0o600)  # a file left by an older version may be wider
        return cast(io.TextIOWrapper, stream)


def configure_logging(
    log_dir: Path | None = None,
    level: int | str = logging.INFO,
    secrets_provider: SecretsProvider | None = None,
    *,
    console: bool = True,
    console_stream: IO[str] | None = None,
) -> Path:
    """Install the app's handlers on the root logger; return the log file path.

    Calling it again replaces the handlers it installed before (e.g. when the user turns on
    debug logging), leaving handlers installed by others (pytest) alone.
    """
    numeric_level = logging.getLevelName(level) if isinstance(level, str) else level
    if not isinstance(numeric_level, int):
        raise ValueError(f"unknown log level: {level!r}")
    directory = default_log_dir() if log_dir is None else log_dir
    ensure_private_dir(directory)
    log_path = directory / LOG_FILE_NAME

    redaction = SecretRedactionFilter(secrets_provider)
    formatter = logging.Formatter(LOG_FORMAT)
    handlers: list[logging.Handler] = [
        PrivateRotatingFileHandler(
            log_path,
            maxBytes=MAX_LOG_BYTES,
            backupCount=LOG_BACKUPS,
            encoding="utf-8",
            errors="backslashreplace",  # a file name that is not UTF-8 is logged, not an error
        )
    ]
    stream = console_stream or sys.stderr
    if console and stream is not None:  # a windowed app (pythonw) has no stderr
        handlers.append(logging.StreamHandler(stream))

    root = logging.getLogger()
    remove_app_handlers(root.handlers)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redaction)
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    root.setLevel(numeric_level)

    library_level = logging.DEBUG if numeric_level <= logging.DEBUG else logging.WARNING
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(library_level)
    logging.captureWarnings(True)
    return log_path


def remove_app_handlers(handlers: Iterable[logging.Handler] | None = None) -> None:
    """Detach and close the handlers ``configure_logging`` installed (on quit, or in tests)."""
    root = logging.getLogger()
    for handler in list(root.handlers if handlers is None else handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
            handler.close()
