"""What the main part's content type says the package is: a Word format, or why not."""

from __future__ import annotations

from aiprism_desktop.core.ooxml.errors import UnsupportedDocumentError

WORD_MAIN_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.ms-word.document.macroenabled.main+xml": "docm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "dotx",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": "dotm",
}
_OTHER_APPS = {"spreadsheetml": "an Excel workbook", "presentationml": "a PowerPoint file"}


def word_format(main: str, content_type: str) -> str:
    """docx | docm | dotx | dotm from the main part's (lower-cased) content type; "docx" when
    it has none usable (the root element decides later); refuses other applications' files."""
    if content_type in WORD_MAIN_CONTENT_TYPES:
        return WORD_MAIN_CONTENT_TYPES[content_type]
    for marker, what in _OTHER_APPS.items():
        if marker in content_type:
            raise UnsupportedDocumentError(
                f"This is {what}, not a Word document, so it cannot be reviewed.",
                detail=f"main part content type {content_type}",
            )
    if content_type and content_type not in ("application/xml", "text/xml"):
        raise UnsupportedDocumentError(
            "This file's main part is not a Word document (it is "
            f"'{content_type}'), so it cannot be reviewed.",
            detail=f"main part {main} has content type {content_type}",
        )
    return "docx"
