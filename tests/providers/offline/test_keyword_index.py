"""The keyword index answers exactly what a substring test on each block would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aiprism_desktop.providers.offline.rules.keyword_index import KeywordIndex
from aiprism_desktop.providers.offline.rules.text import contains_any

# Small alphabets so keywords and texts share pieces often; whitespace of several kinds,
# punctuation, and characters whose lower case differs in length.
_TEXT = st.text(alphabet="ab cd\u00a0\n\t[]?-,.é_İ1", max_size=40).map(str.lower)
_KEYWORD = st.text(alphabet="ab cd[]?-é1", min_size=0, max_size=4).map(str.lower)


def _never_out_of_time() -> None:
    return None


def _plain(texts: list[str], keywords: tuple[str, ...]) -> frozenset[int]:
    return frozenset(i for i, text in enumerate(texts) if contains_any(text, keywords))


@settings(max_examples=300, deadline=None)
@given(
    sections=st.lists(st.lists(_TEXT, max_size=6), min_size=1, max_size=3),
    keywords=st.lists(_KEYWORD, max_size=4).map(tuple),
)
def test_same_blocks_as_a_substring_test_on_each(
    sections: list[list[str]], keywords: tuple[str, ...]
) -> None:
    index = KeywordIndex(sections, _never_out_of_time)
    for number, texts in enumerate(sections):
        assert index.blocks_containing(number, keywords) == _plain(texts, keywords)


def test_keywords_inside_words_punctuation_and_with_spaces() -> None:
    section = [
        "the pilot was [tbd] today",
        "a lot of errors, several (numerous) retries",
        "it goes without saying",
        "nothing here",
        "",
    ]
    index = KeywordIndex([section, ["lots of it"]], _never_out_of_time)
    assert index.blocks_containing(0, ("lot",)) == {0, 1}  # inside "pilot" too
    assert index.blocks_containing(0, ("[", "??")) == {0}
    assert index.blocks_containing(0, ("numerous", "rror")) == {1}
    assert index.blocks_containing(0, ("without saying",)) == {2}  # has a space: plain test
    assert index.blocks_containing(0, ("absent",)) == frozenset()
    assert index.blocks_containing(1, ("lot",)) == {0}
    assert index.blocks_containing(0, ("",)) == {0, 1, 2, 3, 4}  # as "" in text is
