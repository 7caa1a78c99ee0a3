"""Errors as RFC 9457 problem details (``application/problem+json``) with stable codes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from flask import Response

PROBLEM_TYPE = "https://aiprism.invalid/problems/"  # + code in lower case; never dereferenced

TITLES: dict[str, str] = {
    "INVALID_JSON": "The body is not valid JSON.",
    "INVALID_REQUEST": "The request does not match the contract.",
    "INVALID_PARAMETER": "A query parameter is invalid.",
    "INVALID_SECTION": "The section cannot be reviewed as asked.",
    "UNKNOWN_FRAMEWORK": "This backend has no such framework.",
    "PROMPT_VERSION_MISMATCH": "The backend builds another prompt version.",
    "UNAUTHORIZED": "A valid team token is needed.",
    "NOT_FOUND": "Not found.",
    "METHOD_NOT_ALLOWED": "This method is not allowed here.",
    "IDEMPOTENCY_KEY_REUSED": "The Idempotency-Key was used for another request.",
    "REQUEST_TOO_LARGE": "The request body is too large.",
    "UNSUPPORTED_MEDIA_TYPE": "The body must be application/json.",
    "RATE_LIMITED": "Too many requests from your team this minute.",
    "TOO_MANY_ACTIVE_JOBS": "Your team has too many analyses queued or running.",
    "BACKEND_UNAVAILABLE": "The backend cannot reach its store right now.",
    "INTERNAL_ERROR": "The backend hit an internal error.",
}


class Problem(Exception):  # noqa: N818 (RFC 9457 calls it a problem)
    """Raised anywhere in a request; the app turns it into a problem+json response."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str = "",
        *,
        retry_after: int | None = None,
        errors: Sequence[tuple[str, str]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.retry_after = retry_after
        self.errors = tuple(errors)
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """The problem object."""
        data: dict[str, Any] = {
            "type": PROBLEM_TYPE + self.code.lower(),
            "title": TITLES.get(self.code, self.code.replace("_", " ").capitalize()),
            "status": self.status,
            "code": self.code,
        }
        if self.detail:
            data["detail"] = self.detail
        if self.retry_after is not None:
            data["retry_after"] = self.retry_after
        if self.errors:
            data["errors"] = [{"pointer": p, "message": m} for p, m in self.errors]
        return data

    def response(self) -> Response:
        headers = dict(self.headers)
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return Response(
            json.dumps(self.body()),
            status=self.status,
            mimetype="application/problem+json",
            headers=headers,
        )


def unauthorized(detail: str) -> Problem:
    return Problem(
        401, "UNAUTHORIZED", detail, headers={"WWW-Authenticate": 'Bearer realm="aiprism"'}
    )


def not_found(what: str = "No such resource for your team.") -> Problem:
    return Problem(404, "NOT_FOUND", what)


def unavailable(detail: str = "The job store (Redis) cannot be reached.") -> Problem:
    return Problem(503, "BACKEND_UNAVAILABLE", detail, retry_after=5)
