"""The review state: a fold over the decision log on top of the AI/rule findings.

``ReviewState`` is immutable. Its action methods (``accept``, ``reject``, ``edit`` …) validate
the action and return the ``DecisionEvent`` to record — or ``None`` when the action would change
nothing (accepting an accepted finding records no event). The caller persists the event
(``DecisionLog.append`` assigns its ``seq``) and then calls ``apply`` to get the next state::

    event = state.accept(finding_id, actor="Dana")
    if event is not None:
        state = state.apply(await decision_log.append(document_id, event))

Rules that fix the old app's defects: a finding has exactly one decision; revert-all keeps the
reviewer's own comments; a re-analysis replaces a section's AI findings and decisions about
findings that no longer exist stay in the log without counting. Finding identity is the id: a
re-analysis must give new findings new ids unless they are the very same findings (a cache
hit), whose decisions then still apply.

Undo/redo works like a text editor (see ``core.review_history``); undo appends the inverse
event, so the log is never rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.codec import finding_field_to_json
from aiprism_desktop.core.document import Section
from aiprism_desktop.core.errors import DataFormatError, ReviewStateError
from aiprism_desktop.core.findings import (
    EDITABLE_FIELDS,
    Action,
    Anchor,
    Decision,
    DecisionEvent,
    Finding,
    OriginKind,
)
from aiprism_desktop.core.review_fold import (
    FindingState,
    decision_json,
    decode_changes,
    fold_event,
    group_by_section,
    revert_all_changes,
)
from aiprism_desktop.core.review_history import History, inverse_event, redo_event

__all__ = ["FindingState", "ReviewState"]


class ReviewState:
    """Findings with their current decisions, edits and deletions, plus the event log."""

    __slots__ = ("_analyzed", "_base", "_by_section", "_by_seq", "_events", "_history", "_states")

    def __init__(self) -> None:
        self._base: dict[str, Finding] = {}
        self._states: dict[str, FindingState] = {}
        self._events: tuple[DecisionEvent, ...] = ()
        self._by_seq: dict[int, DecisionEvent] = {}
        self._history = History()
        self._analyzed: frozenset[str] = frozenset()
        self._by_section: tuple[int, dict[str, tuple[str, ...]]] | None = None

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        findings: Iterable[Finding],
        events: Iterable[DecisionEvent] = (),
        *,
        analyzed_sections: Iterable[str] | None = None,
    ) -> ReviewState:
        """Fold ``events`` (in log order) over the AI/rule ``findings``.

        ``analyzed_sections`` are the sections that have been reviewed (including those that
        produced no finding); by default the sections the findings belong to. Events without a
        ``seq`` are numbered after the last one seen.
        """
        state = cls()
        for finding in findings:
            if finding.origin_kind is OriginKind.REVIEWER:
                raise ValueError("reviewer comments enter the review through ADD events")
            if finding.id in state._base:
                raise ValueError(f"duplicate finding id {finding.id!r}")
            state._base[finding.id] = finding
        state._analyzed = frozenset(
            analyzed_sections
            if analyzed_sections is not None
            else (f.section_id for f in state._base.values())
        )
        state._refold(events)
        return state

    def _refold(self, events: Iterable[DecisionEvent]) -> None:
        self._states = {fid: FindingState(f, f) for fid, f in self._base.items()}
        self._by_section = None
        self._events = ()
        self._by_seq = {}
        self._history = History()
        collected: list[DecisionEvent] = []
        for event in events:
            numbered = self._numbered(event, collected[-1].seq if collected else None)
            collected.append(numbered)
            self._record(numbered)
        self._events = tuple(collected)

    def _copy(self) -> ReviewState:
        clone = ReviewState()
        clone._base = self._base
        clone._states = dict(self._states)
        clone._events = self._events
        clone._by_seq = dict(self._by_seq)
        clone._history = self._history.copy()
        clone._analyzed = self._analyzed
        return clone

    @staticmethod
    def _numbered(event: DecisionEvent, last_seq: int | None) -> DecisionEvent:
        if event.seq is None:
            return replace(event, seq=(last_seq or 0) + 1)
        if last_seq is not None and event.seq <= last_seq:
            raise DataFormatError(detail=f"decision log out of order at seq {event.seq}")
        return event

    def _record(self, event: DecisionEvent) -> None:
        assert event.seq is not None
        fold_event(self._states, event)
        self._by_seq[event.seq] = event
        self._history.record(event)

    def apply(self, event: DecisionEvent) -> ReviewState:
        """The state after ``event`` (numbered after the last event when its ``seq`` is None)."""
        last = self._events[-1].seq if self._events else None
        numbered = self._numbered(event, last)
        clone = self._copy()
        clone._record(numbered)
        clone._events = (*self._events, numbered)
        return clone

    def replace_section_findings(self, section_id: str, findings: Iterable[Finding]) -> ReviewState:
        """The state after a re-analysis of one section: its AI/rule findings are replaced.

        Reviewer comments stay. Events about the replaced findings stay in the log but no
        longer count (their findings are gone).
        """
        new = list(findings)
        if any(f.section_id != section_id for f in new):
            raise ValueError("findings of another section passed to replace_section_findings")
        kept = [f for f in self._base.values() if f.section_id != section_id]
        return ReviewState.build(
            [*kept, *new], self._events, analyzed_sections=self._analyzed | {section_id}
        )

    # --- queries ---------------------------------------------------------------------------

    @property
    def events(self) -> tuple[DecisionEvent, ...]:
        """The whole decision log (the audit trail), including history about gone findings."""
        return self._events

    @property
    def analyzed_sections(self) -> frozenset[str]:
        """Sections that have been reviewed."""
        return self._analyzed

    def finding_states(self, *, include_deleted: bool = False) -> tuple[FindingState, ...]:
        """Live findings: AI/rule findings in their given order, then reviewer comments."""
        return tuple(s for s in self._states.values() if include_deleted or not s.deleted)

    def findings_in(self, section_id: str) -> tuple[FindingState, ...]:
        """Live, not deleted findings of one section (grouped once per set of findings: the
        window asks it of every section after each decision; a finding never changes section)."""
        if self._by_section is None or self._by_section[0] != len(self._states):
            self._by_section = (len(self._states), group_by_section(self._states))
        states = (self._states[fid] for fid in self._by_section[1].get(section_id, ()))
        return tuple(s for s in states if not s.deleted)

    def get(self, finding_id: str) -> FindingState:
        """The state of one finding; ``ReviewStateError`` when it does not exist."""
        state = self._states.get(finding_id)
        if state is None:
            raise ReviewStateError(
                "That finding no longer exists (the section may have been re-analyzed).",
                detail=f"unknown finding {finding_id!r}",
            )
        return state

    def exported_findings(self) -> tuple[Finding, ...]:
        """What export writes: accepted findings (edits applied) that are not deleted."""
        return tuple(s.finding for s in self._states.values() if s.is_exported)

    def event(self, seq: int) -> DecisionEvent:
        """The event with this ``seq``."""
        return self._by_seq[seq]

    @property
    def can_undo(self) -> bool:
        """Whether ``undo`` has something to undo."""
        return self._history.undo_target(self._is_live) is not None

    @property
    def can_redo(self) -> bool:
        """Whether ``redo`` has something to redo."""
        return self._history.redo_target(self._is_live) is not None

    def _is_live(self, seq: int) -> bool:
        event = self._by_seq[seq]
        if event.action is Action.REVERT_ALL:
            return True
        if event.action is Action.DECIDE_MANY:
            return any(fid in self._states for fid in event.after)
        target = event.finding.id if event.finding is not None else event.finding_id
        return target in self._states

    # --- actions: each returns the event to record, or None when nothing would change -------

    def _editable(self, finding_id: str) -> FindingState:
        state = self.get(finding_id)
        if state.deleted:
            raise ReviewStateError(
                "That comment was deleted.", detail=f"finding {finding_id!r} is deleted"
            )
        return state

    def _decide(
        self, finding_id: str, action: Action, decision: Decision, actor: str, reason: str = ""
    ) -> DecisionEvent | None:
        state = self._editable(finding_id)
        if state.decision is decision and (
            decision is not Decision.REJECTED or state.reason == reason
        ):
            return None
        after = {"decision": decision.value} | ({"reason": reason} if reason else {})
        return DecisionEvent(
            action=action,
            finding_id=finding_id,
            actor=actor,
            reason=reason,
            before=decision_json(state),
            after=after,
        )

    def accept(self, finding_id: str, *, actor: str) -> DecisionEvent | None:
        """Accept a finding (it will be exported)."""
        return self._decide(finding_id, Action.ACCEPT, Decision.ACCEPTED, actor)

    def reject(self, finding_id: str, *, actor: str, reason: str = "") -> DecisionEvent | None:
        """Reject a finding, optionally saying why; a new reason on a rejected one is recorded."""
        return self._decide(finding_id, Action.REJECT, Decision.REJECTED, actor, reason.strip())

    def revert(self, finding_id: str, *, actor: str) -> DecisionEvent | None:
        """Back to pending."""
        return self._decide(finding_id, Action.REVERT, Decision.PENDING, actor)

    def edit(
        self,
        finding_id: str,
        changes: Mapping[str, Any],
        *,
        actor: str,
        section: Section | None = None,
    ) -> DecisionEvent | None:
        """Change editable fields; ``before`` keeps the values being replaced.

        A new ``quote`` without an explicit ``anchor`` moves the anchor in the same event: to
        where the quote is in ``section`` (the finding's section), or nowhere (unanchored) when
        it is not found or no section is given, so a comment never stays on the old text.
        """
        state = self._editable(finding_id)
        unknown = sorted(set(changes) - EDITABLE_FIELDS)
        if unknown:
            raise ReviewStateError(
                f"These fields cannot be edited: {', '.join(unknown)}.",
                detail=f"editable: {sorted(EDITABLE_FIELDS)}",
            )
        if "quote" in changes and "anchor" not in changes:
            changes = {**changes, "anchor": _anchor_for(changes["quote"], section)}
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name, value in changes.items():
            encoded = finding_field_to_json(name, value)
            try:
                decode_changes({name: encoded})  # type check through the codec
            except DataFormatError as exc:
                raise ReviewStateError(
                    f"That is not a valid value for {name}.", detail=exc.detail
                ) from None
            current = finding_field_to_json(name, getattr(state.finding, name))
            if encoded != current:
                before[name], after[name] = current, encoded
        if "description" in after and not str(after["description"]).strip():
            raise ReviewStateError("A finding needs a description.")
        if not after:
            return None
        return DecisionEvent(
            action=Action.EDIT, finding_id=finding_id, actor=actor, before=before, after=after
        )

    def contains(self, finding_id: str) -> bool:
        """Whether a finding with this id exists (live or deleted)."""
        return finding_id in self._states

    def add_comment(self, finding: Finding, *, actor: str) -> DecisionEvent:
        """Add the reviewer's own comment (origin "reviewer"); it starts accepted."""
        if finding.origin_kind is not OriginKind.REVIEWER:
            raise ReviewStateError(
                "Only the reviewer's own comments can be added.",
                detail=f"origin {finding.origin!r}",
            )
        if finding.id in self._states:
            raise ReviewStateError(detail=f"finding id {finding.id!r} already exists")
        if not finding.description.strip():
            raise ReviewStateError("A comment needs some text.")
        if not finding.author:
            finding = finding.with_changes(author=actor)
        return DecisionEvent(
            action=Action.ADD,
            finding_id=finding.id,
            actor=actor,
            after={"decision": Decision.ACCEPTED.value},
            finding=finding,
        )

    def delete_comment(self, finding_id: str, *, actor: str) -> DecisionEvent:
        """Delete one of the reviewer's own comments (AI findings are rejected, not deleted)."""
        state = self._editable(finding_id)
        if not state.is_reviewer_comment:
            raise ReviewStateError(
                "Only your own comments can be deleted; reject an AI finding instead.",
                detail=f"finding {finding_id!r} has origin {state.finding.origin!r}",
            )
        return DecisionEvent(
            action=Action.DELETE,
            finding_id=finding_id,
            actor=actor,
            before={"deleted": False},
            after={"deleted": True},
        )

    def decide_many(
        self, finding_ids: Iterable[str], decision: Decision, *, actor: str, reason: str = ""
    ) -> DecisionEvent | None:
        """Decide several findings in one event (one undo step); None when none would change."""
        reason = reason.strip() if decision is Decision.REJECTED else ""
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for finding_id in dict.fromkeys(finding_ids):
            state = self._editable(finding_id)
            if state.decision is not decision or state.reason != reason:
                before[finding_id] = decision_json(state)
                after[finding_id] = {"decision": decision.value} | (
                    {"reason": reason} if reason else {}
                )
        if not after:
            return None
        return DecisionEvent(
            Action.DECIDE_MANY, "", actor, reason=reason, before=before, after=after
        )

    def revert_all(self, *, actor: str) -> DecisionEvent | None:
        """Every decided AI/rule finding back to pending; reviewer comments are kept as they are.

        ``before`` maps each changed finding to its previous decision, ``after`` to pending.
        """
        before, after = revert_all_changes(self._states)
        if not before:
            return None
        return DecisionEvent(
            action=Action.REVERT_ALL,
            finding_id="",
            actor=actor,
            before=before,
            after=after,
        )

    def undo(self, *, actor: str) -> DecisionEvent:
        """The inverse of the last undoable event; ``ReviewStateError`` when there is none."""
        seq = self._history.undo_target(self._is_live)
        if seq is None:
            raise ReviewStateError("There is nothing to undo.")
        return inverse_event(self._by_seq[seq], self._states, actor=actor)

    def redo(self, *, actor: str) -> DecisionEvent:
        """Repeat the last undone event; ``ReviewStateError`` when there is none."""
        seq = self._history.redo_target(self._is_live)
        if seq is None:
            raise ReviewStateError("There is nothing to redo.")
        return redo_event(self._by_seq[seq], self._states, actor=actor)


def _anchor_for(quote: object, section: Section | None) -> Anchor | None:
    """Where an edited quote is in its section (None when it cannot be placed)."""
    if section is None or not isinstance(quote, str) or not quote.strip():
        return None
    return anchor_quote(section, quote)
