"""Errors the model chain raises, each carrying the attempt log, and the log's one-line summary."""

from __future__ import annotations

from aiprism_desktop.core.errors import (
    AuthError,
    InvalidResponseError,
    ProviderError,
    ProviderUnavailableError,
    SectionTooLargeError,
)
from aiprism_desktop.core.reviewer import Attempt


def summarize_attempts(attempts: tuple[Attempt, ...]) -> str:
    """``sonnet-4-5: throttled ×3; opus-4-5: disabled (end of life); …`` in chain order.

    Consecutive identical outcomes of one model collapse into ``×n``.
    """
    per_model: dict[str, list[tuple[str, int]]] = {}
    for attempt in attempts:
        label = attempt.message or attempt.outcome
        runs = per_model.setdefault(attempt.model, [])
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1] + 1)
        else:
            runs.append((label, 1))
    parts = []
    for model, runs in per_model.items():
        labels = [f"{label} ×{count}" if count > 1 else label for label, count in runs]
        parts.append(f"{model}: {', then '.join(labels)}")
    return "; ".join(parts)


class AllModelsFailedError(ProviderError):
    """Every model of the chain failed or was skipped; the message names every attempt."""

    code = "ALL_MODELS_FAILED"
    default_message = "No model of the fallback chain could answer."

    def __init__(self, attempts: tuple[Attempt, ...], *, note: str = "") -> None:
        self.attempts = attempts
        summary = summarize_attempts(attempts) or "no model is configured"
        lead = f"No model could answer{f' ({note})' if note else ''}"
        super().__init__(f"{lead}: {summary}.", detail=summary)


class AllAnswersInvalidError(AllModelsFailedError, InvalidResponseError):
    """Every model that answered gave invalid findings, even after a repair request."""

    code = "INVALID_RESPONSE"


class BedrockUnreachableError(ProviderUnavailableError):
    """Bedrock could not be reached at all (every attempt was a connection failure)."""

    code = "BEDROCK_UNREACHABLE"
    default_message = "Amazon Bedrock cannot be reached right now."

    def __init__(self, attempts: tuple[Attempt, ...]) -> None:
        self.attempts = attempts
        summary = summarize_attempts(attempts)
        super().__init__(
            f"Amazon Bedrock cannot be reached (check the network or proxy): {summary}.",
            detail=summary,
        )


class ChainAuthError(AuthError):
    """The credentials were refused; no other model can help."""

    def __init__(self, service_message: str, attempts: tuple[Attempt, ...]) -> None:
        self.attempts = attempts
        said = f": {service_message.rstrip('.')}" if service_message else ""
        super().__init__(
            f"The AWS credentials were refused{said}. Check them in Settings → Credentials.",
            detail=summarize_attempts(attempts),
        )


class ModelRequestRejectedError(ProviderError):
    """Bedrock rejected our request as malformed: an AI-Prism bug, reported as such."""

    code = "MODEL_REQUEST_REJECTED"
    default_message = "Bedrock rejected the request as malformed (an AI-Prism bug)."

    def __init__(self, service_message: str, attempts: tuple[Attempt, ...]) -> None:
        self.attempts = attempts
        super().__init__(
            "Bedrock rejected the request as malformed; this is an AI-Prism bug "
            f"(please report it): {service_message}",
            detail=summarize_attempts(attempts),
        )


class ChainSectionTooLargeError(SectionTooLargeError):
    """The section does not fit any usable model (input window or output limit): split it."""

    def __init__(self, message: str, attempts: tuple[Attempt, ...]) -> None:
        self.attempts = attempts
        super().__init__(message, detail=summarize_attempts(attempts))


class DeadlineExceededError(AllModelsFailedError):
    """The overall time budget ran out before any model answered."""

    code = "MODEL_DEADLINE_EXCEEDED"
