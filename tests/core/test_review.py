"""ReviewState: the fold over decision events, actions, undo/redo, re-analysis."""

from __future__ import annotations

import pytest

from aiprism_desktop.core.errors import DataFormatError, ReviewStateError
from aiprism_desktop.core.findings import Action, Anchor, Decision, DecisionEvent, FindingType, Risk
from aiprism_desktop.core.review import ReviewState
from tests.support.review_factory import make_finding, make_section, reviewer_comment

ACTOR = "Dana"


def fresh() -> ReviewState:
    return ReviewState.build(
        [make_finding("a"), make_finding("b"), make_finding("c", "s1")],
        analyzed_sections=["s0", "s1", "s2"],
    )


def do(state: ReviewState, event: DecisionEvent | None) -> ReviewState:
    assert event is not None
    return state.apply(event)


def decisions(state: ReviewState) -> dict[str, Decision]:
    return {s.finding.id: s.decision for s in state.finding_states()}


def test_accept_reject_revert_set_exactly_one_decision() -> None:
    state = do(fresh(), fresh().accept("a", actor=ACTOR))
    state = do(state, state.reject("a", actor=ACTOR, reason="not relevant"))
    assert state.get("a").decision is Decision.REJECTED
    assert state.get("a").reason == "not relevant"
    assert state.exported_findings() == ()
    state = do(state, state.revert("a", actor=ACTOR))
    assert decisions(state) == dict.fromkeys("abc", Decision.PENDING)
    assert state.get("a").reason == ""


def test_events_record_the_previous_decision_and_get_sequence_numbers() -> None:
    state = do(fresh(), fresh().accept("a", actor=ACTOR))
    state = do(state, state.reject("a", actor=ACTOR, reason="dup"))
    first, second = state.events
    assert (first.seq, second.seq) == (1, 2)
    assert first.before == {"decision": "pending"}
    assert second.before == {"decision": "accepted"}
    assert second.after == {"decision": "rejected", "reason": "dup"}


def test_repeating_a_decision_records_no_event() -> None:
    state = do(fresh(), fresh().accept("a", actor=ACTOR))
    assert state.accept("a", actor=ACTOR) is None
    assert state.revert("b", actor=ACTOR) is None
    state = do(state, state.reject("b", actor=ACTOR, reason="x"))
    assert state.reject("b", actor=ACTOR, reason="x") is None
    changed = state.reject("b", actor=ACTOR, reason="y")  # a new reason is a new decision
    assert changed is not None
    assert changed.before == {"decision": "rejected", "reason": "x"}


def test_double_accept_never_duplicates_an_exported_finding() -> None:
    state = fresh()
    for _ in range(3):
        event = state.accept("a", actor=ACTOR)
        if event:
            state = state.apply(event)
    assert [f.id for f in state.exported_findings()] == ["a"]


def test_unknown_finding_is_a_review_state_error() -> None:
    with pytest.raises(ReviewStateError) as info:
        fresh().accept("nope", actor=ACTOR)
    assert info.value.code == "REVIEW_STATE"


def test_edit_keeps_the_original_and_records_before_and_after() -> None:
    state = fresh()
    event = state.edit(
        "a",
        {"description": "Sharper text.", "risk": Risk.HIGH, "questions": ("Why?",)},
        actor=ACTOR,
    )
    assert event is not None
    assert event.before == {
        "description": "Description of a.",
        "risk": "medium",
        "questions": [],
    }
    assert event.after == {"description": "Sharper text.", "risk": "high", "questions": ["Why?"]}
    state = state.apply(event)
    current = state.get("a")
    assert current.finding.description == "Sharper text."
    assert current.finding.risk is Risk.HIGH
    assert current.original.description == "Description of a."
    assert current.is_edited


def test_edit_without_change_is_no_event_and_bad_edits_are_refused() -> None:
    state = fresh()
    assert state.edit("a", {"description": "Description of a."}, actor=ACTOR) is None
    with pytest.raises(ReviewStateError, match="cannot be edited"):
        state.edit("a", {"origin": "reviewer"}, actor=ACTOR)
    with pytest.raises(ReviewStateError, match="valid value"):
        state.edit("a", {"risk": "catastrophic"}, actor=ACTOR)
    with pytest.raises(ReviewStateError, match="description"):
        state.edit("a", {"description": "  "}, actor=ACTOR)


def test_edit_of_quote_and_anchor_together() -> None:
    state = fresh()
    state = do(state, state.edit("a", {"quote": "new", "anchor": None}, actor=ACTOR))
    assert state.get("a").finding.anchor is None
    state = do(state, state.undo(actor=ACTOR))
    assert state.get("a").finding.anchor == Anchor("s0b0", 0, 5)


def test_reviewer_comment_is_added_accepted_and_exported_with_author() -> None:
    state = fresh()
    event = state.add_comment(reviewer_comment("mine"), actor=ACTOR)
    assert event.action is Action.ADD
    state = state.apply(event)
    mine = state.get("mine")
    assert mine.decision is Decision.ACCEPTED
    assert mine.finding.author == ACTOR
    assert [f.id for f in state.exported_findings()] == ["mine"]


def test_only_reviewer_comments_can_be_added_or_deleted() -> None:
    state = fresh()
    with pytest.raises(ReviewStateError):
        state.add_comment(make_finding("x"), actor=ACTOR)
    with pytest.raises(ReviewStateError, match="Only your own comments"):
        state.delete_comment("a", actor=ACTOR)
    with pytest.raises(ReviewStateError):
        state.add_comment(reviewer_comment("a"), actor=ACTOR)  # id already taken


def test_deleted_comment_is_not_exported_and_cannot_be_acted_on() -> None:
    state = do(fresh(), fresh().add_comment(reviewer_comment("mine"), actor=ACTOR))
    state = state.apply(state.delete_comment("mine", actor=ACTOR))
    assert state.exported_findings() == ()
    assert "mine" not in {s.finding.id for s in state.finding_states()}
    assert state.get("mine").deleted
    with pytest.raises(ReviewStateError, match="deleted"):
        state.accept("mine", actor=ACTOR)
    with pytest.raises(ReviewStateError):
        state.delete_comment("mine", actor=ACTOR)


def test_revert_all_keeps_reviewer_comments_and_records_previous_decisions() -> None:
    state = fresh()
    state = do(state, state.accept("a", actor=ACTOR))
    state = do(state, state.reject("b", actor=ACTOR, reason="wrong"))
    state = do(state, state.add_comment(reviewer_comment("mine"), actor=ACTOR))
    event = state.revert_all(actor=ACTOR)
    assert event is not None
    assert event.before == {
        "a": {"decision": "accepted"},
        "b": {"decision": "rejected", "reason": "wrong"},
    }
    state = state.apply(event)
    assert decisions(state) == {
        "a": Decision.PENDING,
        "b": Decision.PENDING,
        "c": Decision.PENDING,
        "mine": Decision.ACCEPTED,
    }
    assert [f.id for f in state.exported_findings()] == ["mine"]
    assert state.revert_all(actor=ACTOR) is None


def test_undo_appends_inverse_events_and_redo_repeats() -> None:
    state = fresh()
    state = do(state, state.accept("a", actor=ACTOR))
    state = do(state, state.reject("a", actor=ACTOR, reason="r"))
    undo = state.undo(actor=ACTOR)
    assert undo.undo_of == 2
    assert undo.action is Action.ACCEPT
    state = state.apply(undo)
    assert state.get("a").decision is Decision.ACCEPTED
    state = state.apply(state.undo(actor=ACTOR))
    assert state.get("a").decision is Decision.PENDING
    assert not state.can_undo
    with pytest.raises(ReviewStateError, match="nothing to undo"):
        state.undo(actor=ACTOR)
    redo = state.redo(actor=ACTOR)
    assert redo.redo_of == 1
    state = state.apply(redo)
    assert state.get("a").decision is Decision.ACCEPTED
    state = state.apply(state.redo(actor=ACTOR))
    assert state.get("a").decision is Decision.REJECTED
    assert state.get("a").reason == "r"
    assert not state.can_redo
    assert len(state.events) == 6  # nothing is ever removed from the log


def test_undo_of_an_undo_is_not_a_redo() -> None:
    state = fresh()
    state = do(state, state.accept("a", actor=ACTOR))
    state = do(state, state.accept("b", actor=ACTOR))
    state = state.apply(state.undo(actor=ACTOR))  # undoes b
    state = state.apply(state.undo(actor=ACTOR))  # undoes a, does not re-accept b
    assert decisions(state) == dict.fromkeys("abc", Decision.PENDING)


def test_a_new_decision_clears_the_redo_stack() -> None:
    state = fresh()
    state = do(state, state.accept("a", actor=ACTOR))
    state = state.apply(state.undo(actor=ACTOR))
    assert state.can_redo
    state = do(state, state.accept("b", actor=ACTOR))
    assert not state.can_redo
    with pytest.raises(ReviewStateError, match="nothing to redo"):
        state.redo(actor=ACTOR)


def test_a_redone_action_can_be_undone_again() -> None:
    state = fresh()
    state = do(state, state.edit("a", {"description": "New."}, actor=ACTOR))
    state = state.apply(state.undo(actor=ACTOR))
    state = state.apply(state.redo(actor=ACTOR))
    assert state.get("a").finding.description == "New."
    state = state.apply(state.undo(actor=ACTOR))
    assert state.get("a").finding.description == "Description of a."
    assert not state.get("a").is_edited


def test_undo_and_redo_of_add_delete_and_revert_all() -> None:
    state = fresh()
    state = do(state, state.accept("a", actor=ACTOR))
    state = do(state, state.add_comment(reviewer_comment("mine"), actor=ACTOR))
    state = do(state, state.delete_comment("mine", actor=ACTOR))
    state = do(state, state.revert_all(actor=ACTOR))
    state = state.apply(state.undo(actor=ACTOR))  # revert-all undone
    assert state.get("a").decision is Decision.ACCEPTED
    state = state.apply(state.undo(actor=ACTOR))  # delete undone
    assert not state.get("mine").deleted
    state = state.apply(state.undo(actor=ACTOR))  # add undone
    assert state.get("mine").deleted
    for _ in range(3):
        state = state.apply(state.redo(actor=ACTOR))
    assert state.get("mine").deleted
    assert state.get("a").decision is Decision.PENDING


def test_rebuilding_from_the_log_gives_the_same_state() -> None:
    state = fresh()
    state = do(state, state.accept("a", actor=ACTOR))
    state = do(state, state.edit("c", {"type": FindingType.CRITICAL}, actor=ACTOR))
    state = do(state, state.add_comment(reviewer_comment("mine"), actor=ACTOR))
    state = state.apply(state.undo(actor=ACTOR))
    rebuilt = ReviewState.build(
        [make_finding("a"), make_finding("b"), make_finding("c", "s1")],
        state.events,
        analyzed_sections=["s0", "s1", "s2"],
    )
    assert rebuilt.finding_states(include_deleted=True) == state.finding_states(
        include_deleted=True
    )
    assert rebuilt.can_redo
    assert state.can_redo


def test_reanalysis_replaces_ai_findings_and_drops_stale_decisions() -> None:
    state = fresh()
    state = do(state, state.accept("a", actor=ACTOR))
    state = do(state, state.accept("c", actor=ACTOR))
    state = do(state, state.add_comment(reviewer_comment("mine"), actor=ACTOR))
    state = state.replace_section_findings("s0", [make_finding("a2"), make_finding("b")])
    assert decisions(state) == {
        "a2": Decision.PENDING,
        "b": Decision.PENDING,
        "c": Decision.ACCEPTED,  # another section: untouched
        "mine": Decision.ACCEPTED,  # reviewer comments survive a re-analysis
    }
    assert [f.id for f in state.exported_findings()] == ["c", "mine"]
    assert len(state.events) == 3  # the accept of "a" stays in the audit trail
    with pytest.raises(ReviewStateError):
        state.accept("a", actor=ACTOR)


def test_undo_skips_actions_about_findings_removed_by_a_reanalysis() -> None:
    state = fresh()
    state = do(state, state.accept("c", actor=ACTOR))
    state = do(state, state.accept("a", actor=ACTOR))
    state = state.replace_section_findings("s0", [make_finding("a2")])
    undo = state.undo(actor=ACTOR)
    assert undo.finding_id == "c"
    state = state.apply(undo)
    assert not state.can_undo


def test_replace_section_findings_refuses_findings_of_another_section() -> None:
    with pytest.raises(ValueError, match="another section"):
        fresh().replace_section_findings("s0", [make_finding("z", "s1")])


def test_build_refuses_reviewer_findings_duplicates_and_out_of_order_logs() -> None:
    with pytest.raises(ValueError, match="ADD events"):
        ReviewState.build([reviewer_comment("r")])
    with pytest.raises(ValueError, match="duplicate"):
        ReviewState.build([make_finding("a"), make_finding("a")])
    event = DecisionEvent(action=Action.ACCEPT, finding_id="a", actor=ACTOR, seq=5)
    older = DecisionEvent(action=Action.REVERT, finding_id="a", actor=ACTOR, seq=3)
    with pytest.raises(DataFormatError) as info:
        ReviewState.build([make_finding("a")], [event, older])
    assert "out of order" in (info.value.detail or "")


def test_events_about_unknown_findings_are_history_only() -> None:
    ghost = DecisionEvent(action=Action.ACCEPT, finding_id="gone", actor=ACTOR)
    state = ReviewState.build([make_finding("a")], [ghost])
    assert decisions(state) == {"a": Decision.PENDING}
    assert len(state.events) == 1
    assert not state.can_undo


def test_editing_the_quote_moves_the_anchor_in_the_same_event() -> None:
    section = make_section(0, "Summary", "The alarm was raised late.\nThe fee was paid twice.")
    state = ReviewState.build(
        [make_finding("a", quote="The alarm was raised", anchor=Anchor("s0b0", 0, 20))]
    )
    event = state.edit("a", {"quote": "paid twice"}, actor=ACTOR, section=section)
    assert event is not None
    assert event.after["anchor"] == {"block_id": "s0b1", "start": 12, "end": 22}
    state = do(state, event)
    assert state.get("a").finding.anchor == Anchor("s0b1", 12, 22)
    # Not found in the section, or no section given: unanchored, never the old text.
    moved = do(state, state.edit("a", {"quote": "not in the text"}, actor=ACTOR, section=section))
    assert moved.get("a").finding.anchor is None
    blind = do(state, state.edit("a", {"quote": "The fee"}, actor=ACTOR))
    assert blind.get("a").finding.anchor is None
    # Undo puts quote and anchor back together.
    back = do(moved, moved.undo(actor=ACTOR))
    assert (back.get("a").finding.quote, back.get("a").finding.anchor) == (
        "paid twice",
        Anchor("s0b1", 12, 22),
    )


def test_decide_many_is_one_event_undone_and_redone_as_one_step() -> None:
    a, b, c = (make_finding(f"f{i}") for i in range(3))
    state = ReviewState.build([a, b, c])
    state = do(state, state.accept(a.id, actor=ACTOR))
    event = state.decide_many([a.id, b.id, c.id, b.id], Decision.REJECTED, actor=ACTOR, reason="x")
    assert event is not None
    assert event.action is Action.DECIDE_MANY
    assert event.before == {
        a.id: {"decision": "accepted"},
        b.id: {"decision": "pending"},
        c.id: {"decision": "pending"},
    }
    state = do(state, event)
    assert {state.get(f.id).decision for f in (a, b, c)} == {Decision.REJECTED}
    assert state.get(b.id).reason == "x"
    assert state.decide_many([a.id, b.id], Decision.REJECTED, actor=ACTOR, reason="x") is None

    state = do(state, state.undo(actor=ACTOR))  # the whole bulk decision at once
    assert state.get(a.id).decision is Decision.ACCEPTED
    assert state.get(b.id).decision is state.get(c.id).decision is Decision.PENDING
    state = do(state, state.redo(actor=ACTOR))
    assert {state.get(f.id).decision for f in (a, b, c)} == {Decision.REJECTED}
    assert state.get(c.id).reason == "x"
    state = do(state, state.undo(actor=ACTOR))
    state = do(state, state.undo(actor=ACTOR))  # then the single accept before it
    assert state.get(a.id).decision is Decision.PENDING
    # Replayed from the log, the same state.
    again = ReviewState.build([a, b, c], state.events)
    assert {f.id: again.get(f.id).decision for f in (a, b, c)} == {
        f.id: state.get(f.id).decision for f in (a, b, c)
    }


def test_findings_of_a_section_follow_comments_added_deleted_restored_and_undone() -> None:
    def naive(state: ReviewState, section_id: str) -> list[str]:
        return [s.finding.id for s in state.finding_states() if s.finding.section_id == section_id]

    def check(state: ReviewState) -> None:
        for section_id in ("s0", "s1", "s2"):
            assert [s.finding.id for s in state.findings_in(section_id)] == naive(state, section_id)

    state = fresh()
    check(state)
    state = do(state, state.add_comment(reviewer_comment("mine", "s2"), actor=ACTOR))
    check(state)
    assert [s.finding.id for s in state.findings_in("s2")] == ["mine"]
    state = do(state, state.accept("a", actor=ACTOR))
    check(state)
    assert state.findings_in("s0")[0].decision is Decision.ACCEPTED  # the live state, not a copy
    state = do(state, state.delete_comment("mine", actor=ACTOR))
    check(state)
    assert state.findings_in("s2") == ()
    state = do(state, state.undo(actor=ACTOR))  # the comment is back
    check(state)
    assert [s.finding.id for s in state.findings_in("s2")] == ["mine"]
