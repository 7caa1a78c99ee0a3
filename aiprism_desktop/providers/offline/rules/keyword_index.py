"""Which blocks of a section contain one of a rule's keywords: the rules' cheap prefilter,
answered for the whole document from its vocabulary instead of by scanning every block.

A rule's keywords (its listed words, its phrases' anchors, its verbs) must occur in a block's
lower-case text for the rule's patterns to be tried there. Testing each keyword against each
block is a full scan of the document per keyword (about 150 keywords over 1.2 M characters on a
300-page report). But a keyword without whitespace can only occur inside one of the text's
whitespace-separated chunks ("error,", "[tbd]"), so it is enough to know which of the
document's distinct chunks (its vocabulary, a few thousand) contain it, and which chunks each
block holds: ``str.split`` per block, one search of the vocabulary per keyword, and set
operations in C for the rest. Keywords with whitespace ("without saying") are tested against
the section's blocks the plain way. The answer is exactly ``contains_any(block.lower(),
keywords)``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from aiprism_desktop.providers.offline.rules.text import contains_any


def _one_chunk(word: str) -> bool:
    """``word`` is not empty and holds no whitespace (``str.split``'s definition of it)."""
    return word.split() == [word]


class KeywordIndex:
    """The whitespace-separated chunks of every block of a document, and which blocks of a
    section contain a set of keywords. Built once per document (``DocumentMemo``)."""

    def __init__(self, sections: Sequence[Sequence[str]], checkpoint: Callable[[], None]) -> None:
        """``sections``: each section's block texts, in lower case."""
        self._sections = sections
        self._chunks: list[list[frozenset[str]]] = []
        vocabulary: set[str] = set()
        for texts in sections:
            checkpoint()
            chunks = [frozenset(text.split()) for text in texts]
            vocabulary.update(*chunks)  # per section: no long call holding the GIL
            self._chunks.append(chunks)
        words = list(vocabulary)
        self._vocabulary = "\n".join(words)
        self._word_starts: list[int] = []
        position = 0
        for word in words:
            self._word_starts.append(position)
            position += len(word) + 1
        self._words = words
        self._containing: dict[tuple[str, ...], frozenset[str]] = {}
        self._blocks: dict[tuple[int, tuple[str, ...]], frozenset[int]] = {}

    def blocks_containing(self, section: int, keywords: tuple[str, ...]) -> frozenset[int]:
        """Indices of the section's blocks whose lower-case text contains one of ``keywords``
        (given in lower case)."""
        key = (section, keywords)
        found = self._blocks.get(key)
        if found is None:
            found = self._blocks[key] = frozenset(self._search(section, keywords))
        return found

    def _search(self, section: int, keywords: tuple[str, ...]) -> set[int]:
        simple = tuple(word for word in keywords if _one_chunk(word))
        other = tuple(word for word in keywords if not _one_chunk(word))
        found: set[int] = set()
        if simple:
            chunks = self._chunks_containing(simple)
            if chunks:
                found.update(
                    index
                    for index, block_chunks in enumerate(self._chunks[section])
                    if not chunks.isdisjoint(block_chunks)
                )
        if other:
            found.update(
                index
                for index, text in enumerate(self._sections[section])
                if index not in found and contains_any(text, other)
            )
        return found

    def _chunks_containing(self, words: tuple[str, ...]) -> frozenset[str]:
        """The document's chunks that contain one of ``words``."""
        found = self._containing.get(words)
        if found is None:
            chunks: set[str] = set()
            vocabulary, starts = self._vocabulary, self._word_starts
            for word in words:
                at = vocabulary.find(word)
                while at >= 0:
                    index = bisect.bisect_right(starts, at) - 1
                    chunks.add(self._words[index])
                    following = index + 1
                    if following == len(starts):
                        break
                    at = vocabulary.find(word, starts[following])
            found = self._containing[words] = frozenset(chunks)
        return found
