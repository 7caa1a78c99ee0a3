"""Model attempts in words a reviewer reads while a section runs: "Sonnet 4.5 throttled → trying
Opus 4.5". The window's status line and the navigator use it; the CLI can too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aiprism_desktop.core.reviewer import Attempt

# Error code fragments → what happened, in a reviewer's words (first match wins).
_WORDS: tuple[tuple[str, str], ...] = (
    ("Throttling", "throttled"),
    ("ServiceUnavailable", "unavailable"),
    ("ModelNotReady", "not ready"),
    ("Timeout", "timed out"),
    ("AccessDenied", "access denied"),
    ("ExpiredToken", "credentials expired"),
    ("UnrecognizedClient", "credentials refused"),
    ("ResourceNotFound", "not available"),
    ("ModelError", "failed"),
    ("InternalServer", "had a server error"),
    ("Validation", "refused the request"),
    ("Connect", "unreachable"),
)
_OUTCOME_WORDS = {
    "skipped": "skipped",
    "disabled": "disabled",
    "shrink": "too small for this section",
    "repair": "answered invalid findings",
}


def short_name(display_name: str) -> str:
    """'Claude Sonnet 4.5' → 'Sonnet 4.5' (the brand is the same for every model)."""
    return display_name.removeprefix("Claude ").strip() or display_name


def model_label(key: str, names: Mapping[str, str] | None = None) -> str:
    """A model's name for a reviewer: its display name when known, else one made from its
    chain key ('opus-4-5' → 'Opus 4.5')."""
    known = (names or {}).get(key)
    if known:
        return short_name(known)
    words: list[str] = []
    for part in key.split("-"):
        if part.isdigit() and words and words[-1][-1:].isdigit():
            words[-1] += f".{part}"
        else:
            words.append(part if part.isdigit() else part.capitalize())
    return " ".join(words) or key


def attempt_words(attempt: Attempt) -> str:
    """What became of one attempt: 'answered', 'throttled', 'timed out', …"""
    if attempt.outcome == "ok":
        return "answered"
    code = attempt.error_code or ""
    for fragment, words in _WORDS:
        if fragment.lower() in code.lower():
            return words
    return _OUTCOME_WORDS.get(attempt.outcome, "failed")


@dataclass
class LiveAttempts:
    """Follows one section's attempts and says where it stands."""

    names: dict[str, str] = field(default_factory=dict)  # model key → display name
    last_failure: str = ""  # "Sonnet 4.5 throttled"

    def name(self, key: str) -> str:
        return model_label(key, self.names)

    def started(self, key: str, display_name: str = "") -> str:
        if display_name:
            self.names[key] = display_name
        trying = f"trying {self.name(key)}"
        return f"{self.last_failure} → {trying}" if self.last_failure else "T" + trying[1:]

    def ended(self, attempt: Attempt) -> str:
        words = attempt_words(attempt)
        text = f"{self.name(attempt.model)} {words}"
        if attempt.outcome != "ok":
            self.last_failure = text
        return text


def attempt_log_lines(
    attempts: tuple[Attempt, ...], names: Mapping[str, str] | None = None
) -> list[str]:
    """One line per attempt for a failed section's log: model, what happened, how long, why."""
    lines = []
    for attempt in attempts:
        name = model_label(attempt.model, names)
        took = f" after {attempt.latency_ms / 1000:.1f} s" if attempt.latency_ms >= 1 else ""
        why = f": {attempt.message}" if attempt.message and attempt.outcome != "ok" else ""
        lines.append(f"{name} {attempt_words(attempt)}{took}{why}")
    return lines
