"""The fast normalisation (regex runs + str.translate + an offset map) is the same function as
the plain per-character definition it replaced, on any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aiprism_desktop.core.anchoring import _EQUIVALENT, _INVISIBLE, _normalize

# Characters that exercise every rule: spaces of every kind, invisible ones, quotes, dashes,
# the ellipsis, letters whose lower case is longer than one character.
TRICKY = " \t\n\u00a0\u2003\u3000\x1c" + "".join(_INVISIBLE) + "".join(_EQUIVALENT) + "aZ.İß"


def reference(raw: str, *, case_sensitive: bool) -> tuple[str, list[int]]:
    """The definition: one step per character, its origin recorded for every output char."""
    chars: list[str] = []
    origin: list[int] = []
    in_space = False
    for index, char in enumerate(raw):
        if char.isspace():
            if not in_space:
                chars.append(" ")
                origin.append(index)
                in_space = True
            continue
        if char in _INVISIBLE:
            continue
        in_space = False
        mapped = _EQUIVALENT.get(char, char)
        if not case_sensitive and len(mapped.lower()) == len(mapped):
            mapped = mapped.lower()
        for out in mapped:
            chars.append(out)
            origin.append(index)
    return "".join(chars), origin


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY) | st.characters(), max_size=200), st.booleans())
def test_fast_normalisation_equals_the_definition(raw: str, case_sensitive: bool) -> None:
    fast = _normalize(raw, case_sensitive=case_sensitive)
    text, origin = reference(raw, case_sensitive=case_sensitive)
    assert fast.text == text
    assert [fast.origin(i) for i in range(len(text))] == origin


def test_a_long_section_normalises_in_one_pass() -> None:
    raw = ("The root cause\u2014as stated\u2026 was “human error”.\u00a0 " * 20_000)[:600_000]
    normalized = _normalize(raw, case_sensitive=True)
    assert normalized.text.startswith('The root cause-as stated... was "human error". The')
    assert normalized.origin(len(normalized.text) - 1) == len(raw.rstrip()) - 1
