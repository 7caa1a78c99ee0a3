"""Random action sequences against ReviewState, checked against a text-editor history model.

The reference model is the simplest correct undo/redo there is: a list of snapshots and a
cursor (a command truncates what is after the cursor and appends). Every state the real
implementation reaches through events must equal the model's snapshot, and the invariants
the old app broke (accepted-and-rejected, statistics above 100 %, lost reviewer comments)
must hold after every step.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from aiprism_desktop.core.errors import ReviewStateError
from aiprism_desktop.core.findings import Decision, DecisionEvent, FindingType, Risk
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.core.statistics import statistics
from tests.support.review_factory import make_document, make_finding, reviewer_comment

ACTOR = "Dana"
BASE = [make_finding("a"), make_finding("b"), make_finding("c", "s1"), make_finding("d", "s2")]
DOCUMENT = make_document([("Summary", "x"), ("Timeline", "y"), ("Root Cause", "z"), ("End", "")])

Snapshot = tuple[tuple[str, str, str, Any], ...]

edits = st.one_of(
    st.fixed_dictionaries({"description": st.sampled_from(["One.", "Two.", "Three."])}),
    st.fixed_dictionaries({"risk": st.sampled_from(Risk)}),
    st.fixed_dictionaries({"type": st.sampled_from(FindingType)}),
    st.fixed_dictionaries({"questions": st.sampled_from([(), ("Why?",), ("Who?", "When?")])}),
    st.fixed_dictionaries({"replacement": st.sampled_from([None, "Better text."])}),
)


def snapshot(state: ReviewState) -> Snapshot:
    return tuple(
        (s.finding.id, s.decision.value, s.reason, s.finding)
        for s in sorted(state.finding_states(), key=lambda s: s.finding.id)
    )


class ReviewMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = ReviewState.build(BASE, analyzed_sections=["s0", "s1", "s2"])
        self.history: list[Snapshot] = [snapshot(self.state)]
        self.cursor = 0
        self.comments = 0

    # --- helpers ---------------------------------------------------------------------------

    def ids(self) -> list[str]:
        return sorted(s.finding.id for s in self.state.finding_states(include_deleted=True))

    def command(self, event: DecisionEvent | None) -> None:
        if event is None:
            assert snapshot(self.state) == self.history[self.cursor]
            return
        self.state = self.state.apply(event)
        del self.history[self.cursor + 1 :]
        self.history.append(snapshot(self.state))
        self.cursor += 1

    def act(self, finding_id: str, action: Any) -> None:
        if self.state.get(finding_id).deleted:
            try:
                action()
            except ReviewStateError:
                return
            raise AssertionError("an action on a deleted comment was accepted")
        self.command(action())

    # --- rules -----------------------------------------------------------------------------

    @rule(data=st.data())
    def accept(self, data: st.DataObject) -> None:
        fid = data.draw(st.sampled_from(self.ids()))
        self.act(fid, lambda: self.state.accept(fid, actor=ACTOR))

    @rule(data=st.data(), reason=st.sampled_from(["", "duplicate", "wrong"]))
    def reject(self, data: st.DataObject, reason: str) -> None:
        fid = data.draw(st.sampled_from(self.ids()))
        self.act(fid, lambda: self.state.reject(fid, actor=ACTOR, reason=reason))

    @rule(data=st.data())
    def revert(self, data: st.DataObject) -> None:
        fid = data.draw(st.sampled_from(self.ids()))
        self.act(fid, lambda: self.state.revert(fid, actor=ACTOR))

    @rule(data=st.data(), changes=edits)
    def edit(self, data: st.DataObject, changes: dict[str, Any]) -> None:
        fid = data.draw(st.sampled_from(self.ids()))
        self.act(fid, lambda: self.state.edit(fid, changes, actor=ACTOR))

    @rule(section=st.sampled_from(["s0", "s1", "s3"]))
    def add_comment(self, section: str) -> None:
        self.comments += 1
        comment = reviewer_comment(f"r{self.comments}", section)
        self.command(self.state.add_comment(comment, actor=ACTOR))

    @rule(data=st.data())
    def delete_comment(self, data: st.DataObject) -> None:
        fid = data.draw(st.sampled_from(self.ids()))
        current = self.state.get(fid)
        if current.is_reviewer_comment and not current.deleted:
            self.command(self.state.delete_comment(fid, actor=ACTOR))
        else:
            try:
                self.state.delete_comment(fid, actor=ACTOR)
            except ReviewStateError:
                return
            raise AssertionError("deleting an AI finding or a deleted comment was accepted")

    @rule()
    def revert_all(self) -> None:
        comments_before = {
            s.finding.id: s for s in self.state.finding_states() if s.is_reviewer_comment
        }
        self.command(self.state.revert_all(actor=ACTOR))
        after = {s.finding.id: s for s in self.state.finding_states() if s.is_reviewer_comment}
        assert after == comments_before  # revert-all never drops or changes own comments

    @rule()
    def undo(self) -> None:
        if self.cursor == 0:
            assert not self.state.can_undo
            return
        self.state = self.state.apply(self.state.undo(actor=ACTOR))
        self.cursor -= 1
        assert snapshot(self.state) == self.history[self.cursor]

    @rule()
    def redo(self) -> None:
        if self.cursor == len(self.history) - 1:
            assert not self.state.can_redo
            return
        self.state = self.state.apply(self.state.redo(actor=ACTOR))
        self.cursor += 1
        assert snapshot(self.state) == self.history[self.cursor]

    @precondition(lambda self: self.cursor > 0)
    @rule()
    def undo_everything(self) -> None:
        while self.state.can_undo:
            self.state = self.state.apply(self.state.undo(actor=ACTOR))
        self.cursor = 0
        assert snapshot(self.state) == self.history[0]  # back to the initial state
        assert all(s.decision is Decision.PENDING for s in self.state.finding_states())

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def statistics_are_consistent(self) -> None:
        stats = statistics(self.state, DOCUMENT)
        assert stats.accepted + stats.rejected + stats.pending == stats.total
        assert stats.total == len(self.state.finding_states())
        rate = stats.acceptance_rate
        assert rate is None or 0.0 <= rate <= 1.0
        assert 0.0 <= stats.analysis_coverage <= 1.0
        assert 0.0 <= stats.decision_coverage <= 1.0
        assert sum(s.findings for s in stats.sections) <= stats.total

    @invariant()
    def exported_findings_are_accepted_live_and_unique(self) -> None:
        exported = [f.id for f in self.state.exported_findings()]
        assert len(exported) == len(set(exported))
        for fid in exported:
            current = self.state.get(fid)
            assert current.decision is Decision.ACCEPTED
            assert not current.deleted
        for current in self.state.finding_states():
            if current.decision is not Decision.REJECTED:
                assert current.reason == ""

    @invariant()
    def the_log_folds_to_the_same_state(self) -> None:
        rebuilt = ReviewState.build(BASE, self.state.events, analyzed_sections=["s0", "s1", "s2"])
        assert snapshot(rebuilt) == snapshot(self.state)
        assert rebuilt.can_undo == self.state.can_undo
        assert rebuilt.can_redo == self.state.can_redo

    @invariant()
    def the_log_only_grows(self) -> None:
        seqs = [e.seq for e in self.state.events]
        assert seqs == list(range(1, len(seqs) + 1))


ReviewMachine.TestCase.settings = settings(max_examples=120, stateful_step_count=40, deadline=None)
TestReviewMachine = ReviewMachine.TestCase


action_steps = st.lists(
    st.tuples(
        st.sampled_from(["accept", "reject", "revert", "add", "undo", "redo", "reanalyze"]),
        st.integers(0, 9),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(action_steps)
def test_reanalysis_never_leaves_stale_accepts(steps: list[tuple[str, int]]) -> None:
    state = ReviewState.build(BASE, analyzed_sections=["s0", "s1", "s2"])
    generation = 0
    for kind, pick in steps:
        live = [s.finding.id for s in state.finding_states()]
        fid = live[pick % len(live)] if live else ""
        event: DecisionEvent | None = None
        if kind == "reanalyze":
            generation += 1
            section = ["s0", "s1", "s2"][pick % 3]
            fresh = [make_finding(f"{section}-g{generation}-{i}", section) for i in range(pick % 3)]
            state = state.replace_section_findings(section, fresh)
            continue
        if kind == "undo" and state.can_undo:
            event = state.undo(actor=ACTOR)
        elif kind == "redo" and state.can_redo:
            event = state.redo(actor=ACTOR)
        elif kind == "add":
            generation += 1
            event = state.add_comment(reviewer_comment(f"r{generation}", "s0"), actor=ACTOR)
        elif kind in ("accept", "reject", "revert") and fid:
            event = getattr(state, kind)(fid, actor=ACTOR)
        if event is not None:
            state = state.apply(event)
    live_ids = {s.finding.id for s in state.finding_states()}
    assert {f.id for f in state.exported_findings()} <= live_ids  # nothing stale exported
    stats = statistics(state, DOCUMENT)
    assert stats.accepted + stats.rejected + stats.pending == stats.total == len(live_ids)
    assert stats.acceptance_rate is None or stats.acceptance_rate <= 1.0
    while state.can_undo:  # undo still works, skipping actions about removed findings
        state = state.apply(state.undo(actor=ACTOR))
    assert all(
        s.decision is Decision.PENDING for s in state.finding_states() if not s.is_reviewer_comment
    )
