"""The acronym check's lower-case word lookup agrees with collecting the words by regex."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from aiprism_desktop.providers.offline.rules.checks_acronyms import _LowerCaseWords

_WORD = re.compile(r"\b[a-z][a-z]+\b")  # what the check collected before
_TEXT = st.text(alphabet="abAB1_- \n.é", max_size=30)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(_TEXT, max_size=4), word=st.text(alphabet="abAB1_é", max_size=4))
def test_same_answer_as_the_set_of_lower_case_words(texts: list[str], word: str) -> None:
    collected = {found for text in texts for found in _WORD.findall(text)}
    assert (word in _LowerCaseWords(texts)) == (word in collected)


def test_whole_words_only() -> None:
    words = _LowerCaseWords(["a high-level view", "HIGHWAY", "10gb of ram_disk"])
    assert "high" in words
    assert "view" in words
    assert "highway" not in words  # only in capitals
    assert "gb" not in words  # glued to a digit
    assert "ram" not in words  # glued to "_"
