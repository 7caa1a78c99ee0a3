"""Keyword search over a document's blocks: what the offline "chat" answers with.

The offline reviewer has no language model, so it cannot answer questions. It can show the
passages whose words best match the question, scored by how rare each matching word is in the
document (an IDF weighting), which is honest and often enough to find the relevant place.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Final

from aiprism_desktop.core.document import BlockKind, Document

_TERM = re.compile(r"[a-z0-9][a-z0-9'’&-]*")
_STOPWORD_TEXT: Final = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers him his how i if in into is it its itself just me more
most my no nor not now of off on once only or other our out over own same she should so some
such than that the their them then there these they this those through to too under until up
very was we were what when where which while who whom why will with would you your tell show
explain describe document section write-up report please say says said anything something
give list
"""
_STOPWORDS: Final = frozenset(_STOPWORD_TEXT.split())
_SECTION_TITLE_BOOST: Final = 0.5
_CURRENT_SECTION_BOOST: Final = 1.2


def terms(text: str) -> list[str]:
    """Lower-cased content words with a light plural/verb-ending stem."""
    found = []
    for word in _TERM.findall(text.lower()):
        word = word.strip("'’-")
        if len(word) < 2 or word in _STOPWORDS:
            continue
        found.append(_stem(word))
    return found


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True, slots=True)
class Passage:
    """A block that matches the question."""

    section_title: str
    text: str
    score: float
    matched: tuple[str, ...]


def search(
    document: Document,
    question: str,
    *,
    section_id: str | None = None,
    limit: int = 3,
) -> list[Passage]:
    """The best-matching blocks, best first; ties keep document order."""
    query = list(dict.fromkeys(terms(question)))
    if not query:
        return []
    candidates = []
    document_frequency: Counter[str] = Counter()
    for section in document.sections:
        title_terms = set(terms(section.title))
        for block in section.blocks:
            if block.kind is BlockKind.HEADING or not block.text.strip():
                continue
            block_terms = Counter(terms(block.text))
            document_frequency.update(set(block_terms))
            candidates.append((section, title_terms, block, block_terms))
    total = max(len(candidates), 1)
    scored: list[tuple[float, int, Passage]] = []
    for position, (section, title_terms, block, block_terms) in enumerate(candidates):
        score = 0.0
        matched = []
        for term in query:
            weight = math.log(1 + total / (1 + document_frequency[term]))
            if term in block_terms:
                score += weight * (1 + math.log(block_terms[term]))
                matched.append(term)
            if term in title_terms:
                score += weight * _SECTION_TITLE_BOOST
        if not matched:
            continue
        if section_id is not None and section.id == section_id:
            score *= _CURRENT_SECTION_BOOST
        passage = Passage(section.title, block.display_text, score, tuple(matched))
        scored.append((-score, position, passage))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [passage for _, _, passage in scored[:limit]]
