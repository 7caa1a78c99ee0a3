"""Anchoring quotes in sections: tolerant of whitespace, quote marks and dashes, never fuzzy."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiprism_desktop.core.anchoring import (
    AnchorStatus,
    _normalize_quote,
    anchor_quote,
    anchored_text,
    locate_quote,
)
from aiprism_desktop.core.document import Block, BlockKind, BlockLocation, Section, SectionKind
from aiprism_desktop.core.findings import Anchor


def block(index: int, text: str, label: str = "") -> Block:
    return Block(
        id=f"b{index}",
        kind=BlockKind.LIST_ITEM if label else BlockKind.PARAGRAPH,
        text=text,
        location=BlockLocation("word/document.xml", index),
        label=label,
    )


def section(*texts: str | tuple[str, str]) -> Section:
    blocks = tuple(
        block(i, t) if isinstance(t, str) else block(i, t[1], label=t[0])
        for i, t in enumerate(texts)
    )
    return Section("s1", "Findings", 1, SectionKind.BODY, blocks)


def test_exact_quote_in_one_block() -> None:
    s = section("Intro line.", "The alarm was raised at 09:14 by the night shift.")
    anchor = anchor_quote(s, "raised at 09:14")
    start = s.blocks[1].text.index("raised")
    assert anchor == Anchor("b1", start, start + len("raised at 09:14"))
    assert anchored_text(s, anchor) == "raised at 09:14"


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        ("The \u201cpilot\u201d phase", '"pilot" phase', "\u201cpilot\u201d phase"),
        ('The "pilot" phase', "\u201cpilot\u201d phase", '"pilot" phase'),
        ("the operator\u2019s log", "operator's log", "operator\u2019s log"),
        ("2019\u20132021 data", "2019-2021 data", "2019\u20132021 data"),
        ("risk\u2014not cost", "risk-not cost", "risk\u2014not cost"),
        ("re\u2011entry point", "re-entry point", "re\u2011entry point"),
        ("and then\u2026 nothing", "then... nothing", "then\u2026 nothing"),
        ("and then... nothing", "then\u2026 nothing", "then... nothing"),
    ],
)
def test_quote_marks_dashes_and_ellipsis_are_tolerated(
    text: str, quote: str, expected: str
) -> None:
    s = section(text)
    anchor = anchor_quote(s, quote)
    assert anchor is not None
    assert anchored_text(s, anchor) == expected


def test_whitespace_runs_match_any_whitespace_run() -> None:
    s = section("Root\u00a0cause:\t the  valve\nfailed.")
    anchor = anchor_quote(s, "  Root cause: the valve failed. \n")
    assert anchor is not None
    assert anchored_text(s, anchor) == "Root\u00a0cause:\t the  valve\nfailed."


def test_whitespace_is_not_optional() -> None:
    assert anchor_quote(section("risk\u2014not cost"), "risk - not cost") is None
    assert anchor_quote(section("the valve failed"), "thevalve failed") is None


def test_quote_spanning_runs_is_one_block_span() -> None:
    # Runs do not exist at this level: block text is the concatenation the reader produced.
    s = section("Bold start and italic end.")
    assert anchor_quote(s, "start and italic") == Anchor("b0", 5, 21)
    assert s.blocks[0].text[5:21] == "start and italic"


def test_quote_across_blocks_sets_end_block() -> None:
    s = section("First paragraph ends here.", "Second one starts here.", "Third.")
    anchor = anchor_quote(s, "ends here. Second one")
    assert anchor == Anchor("b0", 16, 10, end_block_id="b1")
    assert s.blocks[0].text[16:] == "ends here."
    assert s.blocks[1].text[:10] == "Second one"
    assert anchored_text(s, anchor) == "ends here.\nSecond one"
    spanning = anchor_quote(s, "here.\nSecond one starts here.\n\nThird")
    assert spanning == Anchor("b0", 21, 5, end_block_id="b2")


def test_leading_list_label_is_stripped() -> None:
    s = section("Actions:", ("1.", "Replace the valve."), ("2.", "Retrain staff."))
    anchor = anchor_quote(s, "1. Replace the valve.")
    assert anchor == Anchor("b1", 0, len("Replace the valve."))
    multi = anchor_quote(s, "2. Retrain")
    assert multi == Anchor("b2", 0, len("Retrain"))


def test_labels_between_blocks_are_skipped_either_way() -> None:
    s = section(("1.", "Replace the valve."), ("2.", "Retrain staff."))
    with_label = anchor_quote(s, "valve.\n2. Retrain")
    without_label = anchor_quote(s, "valve. Retrain")
    start = s.blocks[0].text.index("valve.")
    assert with_label == without_label == Anchor("b0", start, 7, end_block_id="b1")


def test_label_alone_is_not_an_anchor() -> None:
    s = section(("1.", "Replace the valve."), ("12.", "Other."))
    assert anchor_quote(s, "1.") is None
    # A quote may not start in the middle of a label.
    assert anchor_quote(s, "2. Other.") is None


def test_repeated_quote_picks_first_and_flags_ambiguity() -> None:
    s = section("The log was incomplete.", "Later, the log was incomplete again.")
    result = locate_quote(s, "the log was incomplete")
    assert result.status is AnchorStatus.ANCHORED
    # Case-sensitive: "The log" in the first block is not it.
    assert result.anchor == Anchor("b1", 7, 7 + len("the log was incomplete"))
    assert result.occurrences == 1
    assert not result.ambiguous

    result = locate_quote(s, "log was incomplete")
    assert result.anchor == Anchor("b0", 4, 22)
    assert s.blocks[0].text[4:22] == "log was incomplete"
    assert result.occurrences == 2
    assert result.ambiguous


def test_hint_block_selects_the_occurrence() -> None:
    s = section("The log was incomplete.", "Later, the log was incomplete again.")
    result = locate_quote(s, "log was incomplete", hint_block_id="b1")
    assert result.anchor == Anchor("b1", 11, 29)
    assert s.blocks[1].text[11:29] == "log was incomplete"
    assert not result.ambiguous
    # A hint that matches nothing falls back to the first occurrence, still ambiguous.
    result = locate_quote(s, "log was incomplete", hint_block_id="nope")
    assert result.anchor == Anchor("b0", 4, 22)
    assert result.ambiguous


def test_case_sensitive_by_default_and_optional() -> None:
    s = section("The Valve Failed.")
    assert anchor_quote(s, "the valve failed") is None
    assert anchor_quote(s, "the valve failed", case_sensitive=False) == Anchor("b0", 0, 16)


@pytest.mark.parametrize(
    "quote",
    [
        "The alarm was raised at 09:15",  # one character
        "The alarm was lifted at 09:14",  # one word
        "The alarm raised at 09:14",  # a missing word
        "alarm was raised at 09:14 by the day shift",  # a different ending
        "The alarm was raised at 09:14 by the night shift. And more",
    ],
)
def test_a_quote_that_differs_stays_unanchored(quote: str) -> None:
    s = section("The alarm was raised at 09:14 by the night shift.")
    result = locate_quote(s, quote)
    assert result.status is AnchorStatus.NOT_FOUND
    assert result.anchor is None


@pytest.mark.parametrize("quote", ["", "   ", "\n\t", "\u00ad\u200b"])
def test_empty_quote(quote: str) -> None:
    result = locate_quote(section("Some text."), quote)
    assert result.status is AnchorStatus.EMPTY_QUOTE
    assert result.anchor is None


def test_ellipsis_match_may_not_end_inside_the_ellipsis() -> None:
    s = section("Wait\u2026 no.")
    assert anchor_quote(s, "Wait..") is None
    assert anchor_quote(s, "Wait...") == Anchor("b0", 0, 5)


def test_invisible_characters_are_ignored() -> None:
    s = section("co\u00adoperation and zero\u200bwidth")
    anchor = anchor_quote(s, "cooperation and zerowidth")
    assert anchor is not None
    assert anchored_text(s, anchor) == "co\u00adoperation and zero\u200bwidth"


def test_emoji_and_rtl_offsets_are_exact() -> None:
    s = section("Status 🔥 critical", "النص العربي هنا وهناك")
    assert anchored_text(s, anchor_quote(s, "🔥 critical") or Anchor("x", 0, 0)) == "🔥 critical"
    anchor = anchor_quote(s, "العربي هنا")
    assert anchor is not None
    assert anchor.block_id == "b1"
    assert anchored_text(s, anchor) == "العربي هنا"


def test_empty_blocks_between_are_whitespace() -> None:
    s = section("End of one.", "", "Start of two.")
    anchor = anchor_quote(s, "one. Start")
    assert anchor == Anchor("b0", 7, 5, end_block_id="b2")
    assert s.blocks[0].text[7:] == "one."


# --- properties --------------------------------------------------------------------------

_WORDS = st.text(alphabet="abcdeXYZ0123.,;:!?()'\"-", min_size=1, max_size=8)
_PLAIN_BLOCK = st.lists(_WORDS, min_size=1, max_size=12).map(" ".join)


@st.composite
def _substring_cases(draw: st.DrawFn) -> tuple[Section, int, int]:
    texts = draw(st.lists(_PLAIN_BLOCK, min_size=1, max_size=5))
    s = section(*texts)
    full = s.text
    start = draw(st.integers(0, len(full) - 1))
    end = draw(st.integers(start + 1, len(full)))
    return s, start, end


@settings(max_examples=300, deadline=None)
@given(_substring_cases())
def test_any_substring_anchors_to_its_first_occurrence(case: tuple[Section, int, int]) -> None:
    s, start, end = case
    full = s.text
    quote = full[start:end]
    stripped = quote.strip()
    if not stripped:
        assert locate_quote(s, quote).status is AnchorStatus.EMPTY_QUOTE
        return
    anchor = anchor_quote(s, quote)
    assert anchor is not None
    # Block boundaries are "\n" in the section text and any whitespace matches them, so the
    # first occurrence is the first place the quote appears with its whitespace normalized.
    expected_start = " ".join(full.split("\n")).find(" ".join(stripped.split("\n")))
    assert anchored_text(s, anchor) == full[expected_start : expected_start + len(stripped)]
    first_block = next(i for i, b in enumerate(s.blocks) if b.id == anchor.block_id)
    offset = sum(len(b.text) + 1 for b in s.blocks[:first_block]) + anchor.start
    assert offset == expected_start


_TOLERANT_ALPHABET = "ab \u00a0\t'\u2019\"\u201c\u2013\u2014-.\u2026"


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(st.text(alphabet=_TOLERANT_ALPHABET, min_size=1, max_size=30), max_size=4),
    data=st.data(),
)
def test_substrings_with_tolerated_variants_always_anchor(
    texts: list[str], data: st.DataObject
) -> None:
    s = section("start", *texts)
    full = s.text
    start = data.draw(st.integers(0, len(full) - 1))
    end = data.draw(st.integers(start + 1, len(full)))
    quote = full[start:end]
    result = locate_quote(s, quote)
    if not quote.strip():
        assert result.status is AnchorStatus.EMPTY_QUOTE
        return
    assert result.anchor is not None
    # Whatever occurrence was chosen reads the same once normalized, and it is not later
    # than the substring itself.
    chosen = anchored_text(s, result.anchor)
    assert _normalize_quote(chosen, case_sensitive=True) == _normalize_quote(
        quote, case_sensitive=True
    )
    first_block = next(i for i, b in enumerate(s.blocks) if b.id == result.anchor.block_id)
    offset = sum(len(b.text) + 1 for b in s.blocks[:first_block]) + result.anchor.start
    assert offset <= start + (len(quote) - len(quote.lstrip()))
