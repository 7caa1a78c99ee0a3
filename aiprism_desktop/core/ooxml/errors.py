"""Why a document was refused: one ``DocumentError`` subclass per cause.

Each class has a stable ``code`` (logs, CLI exit output, the backend wire format, tests) and a
default message that tells a reviewer what happened and what to do about it. ``detail`` carries
the technical context (part name, library message) for logs and bug reports.
"""

from __future__ import annotations

from aiprism_desktop.core.errors import DocumentError

_RESAVE = "Open it in Word and use File → Save As → Word Document (*.docx), then open the copy."


class DocumentNotFoundError(DocumentError):
    code = "DOC_NOT_FOUND"
    default_message = "The file could not be found. It may have been moved, renamed or deleted."


class DocumentUnreadableError(DocumentError):
    code = "DOC_UNREADABLE"
    default_message = (
        "The file could not be read from disk. Check that you have permission to open it and "
        "that it is not locked by another program."
    )


class EmptyFileError(DocumentError):
    code = "DOC_EMPTY_FILE"
    default_message = (
        "The file is empty (0 bytes). It was probably not saved or copied completely; "
        "open the original in Word and save it again."
    )


class DocumentTooLargeError(DocumentError):
    code = "DOC_TOO_LARGE"
    default_message = (
        "This file is too large to review. Split it into smaller documents, or remove large "
        "embedded images and objects, and open it again."
    )


class NotZipError(DocumentError):
    code = "DOC_NOT_ZIP"
    default_message = (
        "This is not a Word document (.docx): the file is not in the Word format at all. "
        "If it opens in Word, save it from Word as Word Document (*.docx) and open the copy."
    )


class TruncatedFileError(DocumentError):
    code = "DOC_TRUNCATED"
    default_message = (
        "This file is incomplete: it looks like a Word document whose end is missing, as after "
        "an interrupted download or copy. Get the file again, or open it in Word and save it."
    )


class CorruptZipError(DocumentError):
    code = "DOC_CORRUPT_ZIP"
    default_message = (
        "This Word file is damaged and cannot be read. Open it in Word, let Word repair it, "
        "save it, and open the repaired copy."
    )


class EncryptedDocumentError(DocumentError):
    code = "DOC_ENCRYPTED"
    default_message = (
        "This file is password-protected. Remove the password in Word (File → Info → Protect "
        "Document → Encrypt with Password, clear the password), save it, and open it again."
    )


class LegacyDocError(DocumentError):
    code = "DOC_LEGACY_DOC"
    default_message = (
        "This is an old Word 97-2003 document (.doc), even if its name ends in .docx or .docm. "
        + _RESAVE
    )


class NoMainPartError(DocumentError):
    code = "DOC_NO_MAIN_PART"
    default_message = (
        "This file is a zip archive but contains no Word document body. It may be damaged or be "
        "another kind of file; open it in Word and save it as a Word Document (*.docx)."
    )


class MissingPartError(DocumentError):
    code = "DOC_MISSING_PART"
    default_message = (
        "This Word file is damaged: it refers to a part (for example an image) that is missing "
        "from the file. Open it in Word, let Word repair it, save it, and open the saved copy."
    )


class ZipBombError(DocumentError):
    code = "DOC_ZIP_BOMB"
    default_message = (
        "This file unpacks to far more data than a real Word document does, so it was not "
        "opened (it looks like a 'zip bomb'). If you trust its source, open it in Word, save a "
        "copy, and open the copy."
    )


class XmlEntitiesError(DocumentError):
    code = "DOC_XML_ENTITIES"
    default_message = (
        "This file contains XML entity declarations (a DOCTYPE), which Word never writes and "
        "which are used in attacks. It was not opened. If you trust its source, open it in "
        "Word, save a copy, and open the copy."
    )


class CorruptXmlError(DocumentError):
    code = "DOC_CORRUPT_XML"
    default_message = (
        "Part of this Word file is damaged (its XML is not well formed). Open it in Word, let "
        "Word repair it, save it, and open the repaired copy."
    )


class UnsupportedDocumentError(DocumentError):
    code = "DOC_UNSUPPORTED"
    default_message = "This file is not a Word document AI-Prism can review. " + _RESAVE


class DocumentTooComplexError(DocumentError):
    code = "DOC_TOO_COMPLEX"
    default_message = (
        "This document is nested too deeply to be read (tables or text boxes inside each other "
        "hundreds of levels deep). Simplify it in Word and open it again."
    )


class ConversionFailedError(DocumentError):
    code = "DOC_CONVERSION_FAILED"
    default_message = (
        "LibreOffice could not convert this file to a Word document, so it cannot be reviewed. "
        "Open it in Word or LibreOffice, save it as Word Document (*.docx), and open the copy."
    )


class TextTooLongError(DocumentTooLargeError):
    code = "DOC_TEXT_TOO_LONG"
    default_message = (
        "This document holds a single stretch of text of more than 10 MB (one run of a "
        "paragraph, as when a whole log or data dump is pasted in), which is more than a "
        "review can take. Split that text into smaller paragraphs or remove it, and open the "
        "document again."
    )


ALL_DOCUMENT_ERRORS: tuple[type[DocumentError], ...] = (
    DocumentNotFoundError,
    DocumentUnreadableError,
    EmptyFileError,
    DocumentTooLargeError,
    NotZipError,
    TruncatedFileError,
    CorruptZipError,
    EncryptedDocumentError,
    LegacyDocError,
    NoMainPartError,
    MissingPartError,
    ZipBombError,
    XmlEntitiesError,
    CorruptXmlError,
    UnsupportedDocumentError,
    DocumentTooComplexError,
    TextTooLongError,
    ConversionFailedError,
)
