"""The classification table: (error code, message pattern) → what the chain does next.

Codes are matched case-insensitively (mid-stream codes are lowerCamel). The first matching row
wins; message rows that cut across codes (daily quota, context window, end of life, …) come
first. ``error_classifier`` applies the table; every row has a test in tests/providers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    """The outcome class of one attempt (also the ``Attempt.outcome`` string)."""

    RETRY_SAME = "retry"  # back off, then try the same model again
    FALLBACK = "fallback"  # give up on this model for this request
    DISABLE_MODEL = "disabled"  # never call this model again until the user re-enables it
    USE_PROFILE_ID = "use_profile"  # call the same model again through its inference profile
    SHRINK_INPUT = "shrink"  # the input does not fit this model's context window
    MORE_ROOM = "more_room"  # the answer was cut off at max_tokens: ask for more room
    REPAIR = "repair"  # the answer was not valid findings: one repair attempt
    ABORT = "abort"  # nothing else will work: credentials, our own bug


class Scope(StrEnum):
    """Whom a failure says something about: the model, or only this kind of request to it."""

    MODEL = "model"  # every request to the model (quota, end of life, access, outages)
    OPERATION = "operation"  # only this operation (IAM allows Converse but not the stream…)


class AbortKind(StrEnum):
    """Why an ABORT cannot be helped by another model."""

    NONE = ""
    AUTH = "auth"  # credentials missing, invalid or expired
    BUG = "bug"  # a malformed request: our own bug


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table. ``codes`` None = any code; ``pattern`` None = any message."""

    name: str
    codes: frozenset[str] | None
    pattern: re.Pattern[str] | None
    action: Action
    reason: str
    retries: int = 0
    cooldown_s: float | None = None
    until_next_utc_day: bool = False
    counts_as_failure: bool = True
    abort: AbortKind = AbortKind.NONE
    scope: Scope = Scope.MODEL
    try_global_profile: bool = False  # the id may be wrong for the geography: try ``global.``
    throttle: bool = False  # a request to slow down (feeds the model's adaptive limit)

    def matches(self, code: str, message: str) -> bool:
        """True when the lower-cased code and the message fit this row."""
        if self.codes is not None and code.lower() not in self.codes:
            return False
        return self.pattern is None or self.pattern.search(message) is not None


def _codes(*names: str) -> frozenset[str]:
    return frozenset(name.lower() for name in names)


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Same-model retries of a throttled call. The adaptive limit halves the model's concurrency at
# once, so a retry usually gets through; only a model that keeps throttling is left for the next.
THROTTLE_RETRIES = 3
THROTTLE_COOLDOWN_S = 30.0  # a model still throttling after its retries is left alone this long

THROTTLE_CODES = _codes(
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestThrottledException",
    "ProvisionedThroughputExceededException",
    "LimitExceededException",
)
AUTH_CODES = _codes(
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "ExpiredTokenException",
    "ExpiredToken",
    "InvalidClientTokenId",
    "InvalidAccessKeyId",
    "MissingAuthenticationToken",
    "MissingAuthenticationTokenException",
    "AuthFailure",
    "UnauthorizedException",
    "AccessDeniedException",
)

CONTEXT_WINDOW = _re(
    r"input is too long|input length and `?max_tokens`? exceed context limit"
    r"|too many total text bytes|prompt is too long|too many input tokens|too many tokens"
    r"|expected maxlength:|prompt: length: 1\.\.|context window|context length|context limit"
    r"|model_context_window_exceeded"
)
PARAMETER_MISMATCH = _re(
    r"temperature|top_p|top_k|thinking|tool_choice|tool use|toolchoice|outputconfig"
    r"|output_config|structured output|json_schema|max_tokens|maxtokens|not supported"
    r"|does not support|doesn't support|isn.t supported for this model"
)

# The table. Order matters: message rows that cut across codes come first.
RULES: tuple[Rule, ...] = (
    Rule(
        "daily quota",
        None,
        _re(r"tokens per day|requests per day|per-day quota|daily quota"),
        Action.FALLBACK,
        "daily quota used up",
        until_next_utc_day=True,
    ),
    Rule(
        "throttled",
        THROTTLE_CODES,
        None,
        Action.RETRY_SAME,
        "throttled",
        retries=THROTTLE_RETRIES,
        cooldown_s=THROTTLE_COOLDOWN_S,
        counts_as_failure=False,  # a throttle asks us to slow down; the model is fine
        throttle=True,
    ),
    Rule(
        "context window",
        None,
        CONTEXT_WINDOW,
        Action.SHRINK_INPUT,
        "input too long for the context window",
        counts_as_failure=False,
    ),
    Rule(
        "needs inference profile",
        None,
        _re(r"on-demand throughput isn['’`]?t supported|on-demand throughput is not supported"),
        Action.USE_PROFILE_ID,
        "needs an inference profile",
        counts_as_failure=False,
    ),
    Rule(
        "end of life",
        None,
        _re(r"end of (its )?life|end-of-life"),
        Action.DISABLE_MODEL,
        "end of life",
    ),
    Rule(
        "legacy",
        None,
        _re(r"marked by provider as legacy|model is legacy|legacy model"),
        Action.DISABLE_MODEL,
        "legacy model no longer available to this account",
    ),
    Rule(
        "marketplace subscription pending",
        _codes("AccessDeniedException"),
        _re(r"marketplace subscription .*cannot be completed at this time"),
        Action.FALLBACK,
        "model's AWS Marketplace subscription is still being set up",
        cooldown_s=900.0,  # AWS: "try again after 15 minutes"
    ),
    Rule(
        # Before "no model access" and "credentials": these AccessDenied messages are about
        # the account's Marketplace subscription or payment method, not the keys. It can take
        # AWS minutes to settle, so the model cools down rather than being disabled for good.
        "marketplace subscription or payment",
        _codes("AccessDeniedException", "ValidationException"),
        _re(
            r"aws marketplace|aws-marketplace|marketplace subscription|payment instrument"
            r"|invalid_payment"
        ),
        Action.FALLBACK,
        "model needs an AWS Marketplace subscription or payment set up for this account",
        cooldown_s=3600.0,
    ),
    Rule(
        "no model access",
        _codes("AccessDeniedException", "ResourceNotFoundException", "ValidationException"),
        _re(r"(don.t|do not|doesn.t|does not) have access to the model|model access"),
        Action.DISABLE_MODEL,
        "no access to this model (request it in the Bedrock console)",
    ),
    Rule(
        "not authorized for this model",
        _codes("AccessDeniedException"),
        _re(r"not authorized to perform: ?bedrock:|explicit deny|no identity-based policy"),
        Action.FALLBACK,
        "not authorized for this model",
        cooldown_s=600.0,
        counts_as_failure=False,
        scope=Scope.OPERATION,  # IAM may allow InvokeModel but not the streaming action
    ),
    Rule(
        "credentials",
        AUTH_CODES,
        None,
        Action.ABORT,
        "credentials refused",
        counts_as_failure=False,
        abort=AbortKind.AUTH,
    ),
    Rule(
        "credentials (message)",
        None,
        _re(
            r"security token included in the request is (invalid|expired)"
            r"|signature we calculated does not match|api key is (invalid|expired)"
            r"|authentication failed|token has expired"
        ),
        Action.ABORT,
        "credentials refused",
        counts_as_failure=False,
        abort=AbortKind.AUTH,
    ),
    Rule(
        "invalid model id",
        _codes("ValidationException", "ResourceNotFoundException"),
        _re(
            r"model identifier is invalid|model id.* (is )?invalid|could not resolve the foundation"
        ),
        Action.FALLBACK,
        "model id not valid in this region",
        cooldown_s=86400.0,
        try_global_profile=True,
    ),
    Rule(
        "parameters refused by this model",
        _codes("ValidationException"),
        PARAMETER_MISMATCH,
        Action.FALLBACK,
        "model refused the request parameters (check models.toml)",
        cooldown_s=3600.0,
        counts_as_failure=False,
        scope=Scope.OPERATION,  # chat and review requests carry different parameters
    ),
    Rule(
        "unavailable",
        _codes(
            "ServiceUnavailableException",
            "ServiceUnavailable",
            "InternalServerException",
            "InternalFailure",
            "ServiceFailure",
            "ModelNotReadyException",
            "RequestTimeout",
            "RequestTimeoutException",
            "PriorRequestNotComplete",
        ),
        None,
        Action.RETRY_SAME,
        "service unavailable",
        retries=2,
        cooldown_s=30.0,
    ),
    Rule(
        "model timeout / model error",
        _codes("ModelTimeoutException", "ModelErrorException", "ModelStreamErrorException"),
        None,
        Action.RETRY_SAME,
        "model failed",
        retries=1,
    ),
    Rule(
        "service quota",
        _codes("ServiceQuotaExceededException"),
        None,
        Action.FALLBACK,
        "service quota exceeded",
        cooldown_s=60.0,
    ),
    Rule(
        "model not found",
        _codes("ResourceNotFoundException"),
        None,
        Action.FALLBACK,
        "model not found",
        cooldown_s=3600.0,
    ),
    Rule(
        "malformed request",
        _codes("ValidationException", "SerializationException", "ValidationError"),
        None,
        Action.ABORT,
        "request rejected as malformed (an AI-Prism bug)",
        counts_as_failure=False,
        abort=AbortKind.BUG,
    ),
)

# Reasons for specific codes inside the broad "unavailable"/"model failed" rows.
CODE_REASONS = {
    "internalserverexception": "internal server error",
    "modelnotreadyexception": "model not ready",
    "modeltimeoutexception": "model timed out",
    "modelerrorexception": "model error",
    "modelstreamerrorexception": "stream broke",
}
