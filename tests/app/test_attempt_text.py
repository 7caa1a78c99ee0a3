"""Model attempts in a reviewer's words."""

from __future__ import annotations

from aiprism_desktop.app.attempt_text import (
    LiveAttempts,
    attempt_log_lines,
    attempt_words,
    model_label,
)
from aiprism_desktop.core.reviewer import Attempt


def test_live_line_says_which_model_failed_and_which_is_tried_next() -> None:
    live = LiveAttempts()
    assert live.started("sonnet-4-5", "Claude Sonnet 4.5") == "Trying Sonnet 4.5"
    throttled = Attempt("sonnet-4-5", "fallback", 120.0, "ThrottlingException", "Too many")
    assert live.ended(throttled) == "Sonnet 4.5 throttled"
    assert live.started("opus-4-5", "Claude Opus 4.5") == "Sonnet 4.5 throttled → trying Opus 4.5"
    assert live.ended(Attempt("opus-4-5", "ok", 900.0)) == "Opus 4.5 answered"


def test_words_for_codes_and_outcomes() -> None:
    assert attempt_words(Attempt("m", "retry", 1, "ModelTimeoutException")) == "timed out"
    assert attempt_words(Attempt("m", "skipped", 0, message="not in region")) == "skipped"
    assert attempt_words(Attempt("m", "abort", 1, "SomethingNew")) == "failed"


def test_attempt_log_lines_name_the_model_the_outcome_and_why() -> None:
    lines = attempt_log_lines(
        (
            Attempt("haiku-4-5", "disabled", 2500.0, "AccessDeniedException", "No access."),
            Attempt("opus-4-5", "ok", 0.5),
        ),
        {"haiku-4-5": "Claude Haiku 4.5"},
    )
    assert lines == ["Haiku 4.5 access denied after 2.5 s: No access.", "Opus 4.5 answered"]


def test_model_labels_prefer_known_names_and_read_well_otherwise() -> None:
    assert model_label("opus-4-5") == "Opus 4.5"
    assert model_label("sonnet-5") == "Sonnet 5"
    assert model_label("opus-4-5", {"opus-4-5": "Claude Opus 4.5"}) == "Opus 4.5"
    assert model_label("offline-rules") == "Offline Rules"
