"""The scripted review shared by the SIGKILL test and its child process.

A fixed document with three AI findings per section, and a generator of the decisions a
reviewer makes (accept, reject with reason, revert, edit, add own comment, delete it, revert
all, undo, redo), produced by the application's own ``core.review.ReviewState`` exactly as the
GUI does. ``state_digest`` summarizes a review state so the test can check that the state
rebuilt from the log after a crash equals the state the child had acknowledged.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass

from aiprism_desktop.core.codec import finding_to_dict
from aiprism_desktop.core.findings import DecisionEvent, Finding, Risk
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.store.serde import dumps, event_to_json
from tests.support.store_factories import make_document, make_finding

DOCUMENT = make_document(sections=5, paragraphs_per_section=2, salt="crash")
DOCUMENT_ID = DOCUMENT.sha256
FINDINGS = {
    section.id: tuple(make_finding(section.id, index) for index in range(3))
    for section in DOCUMENT.sections
}
ACTOR = "crash-test"


def rebuild(findings: Iterable[Finding], events: Iterable[DecisionEvent]) -> ReviewState:
    """The review state as the app rebuilds it when a document is reopened."""
    return ReviewState.build(findings, events)


def state_digest(state: ReviewState) -> str:
    """Digest of every finding's current content, decision, reason and deletion."""
    rows = sorted(
        (s.finding.id, s.decision.value, s.reason, s.deleted, finding_to_dict(s.finding))
        for s in state.finding_states(include_deleted=True)
    )
    return hashlib.sha256(dumps(rows).encode("utf-8")).hexdigest()[:16]


def event_digest(event: DecisionEvent) -> str:
    """Digest of everything stored for an event except its seq."""
    return hashlib.sha256(event_to_json(event).encode("utf-8")).hexdigest()[:16]


@dataclass
class ReviewScript:
    """Chooses the reviewer's next action from the current state."""

    rng: random.Random
    tag: str  # makes every event of every child unique
    counter: int = 0

    def next_event(self, state: ReviewState, *, allow_history: bool = True) -> DecisionEvent:
        """The event for a random action; ``allow_history`` permits undo/redo (which refer to
        stored seqs, so they are left out of bursts planned before any of it is stored)."""
        self.counter += 1
        note = f"{self.tag}:{self.counter}"
        roll = self.rng.random()
        live = state.finding_states()
        event: DecisionEvent | None = None
        if allow_history and roll < 0.10 and state.can_undo:
            event = state.undo(actor=ACTOR)
        elif allow_history and roll < 0.14 and state.can_redo:
            event = state.redo(actor=ACTOR)
        elif roll < 0.22:
            event = state.add_comment(self._own_comment(note), actor=ACTOR)
        elif roll < 0.28 and (own := [s for s in live if s.is_reviewer_comment]):
            event = state.delete_comment(self.rng.choice(own).finding.id, actor=ACTOR)
        elif roll < 0.30:
            event = state.revert_all(actor=ACTOR)
        elif roll < 0.58:
            fid = self.rng.choice(live).finding.id
            choice = self.rng.randrange(3)
            if choice == 0:
                event = state.accept(fid, actor=ACTOR)
            elif choice == 1:
                event = state.reject(fid, actor=ACTOR, reason=f"not relevant ({note})")
            else:
                event = state.revert(fid, actor=ACTOR)
        if event is None:  # the action changed nothing (or was not chosen): edit instead
            fid = self.rng.choice(live).finding.id
            changes = {
                "description": f"Edited ({note}): the timeline needs a date — “ü”",
                "risk": self.rng.choice(list(Risk)),
            }
            event = state.edit(fid, changes, actor=ACTOR)
            assert event is not None  # the description is new every time
        return event

    def _own_comment(self, note: str) -> Finding:
        section = self.rng.choice(DOCUMENT.sections)
        return make_finding(section.id, self.counter, origin="reviewer").with_changes(
            id=f"own-{note}", author=ACTOR, description=f"My own comment {note}"
        )
