"""Why an export failed: one ``ExportError`` subclass per cause, each with a stable code."""

from __future__ import annotations

from aiprism_desktop.core.errors import ExportError


class ExportSameAsSourceError(ExportError):
    code = "EXPORT_SAME_AS_SOURCE"
    default_message = (
        "The reviewed document would overwrite the original. Choose another file name; "
        "AI-Prism never overwrites the document under review."
    )


class ExportSourceMissingError(ExportError):
    code = "EXPORT_SOURCE_MISSING"
    default_message = (
        "The original document could not be found or read, so the reviewed copy could not be "
        "made. It may have been moved, renamed or deleted."
    )


class ExportSourceChangedError(ExportError):
    code = "EXPORT_SOURCE_CHANGED"
    default_message = (
        "The original document has changed on disk since it was reviewed, so the comments could "
        "land in the wrong places. Open the document again, then export."
    )


class ExportSourceInvalidError(ExportError):
    code = "EXPORT_SOURCE_INVALID"
    default_message = (
        "The original document could not be read while writing the reviewed copy (its package "
        "is damaged or not a Word document)."
    )


class ExportWriteError(ExportError):
    code = "EXPORT_WRITE_FAILED"
    default_message = (
        "The reviewed document could not be saved. Check that the folder exists, that you may "
        "write to it, that there is free disk space, and that the file is not open in Word."
    )


class ExportTargetInvalidError(ExportError):
    code = "EXPORT_TARGET_INVALID"
    default_message = "The reviewed document cannot be saved there: the name is a folder."
