"""Backend answers → the application's provider errors, with the backend's stable codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiprism_desktop.core.errors import (
    AuthError,
    InvalidResponseError,
    ProviderError,
    ProviderUnavailableError,
    SectionTooLargeError,
)
from aiprism_desktop.core.reviewer import Attempt


class BackendError(ProviderError):
    """The team backend refused or failed a request; ``backend_code`` is its problem code."""

    code = "BACKEND_ERROR"

    def __init__(self, message: str, *, backend_code: str = "", detail: str | None = None) -> None:
        super().__init__(message, detail=detail)
        self.backend_code = backend_code


class BackendRateLimitedError(BackendError):
    code = "BACKEND_RATE_LIMITED"


def unreachable(url: str, reason: str) -> ProviderUnavailableError:
    return ProviderUnavailableError(
        f"The team backend at {url} cannot be reached; the request waits in the queue and runs "
        "when the backend answers again.",
        detail=reason,
    )


def from_problem(status: int, problem: Mapping[str, Any], url: str) -> ProviderError:
    """The error for a problem+json answer (or any error body: the status decides then)."""
    code = str(problem.get("code") or f"HTTP_{status}")
    detail = str(problem.get("detail") or problem.get("title") or "")
    if status == 401:
        return AuthError(
            "The team backend refused the token: set a new one with `aiprism credentials "
            "set-backend-token` (or AIPRISM_BACKEND_TOKEN).",
            detail=detail,
        )
    if status in (502, 503, 504):
        return unreachable(url, f"{status} {code}: {detail}")
    if status == 429:
        return BackendRateLimitedError(
            f"The team backend is limiting your team's requests: {detail}", backend_code=code
        )
    return BackendError(
        f"The team backend refused the request ({code}): {detail}", backend_code=code
    )


def from_job_error(error: Mapping[str, Any], attempts: tuple[Attempt, ...]) -> ProviderError:
    """The error for a job that ended in ``failed``, carrying the attempt log."""
    code = str(error.get("code", ""))
    message = str(error.get("message", "")) or "The team backend could not review the section."
    found: ProviderError
    if code == "INVALID_RESPONSE":
        found = InvalidResponseError(message)
    elif code == "SECTION_TOO_LARGE":
        found = SectionTooLargeError(message)
    elif code == "PROVIDER_UNAVAILABLE":
        found = ProviderUnavailableError(f"The team backend's model is unavailable: {message}")
    else:
        found = BackendError(
            f"The team backend could not review the section: {message}", backend_code=code
        )
    # The engine reads the attempt log of a failure from ``error.attempts`` (see core.engine).
    setattr(found, "attempts", attempts)  # noqa: B010
    return found
