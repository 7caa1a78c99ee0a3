"""Applying one decision event to the per-finding state (the step of the review fold).

Kept apart from ``core.review`` so the fold rule for each action reads in one place. The fold
never raises for events about findings that are not live (removed by a re-analysis): such
events stay in the log as history but change nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from aiprism_desktop.core.codec import finding_field_from_json
from aiprism_desktop.core.errors import DataFormatError
from aiprism_desktop.core.findings import (
    EDITABLE_FIELDS,
    Action,
    Decision,
    DecisionEvent,
    Finding,
    OriginKind,
)


@dataclass(frozen=True, slots=True)
class FindingState:
    """A finding as the reviewer currently sees it."""

    finding: Finding  # edits applied
    original: Finding  # as produced by the model/rule, or as the reviewer first added it
    decision: Decision = Decision.PENDING
    reason: str = ""  # why it was rejected
    deleted: bool = False  # only reviewer comments can be deleted

    @property
    def is_reviewer_comment(self) -> bool:
        """True for the reviewer's own comments."""
        return self.finding.origin_kind is OriginKind.REVIEWER

    @property
    def is_edited(self) -> bool:
        """True when any field differs from the original."""
        return self.finding != self.original

    @property
    def is_exported(self) -> bool:
        """Whether export writes it: accepted and not deleted."""
        return self.decision is Decision.ACCEPTED and not self.deleted


def decision_json(state: FindingState) -> dict[str, str]:
    """The decision part of a state as stored in events' before/after."""
    data = {"decision": state.decision.value}
    if state.reason:
        data["reason"] = state.reason
    return data


def decode_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """EDIT event values (JSON) → Finding field values; unknown fields are ignored."""
    return {
        name: finding_field_from_json(name, value)
        for name, value in changes.items()
        if name in EDITABLE_FIELDS
    }


def _set_decision(state: FindingState, decision: Decision, reason: str = "") -> FindingState:
    return replace(state, decision=decision, reason=reason if decision is Decision.REJECTED else "")


def _decision_of(value: object) -> tuple[Decision, str]:
    if isinstance(value, Mapping):
        try:
            return Decision(str(value.get("decision"))), str(value.get("reason", ""))
        except ValueError:
            pass
    raise DataFormatError(detail=f"revert_all: bad decision entry {value!r:.100}")


def group_by_section(states: Mapping[str, FindingState]) -> dict[str, tuple[str, ...]]:
    """Finding ids by section, in the states' order."""
    groups: dict[str, list[str]] = {}
    for finding_id, state in states.items():
        groups.setdefault(state.finding.section_id, []).append(finding_id)
    return {section_id: tuple(ids) for section_id, ids in groups.items()}


def fold_event(states: dict[str, FindingState], event: DecisionEvent) -> None:
    """Apply ``event`` to ``states`` in place."""
    action = event.action
    if action is Action.ADD:
        if event.finding is not None and event.finding.origin_kind is OriginKind.REVIEWER:
            existing = states.get(event.finding.id)
            if existing is None or existing.is_reviewer_comment:
                states[event.finding.id] = FindingState(
                    finding=event.finding, original=event.finding, decision=Decision.ACCEPTED
                )
        return
    if action in (Action.REVERT_ALL, Action.DECIDE_MANY):
        for finding_id, value in event.after.items():
            target = states.get(finding_id)
            if target is not None:
                decision, reason = _decision_of(value)
                states[finding_id] = _set_decision(target, decision, reason)
        return
    state = states.get(event.finding_id)
    if state is None:
        return  # a finding that no longer exists: the event is history only
    if action is Action.ACCEPT:
        states[event.finding_id] = _set_decision(state, Decision.ACCEPTED)
    elif action is Action.REJECT:
        states[event.finding_id] = _set_decision(state, Decision.REJECTED, event.reason)
    elif action is Action.REVERT:
        states[event.finding_id] = _set_decision(state, Decision.PENDING)
    elif action is Action.EDIT:
        changed = state.finding.with_changes(**decode_changes(event.after))
        states[event.finding_id] = replace(state, finding=changed)
    elif action is Action.DELETE and state.is_reviewer_comment:
        states[event.finding_id] = replace(state, deleted=True)
    elif action is Action.RESTORE and state.is_reviewer_comment:
        states[event.finding_id] = replace(state, deleted=False)


def revert_all_changes(
    states: Mapping[str, FindingState],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of a revert-all: decided AI/rule findings → pending.

    The reviewer's own comments keep their state (the old app dropped them here).
    """
    before: dict[str, Any] = {
        fid: decision_json(state)
        for fid, state in states.items()
        if state.decision is not Decision.PENDING and not state.is_reviewer_comment
    }
    return before, {fid: {"decision": Decision.PENDING.value} for fid in before}
