"""Validation and normalization of untrusted model output into FindingDrafts."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from aiprism_desktop.core.errors import InvalidResponseError
from aiprism_desktop.core.finding_schema import (
    FINDINGS_SCHEMA,
    MAX_DESCRIPTION_CHARS,
    MAX_QUESTIONS,
    MAX_QUOTE_CHARS,
    FindingDraft,
    normalize_confidence,
    normalize_risk,
    normalize_type,
    parse_findings,
    parse_findings_text,
)
from aiprism_desktop.core.findings import FindingType, Risk
from tests.support.review_factory import hawkeye

ORIGIN = "model:anthropic.claude-test"


def item(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "important",
        "risk": "high",
        "category": "Timeline",
        "description": "The timeline has no date for the escalation.",
        "suggestion": "Add the escalation date.",
        "example": "",
        "questions": ["When was it escalated?"],
        "framework_refs": [13, 11],
        "quote": "The issue was escalated.",
        "confidence": 0.9,
    }
    data.update(overrides)
    return data


def parse(findings: list[Any], **kwargs: Any) -> tuple[FindingDraft, ...]:
    return parse_findings({"findings": findings}, origin=ORIGIN, framework=hawkeye(), **kwargs)


def test_a_valid_answer_becomes_drafts() -> None:
    (draft,) = parse([item()])
    assert draft == FindingDraft(
        origin=ORIGIN,
        type=FindingType.IMPORTANT,
        risk=Risk.HIGH,
        category="Timeline",
        description="The timeline has no date for the escalation.",
        suggestion="Add the escalation date.",
        questions=("When was it escalated?",),
        framework_refs=(13, 11),
        quote="The issue was escalated.",
        confidence=0.9,
    )


def test_empty_findings_list_is_a_valid_answer() -> None:
    assert parse([]) == ()


# --- the schema sent to the model -----------------------------------------------------------

_UNSUPPORTED = {"oneOf", "minimum", "maximum", "minLength", "maxLength", "maxItems", "pattern"}


def _walk(schema: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        found.append(schema)
        for value in schema.values():
            found += _walk(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _walk(value)
    return found


def test_schema_stays_in_the_subset_bedrock_structured_output_accepts() -> None:
    Draft202012Validator.check_schema(FINDINGS_SCHEMA)
    assert FINDINGS_SCHEMA["type"] == "object"  # tool input schemas must be objects
    for node in _walk(FINDINGS_SCHEMA):
        assert not (_UNSUPPORTED & node.keys()), node
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert set(node["required"]) <= set(node["properties"])


def test_a_strictly_valid_answer_also_parses() -> None:
    answer = {"findings": [item()]}
    Draft202012Validator(FINDINGS_SCHEMA).validate(answer)
    assert len(parse_findings(answer, origin=ORIGIN, framework=hawkeye())) == 1


# --- enum normalization ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("High", Risk.HIGH),
        ("HIGH", Risk.HIGH),
        ("high risk", Risk.HIGH),
        ("  Medium ", Risk.MEDIUM),
        ("moderate", Risk.MEDIUM),
        ("Low-Risk", Risk.LOW),
        ("risk level: low", Risk.LOW),
    ],
)
def test_risk_spellings_are_normalized(raw: str, expected: Risk) -> None:
    assert normalize_risk(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Critical Issue", FindingType.CRITICAL),
        ("CRITICAL", FindingType.CRITICAL),
        ("Important", FindingType.IMPORTANT),
        ("suggestions", FindingType.SUGGESTION),
        ("Positive finding", FindingType.POSITIVE),
    ],
)
def test_type_spellings_are_normalized(raw: str, expected: FindingType) -> None:
    assert normalize_type(raw) is expected


@pytest.mark.parametrize("raw", ["severe", "critical", "high or low", "", "very"])
def test_unknown_risk_is_an_error_not_a_guess(raw: str) -> None:
    with pytest.raises(InvalidResponseError) as info:
        parse([item(risk=raw)])
    assert "finding 1" in info.value.message
    assert "risk" in info.value.message


@pytest.mark.parametrize("raw", ["blocker", "minor", "high", "critical important"])
def test_unknown_type_is_an_error(raw: str) -> None:
    with pytest.raises(InvalidResponseError, match="type"):
        parse([item(type=raw)])


def test_legacy_key_names_of_the_old_app_are_read() -> None:
    legacy = item()
    legacy["risk_level"] = legacy.pop("risk")
    legacy["hawkeye_refs"] = legacy.pop("framework_refs")
    (draft,) = parse([legacy])
    assert draft.risk is Risk.HIGH
    assert draft.framework_refs == (13, 11)


# --- confidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(0.8, 0.8), ("0.8", 0.8), (" 0.35 ", 0.35), ("80%", 0.8), (1, 1.0), (1.7, 1.0), (-0.2, 0.0)],
)
def test_confidence_is_coerced_and_clamped(raw: object, expected: float) -> None:
    assert normalize_confidence(raw) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["high", "", "NaN", "inf", True, None, [0.5], {"v": 1}])
def test_non_numeric_confidence_is_an_error(raw: object) -> None:
    with pytest.raises(InvalidResponseError, match="confidence"):
        parse([item(confidence=raw)])


def test_missing_confidence_is_an_error_not_a_default() -> None:
    broken = item()
    del broken["confidence"]
    with pytest.raises(InvalidResponseError, match="confidence"):
        parse([broken])


# --- framework refs, text cleaning, caps ------------------------------------------------------


def test_refs_outside_the_framework_are_dropped_and_duplicates_merged() -> None:
    (draft,) = parse([item(framework_refs=[0, 11, 21, 11, "12", "#13", 99, 5.0])])
    assert draft.framework_refs == (11, 12, 13, 5)


@pytest.mark.parametrize("bad", [["eleven"], [True], [[1]], [{"n": 1}]])
def test_refs_that_are_not_numbers_are_errors(bad: list[Any]) -> None:
    with pytest.raises(InvalidResponseError):
        parse([item(framework_refs=bad)])


def test_control_characters_surrogates_and_bidi_overrides_are_removed() -> None:
    nasty = "Bad\x00 text\x07 with \ud800surrogate and \u202eoverride\r\nnext line"
    (draft,) = parse([item(description=nasty, quote="quote\x0bhere")])
    assert draft.description == "Bad text with surrogate and override\nnext line"
    assert draft.quote == "quotehere"
    draft.description.encode("utf-8")  # would raise on a lone surrogate


def test_string_lengths_and_list_lengths_are_capped() -> None:
    long_text = "word " * 5000
    (draft,) = parse(
        [item(description=long_text, quote="q" * 10_000, questions=[f"q{i}?" for i in range(30)])]
    )
    assert len(draft.description) <= MAX_DESCRIPTION_CHARS
    assert draft.description.endswith("…")
    assert draft.quote == "q" * MAX_QUOTE_CHARS  # a prefix of the exact quote, no ellipsis
    assert len(draft.questions) == MAX_QUESTIONS


def test_number_of_findings_is_capped_and_exact_duplicates_kept_once() -> None:
    many = [item(description=f"Finding number {i}.") for i in range(80)]
    assert len(parse(many, max_findings=50)) == 50
    assert len(parse([item(), item(), item()])) == 1


def test_category_matches_a_framework_category_case_insensitively() -> None:
    (known,) = parse([item(category="  root cause   analysis ")])
    assert known.category == "Root Cause Analysis"
    (other,) = parse([item(category="Staffing")])
    assert other.category == "Staffing"


def test_optional_fields_may_be_missing_or_null_and_questions_a_string() -> None:
    minimal = {
        "type": "suggestion",
        "risk": "low",
        "category": "Clarity",
        "description": "Shorter sentences would help.",
        "confidence": 0.6,
        "suggestion": None,
        "questions": "Who is the audience?",
        "replacement": "",
    }
    (draft,) = parse([minimal])
    assert draft.suggestion == ""
    assert draft.quote == ""
    assert draft.questions == ("Who is the audience?",)
    assert draft.replacement is None


@pytest.mark.parametrize(
    ("findings", "fragment"),
    [
        ([item(description="   ")], "description is empty"),
        ([item(category="\x00\x01")], "category is empty"),
        ([item(description=42)], "description"),
        (["not an object"], "not an object"),
        ([item(type=None)], "type"),
    ],
)
def test_bad_findings_raise_with_a_message_naming_the_problem(
    findings: list[Any], fragment: str
) -> None:
    with pytest.raises(InvalidResponseError) as info:
        parse(findings)
    assert fragment in info.value.message
    assert info.value.code == "INVALID_RESPONSE"


def test_one_bad_finding_among_good_ones_names_its_position() -> None:
    with pytest.raises(InvalidResponseError, match="finding 3"):
        parse([item(description="a"), item(description="b"), item(risk="extreme")])


@pytest.mark.parametrize("answer", [None, 42, "text", {"items": []}, {"findings": {"a": 1}}])
def test_wrong_top_level_shapes_are_errors(answer: object) -> None:
    with pytest.raises(InvalidResponseError):
        parse_findings(answer, origin=ORIGIN, framework=hawkeye())


def test_a_bare_list_is_read_like_the_findings_object() -> None:
    assert len(parse_findings([item()], origin=ORIGIN, framework=hawkeye())) == 1


def test_origin_must_name_a_model_or_rule() -> None:
    with pytest.raises(ValueError, match="origin"):
        parse_findings({"findings": []}, origin="reviewer", framework=hawkeye())


# --- text answers -----------------------------------------------------------------------------


def test_text_answer_in_a_json_fence_after_prose() -> None:
    text = (
        "Here is my review of the section:\n\n```json\n"
        + json.dumps({"findings": [item()]})
        + "\n```\nLet me know if you need more."
    )
    (draft,) = parse_findings_text(text, origin=ORIGIN, framework=hawkeye())
    assert draft.risk is Risk.HIGH


def test_text_answer_with_prose_containing_brackets_before_the_json() -> None:
    text = "Findings [see below] for {section}: " + json.dumps({"findings": [item()]})
    assert len(parse_findings_text(text, origin=ORIGIN, framework=hawkeye())) == 1


def test_bare_json_text_with_bom() -> None:
    text = "\ufeff" + json.dumps({"findings": []})
    assert parse_findings_text(text, origin=ORIGIN, framework=hawkeye()) == ()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "I could not review this section.",
        '{"findings": [{"type": "important", "risk": "high"',  # cut off (max_tokens)
        '{"findings": [' + "[" * 100_000 + "]" * 100_000 + "]}",  # absurd nesting
        '{"result": "ok"}',
        '{"findings": [{"confidence": 1' + "0" * 5000 + "}]}",  # integer too long to parse
    ],
)
def test_unusable_text_answers_are_errors_never_repaired(text: str) -> None:
    with pytest.raises(InvalidResponseError):
        parse_findings_text(text, origin=ORIGIN, framework=hawkeye())


def test_oversized_text_answer_is_refused_before_parsing() -> None:
    with pytest.raises(InvalidResponseError, match="too long"):
        parse_findings_text("x" * 3_000_001, origin=ORIGIN, framework=hawkeye())


_json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["type", "risk", "category", "description", "confidence", "quote", "x"]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_json_values, max_size=5))
def test_arbitrary_json_either_parses_or_raises_invalid_response(findings: list[Any]) -> None:
    try:
        drafts = parse(findings)
    except InvalidResponseError:
        return
    for draft in drafts:
        assert draft.description
        assert 0.0 <= draft.confidence <= 1.0
        assert set(draft.framework_refs) <= set(hawkeye().point_numbers)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_either_parses_or_raises_invalid_response(text: str) -> None:
    with contextlib.suppress(InvalidResponseError):
        parse_findings_text(text, origin=ORIGIN, framework=hawkeye())
