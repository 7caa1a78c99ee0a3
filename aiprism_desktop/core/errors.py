"""One error hierarchy for the whole application.

Every error carries a stable ``code`` (for logs, exit codes, the backend's wire format and tests)
and a ``message`` written for a reviewer, not a developer. ``detail`` holds technical context
(an exception text, a part name) that is useful in logs and bug reports but never needed to
understand what went wrong.
"""

from __future__ import annotations

from typing import ClassVar


class AIPrismError(Exception):
    """Base of every error the application raises on purpose."""

    code: ClassVar[str] = "AIPRISM_ERROR"
    default_message: ClassVar[str] = "Something went wrong."

    def __init__(self, message: str | None = None, *, detail: str | None = None) -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"

    def to_dict(self) -> dict[str, str]:
        """Machine-readable form for JSON output and the backend wire format."""
        data = {"code": self.code, "message": self.message}
        if self.detail:
            data["detail"] = self.detail
        return data


class DocumentError(AIPrismError):
    """The document cannot be opened or reviewed. Subclasses say why."""

    code = "DOC_ERROR"
    default_message = "This document cannot be opened."


class ExportError(AIPrismError):
    """Writing the reviewed document or a report failed."""

    code = "EXPORT_ERROR"
    default_message = "The reviewed document could not be written."


class ConfigError(AIPrismError):
    """A configuration file or setting is invalid."""

    code = "CONFIG_ERROR"
    default_message = "A configuration file is invalid."


class ProviderError(AIPrismError):
    """The reviewer (model, backend or rule engine) could not produce a result."""

    code = "PROVIDER_ERROR"
    default_message = "The reviewer could not produce findings."


class ProviderUnavailableError(ProviderError):
    """The provider cannot be reached now (offline, endpoint down); the request can be queued."""

    code = "PROVIDER_UNAVAILABLE"
    default_message = "The AI reviewer cannot be reached right now."


class AuthError(ProviderError):
    """Credentials are missing, invalid or expired."""

    code = "AUTH_FAILED"
    default_message = "The credentials were refused. Check them in Settings → Credentials."


class InvalidResponseError(ProviderError):
    """The model or backend answered with something that is not valid findings."""

    code = "INVALID_RESPONSE"
    default_message = "The AI answer was not valid findings and was discarded."


class ReviewCancelledError(AIPrismError):
    """The user cancelled the operation."""

    code = "CANCELLED"
    default_message = "Cancelled."


class StoreError(AIPrismError):
    """The local database could not be read or written."""

    code = "STORE_ERROR"
    default_message = "The local review database could not be used."


class CredentialsError(AIPrismError):
    """Credentials could not be read or saved."""

    code = "CREDENTIALS_ERROR"
    default_message = "Credentials could not be read or saved."


class ReviewStateError(AIPrismError):
    """A decision does not apply (unknown finding, nothing to undo, editing a deleted comment)."""

    code = "REVIEW_STATE"
    default_message = "That action does not apply to this finding."


class SectionTooLargeError(ProviderError):
    """The section does not fit the model's output or context even at its limits.

    The engine reacts by splitting the section into parts and reviewing each part.
    """

    code = "SECTION_TOO_LARGE"
    default_message = "This section is too long to review in one request."


class InternalError(AIPrismError):
    """A bug in AI-Prism: reported honestly, with the technical detail for a bug report."""

    code = "INTERNAL_ERROR"
    default_message = "AI-Prism hit an internal error. The details are in the log."


class DataFormatError(AIPrismError):
    """Stored or transmitted review data (findings, events, cache entries) cannot be decoded."""

    code = "DATA_FORMAT"
    default_message = "Saved review data is damaged or comes from an incompatible version."
