"""Scenarios for the fake Bedrock server: what each model does, request after request.

The file format (JSON or TOML, same structure) is documented in ``tests/fakes/fake_bedrock.py``.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, cast

OutcomeKind = Literal[
    "success",
    "error",
    "malformed",
    "truncated",
    "context_window_stop",
    "stream_error",
    "stream_break",
    "hang",
]
CountTokensMode = Literal["supported", "unsupported", "access_denied"]

_OUTCOME_KINDS: frozenset[str] = frozenset(
    (
        "success",
        "error",
        "malformed",
        "truncated",
        "context_window_stop",
        "stream_error",
        "stream_break",
        "hang",
    )
)

# Inference-profile geography prefixes Bedrock uses ("us.anthropic.…", "global.anthropic.…").
GEO_PREFIXES: frozenset[str] = frozenset(("us", "eu", "apac", "global", "jp", "au", "us-gov", "ca"))


# A model answer the benches and the Bedrock window/session tests script: one finding that
# quotes nothing, so it lands on the section as a whole whatever the section says.
EVIDENCE_FINDING: dict[str, object] = {
    "type": "important",
    "risk": "medium",
    "category": "Evidence",
    "description": "State the evidence this section relies on.",
    "suggestion": "Attach it.",
    "example": "",
    "questions": [],
    "quote": "",
    "framework_refs": [13],
    "confidence": 0.8,
}


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """One modeled Bedrock error: the ``x-amzn-ErrorType`` code, HTTP status and message."""

    code: str
    status: int
    message: str


# Named errors a scenario can ask for. "{model}" is replaced by the model id of the request.
ERROR_PRESETS: dict[str, ErrorSpec] = {
    "throttling": ErrorSpec(
        "ThrottlingException", 429, "Too many requests, please wait before trying again."
    ),
    "daily_quota": ErrorSpec(
        "ThrottlingException", 429, "Too many tokens per day, please wait before trying again."
    ),
    "model_not_ready": ErrorSpec(
        "ModelNotReadyException", 429, "Model is not ready for inference. Try your request again."
    ),
    "service_unavailable": ErrorSpec(
        "ServiceUnavailableException", 503, "Bedrock is unable to process your request."
    ),
    "internal": ErrorSpec(
        "InternalServerException",
        500,
        "The server encountered an internal error while processing the request.",
    ),
    "model_timeout": ErrorSpec(
        "ModelTimeoutException", 408, "Model has timed out in processing the request."
    ),
    "model_error": ErrorSpec(
        "ModelErrorException", 424, "The model encountered an error processing the request."
    ),
    "model_stream_error": ErrorSpec(
        "ModelStreamErrorException", 424, "The model stream encountered an error."
    ),
    "context_window": ErrorSpec(
        "ValidationException", 400, "Input is too long for requested model."
    ),
    "prompt_too_long": ErrorSpec(
        "ValidationException", 400, "prompt is too long: 250000 tokens > 200000 maximum"
    ),
    "needs_profile": ErrorSpec(
        "ValidationException",
        400,
        "Invocation of model ID {model} with on-demand throughput isn’t supported. Retry your"
        " request with the ID or ARN of an inference profile that contains this model.",
    ),
    "invalid_model_id": ErrorSpec(
        "ValidationException", 400, "The provided model identifier is invalid."
    ),
    "thinking_forced_tool": ErrorSpec(
        "ValidationException", 400, "Thinking may not be enabled when tool_choice forces tool use."
    ),
    "temperature_top_p": ErrorSpec(
        "ValidationException",
        400,
        "The model returned the following errors: `temperature` and `top_p` cannot both be"
        " specified for this model. Please use only one.",
    ),
    "no_access": ErrorSpec(
        "AccessDeniedException",
        403,
        "You don't have access to the model with the specified model ID.",
    ),
    "bad_credentials": ErrorSpec(
        "AccessDeniedException", 403, "The security token included in the request is invalid."
    ),
    "unrecognized_client": ErrorSpec(
        "UnrecognizedClientException", 403, "The security token included in the request is invalid."
    ),
    "expired_token": ErrorSpec(
        "ExpiredTokenException", 403, "The security token included in the request is expired"
    ),
    "eol": ErrorSpec(
        "ResourceNotFoundException",
        404,
        "This model version has reached the end of its life. Please refer to the AWS"
        " documentation for more details.",
    ),
    "legacy": ErrorSpec(
        "ResourceNotFoundException",
        404,
        "Access denied. This Model is marked by provider as Legacy and you have not been actively"
        " using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock",
    ),
    "count_tokens_unsupported": ErrorSpec(
        "ValidationException", 400, "The provided model doesn't support counting tokens."
    ),
}

# HTTP status of modeled codes, for scenarios that name a code instead of a preset.
_STATUS_BY_CODE: dict[str, int] = {spec.code: spec.status for spec in ERROR_PRESETS.values()}


def resolve_error(name: str, *, message: str | None = None, status: int | None = None) -> ErrorSpec:
    """A preset by name, or an explicit code (``"ThrottlingException"``) with a status."""
    preset = ERROR_PRESETS.get(name)
    if preset is None:
        if name[:1].islower():
            raise ValueError(f"unknown error preset {name!r}; known: {sorted(ERROR_PRESETS)}")
        preset = ErrorSpec(name, _STATUS_BY_CODE.get(name, 400), message or f"{name} (fake)")
    return ErrorSpec(
        preset.code,
        status if status is not None else preset.status,
        message if message is not None else preset.message,
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the fake does for one request. See the module docstring of ``fake_bedrock``."""

    kind: OutcomeKind = "success"
    findings: tuple[dict[str, Any], ...] | None = None
    answer: dict[str, Any] | None = None
    text: str | None = None
    error: str | None = None
    message: str | None = None
    status: int | None = None
    retry_after: float | None = None
    after_deltas: int = 2
    seconds: float = 3600.0
    stop_reason: str | None = None
    latency: float | None = None
    input_tokens: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in _OUTCOME_KINDS:
            raise ValueError(f"unknown outcome kind {self.kind!r}")
        if self.kind in ("error", "stream_error") and not self.error:
            raise ValueError(f"outcome {self.kind!r} needs an 'error' (preset name or code)")
        if self.error:
            resolve_error(self.error)  # fail at load time, not in the middle of a test

    def answer_object(self) -> dict[str, Any]:
        """The structured answer: ``answer`` as given, else ``{"findings": findings}``."""
        if self.answer is not None:
            return self.answer
        return {"findings": list(self.findings or ())}

    def error_spec(self, model_id: str) -> ErrorSpec:
        spec = resolve_error(self.error or "internal", message=self.message, status=self.status)
        return ErrorSpec(spec.code, spec.status, spec.message.replace("{model}", model_id))

    @classmethod
    def success(cls, findings: list[dict[str, Any]] | None = None, **kwargs: Any) -> Outcome:
        return cls(kind="success", findings=tuple(findings or ()), **kwargs)

    @classmethod
    def fail(cls, error: str, **kwargs: Any) -> Outcome:
        return cls(kind="error", error=error, **kwargs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Outcome:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown outcome fields: {sorted(unknown)}")
        values = dict(data)
        if values.get("findings") is not None:
            values["findings"] = tuple(values["findings"])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class ModelScript:
    """Behaviour of one model: latency and a sequence of outcomes consumed one per request.

    After the sequence is used up, ``then`` answers every further request (default: the last
    outcome of the sequence repeats).
    """

    outcomes: tuple[Outcome, ...] = (Outcome(),)
    then: Outcome | None = None
    latency: float = 0.0
    delta_delay: float = 0.0  # pause between content deltas of a stream (seconds)
    chunk_chars: int = 24  # size of text / tool-input deltas in a stream
    max_concurrent: int | None = None  # more requests at once are throttled (unseen quota)
    strict_sampling: bool = False  # temperature + topP together → ValidationException
    requires_profile: bool = False  # bare id (no geo prefix) → "on-demand throughput" error
    count_tokens: CountTokensMode = "supported"

    def __post_init__(self) -> None:
        if not self.outcomes:
            raise ValueError("a model script needs at least one outcome")

    def outcome_at(self, index: int) -> Outcome:
        if index < len(self.outcomes):
            return self.outcomes[index]
        return self.then if self.then is not None else self.outcomes[-1]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelScript:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown model fields: {sorted(unknown)}")
        values = dict(data)
        if "outcomes" in values:
            values["outcomes"] = tuple(Outcome.from_dict(o) for o in values["outcomes"])
        if values.get("then") is not None:
            values["then"] = Outcome.from_dict(values["then"])
        if values.get("count_tokens", "supported") not in (
            "supported",
            "unsupported",
            "access_denied",
        ):
            raise ValueError(f"bad count_tokens mode {values['count_tokens']!r}")
        return cls(**values)


def split_model_id(model_id: str) -> tuple[str | None, str]:
    """``"us.anthropic.x"`` → ``("us", "anthropic.x")``; ARNs keep only their last segment."""
    if model_id.startswith("arn:"):
        model_id = model_id.rsplit("/", 1)[-1]
    head, dot, rest = model_id.partition(".")
    if dot and head in GEO_PREFIXES:
        return head, rest
    return None, model_id


@dataclass(frozen=True, slots=True)
class Scenario:
    """Scripts per model id (matched with or without the geo prefix) and a default."""

    models: dict[str, ModelScript] = field(default_factory=dict)
    default: ModelScript = field(default_factory=ModelScript)

    def lookup(self, model_id: str) -> tuple[str, ModelScript]:
        """The script for ``model_id`` and the key its sequence position is kept under."""
        if model_id in self.models:
            return model_id, self.models[model_id]
        _, base = split_model_id(model_id)
        if base in self.models:
            return base, self.models[base]
        return "*default*", self.default

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        unknown = set(data) - {"models", "default"}
        if unknown:
            raise ValueError(f"unknown scenario fields: {sorted(unknown)}")
        models = {
            str(key): ModelScript.from_dict(value)
            for key, value in cast(Mapping[str, Any], data.get("models", {})).items()
        }
        default = ModelScript.from_dict(data["default"]) if "default" in data else ModelScript()
        return cls(models=models, default=default)

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        """Read a ``.json`` or ``.toml`` scenario file."""
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
        return cls.from_dict(data)
