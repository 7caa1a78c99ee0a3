"""Errors of the application layer that front ends map to messages and exit codes.

Kept apart from the modules that raise them so a front end can name them without importing the
export or decisions machinery (the CLI starts faster).
"""

from __future__ import annotations

from aiprism_desktop.core.errors import AIPrismError


class OutputPathError(AIPrismError):
    """An output path cannot be used (wrong kind of file, clash, would overwrite)."""

    code = "OUTPUT_PATH"


class ReportFormatError(OutputPathError):
    """A report was asked for in a format that does not exist."""

    code = "REPORT_FORMAT"


class DecisionsFileError(AIPrismError):
    """The decisions file cannot be read or contains an invalid entry."""

    code = "DECISIONS_FILE"
