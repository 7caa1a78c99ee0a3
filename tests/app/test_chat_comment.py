"""A chat answer turned into a reviewer comment."""

from __future__ import annotations

import pytest

from aiprism_desktop.app.chat import STOPPED_NOTE, EmptyQuestionError, answer_as_comment
from aiprism_desktop.core.finding_schema import MAX_DESCRIPTION_CHARS


def test_answer_becomes_the_description_and_the_category_names_chat() -> None:
    fields = answer_as_comment("  The dates disagree." + STOPPED_NOTE, "Sonnet 4.5")
    assert fields["description"] == "The dates disagree."
    assert fields["category"] == "From chat (Sonnet 4.5)"


def test_long_answers_are_cut_to_the_limit_and_empty_ones_refused() -> None:
    fields = answer_as_comment("x" * (MAX_DESCRIPTION_CHARS + 50))
    assert len(fields["description"]) == MAX_DESCRIPTION_CHARS
    assert fields["description"].endswith("…")
    with pytest.raises(EmptyQuestionError):
        answer_as_comment("   ")
