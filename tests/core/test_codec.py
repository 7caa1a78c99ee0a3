"""Round trips and strict decoding of the JSON codec for review data."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiprism_desktop.core.codec import (
    anchor_from_dict,
    anchor_to_dict,
    attempts_from_json,
    attempts_to_json,
    check_event_round_trip,
    draft_from_dict,
    draft_to_dict,
    event_from_dict,
    event_to_dict,
    finding_field_from_json,
    finding_field_to_json,
    finding_from_dict,
    finding_to_dict,
)
from aiprism_desktop.core.errors import DataFormatError
from aiprism_desktop.core.finding_schema import FindingDraft
from aiprism_desktop.core.findings import (
    EDITABLE_FIELDS,
    Action,
    Anchor,
    DecisionEvent,
    Finding,
    FindingType,
    Risk,
)
from aiprism_desktop.core.reviewer import Attempt
from tests.support.review_factory import make_finding

texts = st.text(max_size=40)
confidences = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
origins = st.one_of(
    st.just("reviewer"),
    texts.map(lambda t: f"model:{t}"),
    texts.map(lambda t: f"rule:{t}"),
)
anchors = st.builds(
    Anchor,
    block_id=texts,
    start=st.integers(0, 10_000),
    end=st.integers(0, 10_000),
    end_block_id=st.none() | texts,
)
findings = st.builds(
    Finding,
    id=texts,
    section_id=texts,
    origin=origins,
    type=st.sampled_from(FindingType),
    risk=st.sampled_from(Risk),
    category=texts,
    description=texts,
    suggestion=texts,
    example=texts,
    questions=st.lists(texts, max_size=3).map(tuple),
    framework_refs=st.lists(st.integers(1, 20), max_size=4).map(tuple),
    framework_id=texts,
    quote=texts,
    replacement=st.none() | texts,
    confidence=confidences,
    prompt_version=texts,
    created_at=texts,
    anchor=st.none() | anchors,
    author=texts,
)
drafts = st.builds(
    FindingDraft,
    origin=origins,
    type=st.sampled_from(FindingType),
    risk=st.sampled_from(Risk),
    category=texts,
    description=texts,
    suggestion=texts,
    example=texts,
    questions=st.lists(texts, max_size=3).map(tuple),
    framework_refs=st.lists(st.integers(1, 20), max_size=4).map(tuple),
    quote=texts,
    replacement=st.none() | texts,
    confidence=confidences,
)
json_scalars = st.none() | st.booleans() | st.integers() | texts
json_maps = st.dictionaries(texts, json_scalars | st.dictionaries(texts, json_scalars), max_size=4)
events = st.builds(
    DecisionEvent,
    action=st.sampled_from(Action),
    finding_id=texts,
    actor=texts,
    at=texts,
    reason=texts,
    before=json_maps,
    after=json_maps,
    finding=st.none() | findings,
    undo_of=st.none() | st.integers(1, 10**9),
    redo_of=st.none() | st.integers(1, 10**9),
    seq=st.none() | st.integers(1, 10**9),
)
attempts = st.builds(
    Attempt,
    model=texts,
    outcome=st.sampled_from(["ok", "retry", "fallback", "disabled", "shrink", "abort"]),
    latency_ms=st.floats(min_value=0, max_value=1e7, allow_nan=False),
    error_code=texts,
    message=texts,
    input_tokens=st.none() | st.integers(0, 10**7),
    output_tokens=st.none() | st.integers(0, 10**7),
)


def through_json(data: Any) -> Any:
    """What the store and the backend do: serialize to text and back."""
    return json.loads(json.dumps(data))


@settings(max_examples=150, deadline=None)
@given(findings)
def test_finding_round_trip(finding: Finding) -> None:
    assert finding_from_dict(through_json(finding_to_dict(finding))) == finding


@settings(max_examples=100, deadline=None)
@given(anchors)
def test_anchor_round_trip(anchor: Anchor) -> None:
    assert anchor_from_dict(through_json(anchor_to_dict(anchor))) == anchor


@settings(max_examples=150, deadline=None)
@given(drafts)
def test_draft_round_trip(draft: FindingDraft) -> None:
    assert draft_from_dict(through_json(draft_to_dict(draft))) == draft


@settings(max_examples=150, deadline=None)
@given(events)
def test_event_round_trip(event: DecisionEvent) -> None:
    assert event_from_dict(through_json(event_to_dict(event))) == event


@settings(max_examples=100, deadline=None)
@given(st.lists(attempts, max_size=5).map(tuple))
def test_attempt_log_round_trip(log: tuple[Attempt, ...]) -> None:
    assert attempts_from_json(attempts_to_json(log)) == log


@settings(max_examples=100, deadline=None)
@given(findings, st.sampled_from(sorted(EDITABLE_FIELDS)))
def test_editable_field_values_round_trip(finding: Finding, name: str) -> None:
    value = getattr(finding, name)
    assert finding_field_from_json(name, through_json(finding_field_to_json(name, value))) == value


def test_unknown_keys_are_ignored_for_forward_compatibility() -> None:
    data = finding_to_dict(make_finding("f1"))
    data["added_in_a_later_version"] = {"x": 1}
    assert finding_from_dict(data) == make_finding("f1")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id", None),
        ("type", "severe"),
        ("risk", 3),
        ("questions", "not a list"),
        ("framework_refs", [1, "2"]),
        ("framework_refs", [True]),
        ("confidence", 1.5),
        ("confidence", "0.5"),
        ("anchor", {"block_id": "b", "start": "0", "end": 1}),
        ("origin", "somebody"),
    ],
)
def test_damaged_findings_raise_data_format_error(key: str, value: object) -> None:
    data = finding_to_dict(make_finding("f1"))
    data[key] = value
    with pytest.raises(DataFormatError) as info:
        finding_from_dict(data)
    assert key in (info.value.detail or "")


def test_missing_required_key_is_named() -> None:
    data = finding_to_dict(make_finding("f1"))
    del data["section_id"]
    with pytest.raises(DataFormatError, match=r"\[DATA_FORMAT\]") as info:
        finding_from_dict(data)
    assert info.value.detail == "finding.section_id: missing"


@pytest.mark.parametrize("raw", [None, [], "text", 5])
def test_non_objects_are_refused(raw: object) -> None:
    with pytest.raises(DataFormatError):
        event_from_dict(raw)


@pytest.mark.parametrize("text", ["", "{", '{"a": 1}', '[{"model": "m"}]'])
def test_damaged_attempt_logs_are_refused(text: str) -> None:
    with pytest.raises(DataFormatError):
        attempts_from_json(text)


def _added(**changes: Any) -> DecisionEvent:
    finding = dataclasses.replace(make_finding("mine"), origin="reviewer", **changes)
    return DecisionEvent(Action.ADD, finding.id, "Dana", finding=finding, after={"decision": "x"})


@pytest.mark.parametrize(
    "event",
    [
        _added(replacement=["a"]),  # a list where text belongs
        _added(replacement=5),
        _added(category=None),
        _added(questions=["a list, not a tuple"]),
        _added(confidence=float("nan")),
        DecisionEvent(Action.EDIT, "a", "Dana", after={"replacement": ["a"]}),
        DecisionEvent(Action.EDIT, "a", "Dana", after={"risk": "catastrophic"}),
        DecisionEvent(Action.REVERT_ALL, "", "Dana", after={"a": {"decision": "maybe"}}),
        DecisionEvent(Action.ACCEPT, "a", "Dana", after={"decision": "approved"}),
        DecisionEvent(Action.ADD, "a", "Dana"),
    ],
)
def test_events_that_would_not_read_back_are_refused(event: DecisionEvent) -> None:
    with pytest.raises(DataFormatError):
        check_event_round_trip(event)


def test_valid_events_pass_the_round_trip_check() -> None:
    check_event_round_trip(_added(replacement="New wording"))
    check_event_round_trip(
        DecisionEvent(Action.EDIT, "a", "Dana", before={"risk": "low"}, after={"risk": "high"})
    )
    check_event_round_trip(
        DecisionEvent(Action.ACCEPT, "a", "Dana", after={"decision": "accepted"})
    )
