"""Undo/redo over the decision log, defined like a text editor's.

Replaying the log builds two stacks of event ``seq`` numbers:

- a *command* (an event with neither ``undo_of`` nor ``redo_of``) is pushed on the undo stack
  and clears the redo stack — a new decision makes the undone ones unreachable;
- an *undo* event (``undo_of = s``) takes ``s`` off the undo stack and pushes it on the redo
  stack; undo events are never undone themselves (undoing twice undoes two commands; the way
  back is redo);
- a *redo* event (``redo_of = s``) takes ``s`` off the redo stack and pushes the redo event
  itself on the undo stack, so it can be undone like the command it repeats.

Nothing is ever removed from the log: undo appends the inverse event, redo appends the command
again. Entries about findings that a re-analysis removed are skipped, not undone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiprism_desktop.core.codec import finding_field_to_json
from aiprism_desktop.core.findings import Action, Decision, DecisionEvent
from aiprism_desktop.core.review_fold import FindingState, decision_json, revert_all_changes

_DECISION_ACTIONS = {
    Decision.ACCEPTED: Action.ACCEPT,
    Decision.REJECTED: Action.REJECT,
    Decision.PENDING: Action.REVERT,
}


class History:
    """The undo and redo stacks (event ``seq`` numbers, top last)."""

    __slots__ = ("redo_stack", "undo_stack")

    def __init__(self) -> None:
        self.undo_stack: list[int] = []
        self.redo_stack: list[int] = []

    def copy(self) -> History:
        """An independent copy."""
        clone = History()
        clone.undo_stack = list(self.undo_stack)
        clone.redo_stack = list(self.redo_stack)
        return clone

    def record(self, event: DecisionEvent) -> None:
        """Update the stacks for one event of the log (``seq`` set)."""
        assert event.seq is not None
        if event.undo_of is not None:
            if _take(self.undo_stack, event.undo_of):
                self.redo_stack.append(event.undo_of)
        elif event.redo_of is not None:
            _take(self.redo_stack, event.redo_of)
            self.undo_stack.append(event.seq)
        else:
            self.undo_stack.append(event.seq)
            self.redo_stack.clear()

    @staticmethod
    def _top(stack: list[int], is_live: Callable[[int], bool]) -> int | None:
        return next((seq for seq in reversed(stack) if is_live(seq)), None)

    def undo_target(self, is_live: Callable[[int], bool]) -> int | None:
        """The seq of the event an undo would revert, or None."""
        return self._top(self.undo_stack, is_live)

    def redo_target(self, is_live: Callable[[int], bool]) -> int | None:
        """The seq of the event a redo would repeat, or None."""
        return self._top(self.redo_stack, is_live)


def _take(stack: list[int], seq: int) -> bool:
    """Remove ``seq`` from ``stack`` (usually its top, so usually O(1)); False if absent."""
    if stack and stack[-1] == seq:
        stack.pop()
        return True
    if seq in stack:  # below entries skipped as stale (their findings were re-analyzed away)
        stack.remove(seq)
        return True
    return False


def _decision_event(
    finding_id: str,
    target: Mapping[str, Any],
    current: FindingState | None,
    actor: str,
    *,
    undo_of: int | None = None,
    redo_of: int | None = None,
) -> DecisionEvent:
    decision = Decision(target.get("decision", Decision.PENDING.value))
    reason = str(target.get("reason", "")) if decision is Decision.REJECTED else ""
    return DecisionEvent(
        action=_DECISION_ACTIONS[decision],
        finding_id=finding_id,
        actor=actor,
        reason=reason,
        before=decision_json(current) if current is not None else {},
        after=dict(target),
        undo_of=undo_of,
        redo_of=redo_of,
    )


def inverse_event(
    event: DecisionEvent, states: Mapping[str, FindingState], *, actor: str
) -> DecisionEvent:
    """The event that undoes ``event`` (which must be the current undo target)."""
    undo_of = event.seq
    fid = event.finding_id
    if event.action in _DECISION_ACTIONS.values():
        return _decision_event(fid, event.before, states.get(fid), actor, undo_of=undo_of)
    if event.action is Action.EDIT:
        return DecisionEvent(
            action=Action.EDIT,
            finding_id=fid,
            actor=actor,
            before=dict(event.after),
            after=dict(event.before),
            undo_of=undo_of,
        )
    if event.action in (Action.REVERT_ALL, Action.DECIDE_MANY):
        return DecisionEvent(
            action=event.action,
            finding_id="",
            actor=actor,
            before=dict(event.after),
            after=dict(event.before),
            undo_of=undo_of,
        )
    deleting = event.action in (Action.ADD, Action.RESTORE)
    return DecisionEvent(
        action=Action.DELETE if deleting else Action.RESTORE,
        finding_id=event.finding.id if event.finding is not None else fid,
        actor=actor,
        before={"deleted": not deleting},
        after={"deleted": deleting},
        undo_of=undo_of,
    )


def redo_event(
    event: DecisionEvent, states: Mapping[str, FindingState], *, actor: str
) -> DecisionEvent:
    """The event that repeats ``event`` (which must be the current redo target)."""
    redo_of = event.seq
    fid = event.finding_id
    current = states.get(fid)
    if event.action in _DECISION_ACTIONS.values():
        return _decision_event(fid, event.after, current, actor, redo_of=redo_of)
    if event.action is Action.EDIT:
        before = (
            {
                name: finding_field_to_json(name, getattr(current.finding, name))
                for name in event.after
            }
            if current is not None
            else {}
        )
        return DecisionEvent(
            action=Action.EDIT,
            finding_id=fid,
            actor=actor,
            before=before,
            after=dict(event.after),
            redo_of=redo_of,
        )
    if event.action is Action.REVERT_ALL:
        before, after = revert_all_changes(states)
        return DecisionEvent(
            action=Action.REVERT_ALL,
            finding_id="",
            actor=actor,
            before=before,
            after=after,
            redo_of=redo_of,
        )
    if event.action is Action.DECIDE_MANY:
        live = {fid: value for fid, value in event.after.items() if fid in states}
        return DecisionEvent(
            action=Action.DECIDE_MANY,
            finding_id="",
            actor=actor,
            reason=event.reason,
            before={fid: decision_json(states[fid]) for fid in live},
            after=live,
            redo_of=redo_of,
        )
    return DecisionEvent(
        action=event.action,
        finding_id=fid,
        actor=actor,
        before=dict(event.before),
        after=dict(event.after),
        finding=event.finding,
        redo_of=redo_of,
    )
