"""What a check sees (one section, with the whole document behind it) and what it returns.

A check kind is generic code ("phrases", "entries_require", ...) configured by a rule's
``params``; ``prepare`` turns the params into a compiled form once, when the rule pack loads,
and ``run`` yields ``Hit``s for one section. The runner turns hits into findings.

Checks run in a worker thread. ``SectionContext.checkpoint`` (called for every block a check
touches, through ``sentences``, ``entries`` and ``walk``) enforces the rule's time budget and
notices cancellation, so a hostile paragraph is skipped and reported instead of stalling the
review, and Ctrl-C takes effect between two blocks.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Generic, TypeVar

from aiprism_desktop.core.document import BlockKind, Document, Section
from aiprism_desktop.providers.offline.rules.entries import Entry, section_entries
from aiprism_desktop.providers.offline.rules.keyword_index import KeywordIndex
from aiprism_desktop.providers.offline.rules.text import sentence_spans

P = TypeVar("P")
T = TypeVar("T")

# Placeholders every rule's description and suggestion may use, whatever its kind.
COMMON_FIELDS = frozenset({"section", "rule"})


class BudgetExceeded(Exception):  # noqa: N818 - a signal between checks and the runner
    """A rule used up its time budget on this section: the rest is skipped and reported."""


class ReviewCancelled(Exception):  # noqa: N818
    """The review was cancelled while a check was running."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One thing a check found: a span of one block, plus values for the message templates.

    ``block_index`` None means the finding is about the document or section as a whole and
    has no quote (it is shown unanchored).
    """

    block_index: int | None
    start: int = 0
    end: int = 0
    fields: Mapping[str, str] = field(default_factory=dict)
    widen: bool = True  # grow the quote until it is unique in the section


@dataclass(frozen=True, slots=True)
class CheckKind(Generic[P]):
    """A generic check: its params schema, template fields, compile step and run step."""

    name: str
    params_schema: Mapping[str, Any]  # JSON Schema of the rule's ``params``
    fields: frozenset[str]  # placeholders this kind fills in, besides COMMON_FIELDS
    prepare: Callable[[Mapping[str, Any]], P]  # raise ValueError(reason) for bad params
    run: Callable[[P, SectionContext], Iterable[Hit]]


class DocumentMemo:
    """Per-document results that several sections share (acronym first uses, stated facts).

    Keyed by the prepared params object, which lives as long as the rule set. Sections are
    reviewed in parallel threads: the lock makes the first one compute a value and the others
    wait for it, so each document-wide analysis runs once per review.
    """

    def __init__(self) -> None:
        self._values: dict[int, tuple[object, Any]] = {}
        self._lock = threading.RLock()

    def get(self, owner: object, factory: Callable[[], T], budget: Budget | None = None) -> T:
        """The value computed for ``owner`` on this document, computing it on first use.

        A document-wide analysis runs under its own, larger time budget (not the asking rule's);
        if it runs out, that is remembered, so later sections skip at once instead of starting
        the same analysis again.
        """
        key = id(owner)
        with self._lock:
            if key not in self._values:
                try:
                    with budget.document_phase() if budget else contextlib.nullcontext():
                        self._values[key] = (owner, factory())
                except BudgetExceeded:
                    self._values[key] = (owner, _OUT_OF_TIME)
                    raise
            value = self._values[key][1]
        if value is _OUT_OF_TIME:
            raise BudgetExceeded
        result: T = value
        return result


_OUT_OF_TIME: Final = object()
_KEYWORD_INDEX_KEY: Final = object()  # one index per document, whichever rule asks first


@dataclass(slots=True)
class Budget:
    """A deadline for one rule on one section, and the review's cancel flag."""

    seconds: float
    cancel: threading.Event = field(default_factory=threading.Event)
    deadline: float = 0.0

    document_seconds: float = 30.0  # for document-wide analyses (facts, first uses)

    def start(self) -> None:
        """Start the clock for the next rule."""
        self.deadline = time.monotonic() + self.seconds

    @contextlib.contextmanager
    def document_phase(self) -> Iterator[None]:
        """Run a document-wide analysis under the document budget, then restore the rule's."""
        saved = self.deadline
        self.deadline = time.monotonic() + self.document_seconds if self.deadline else 0.0
        try:
            yield
        finally:
            self.deadline = saved

    def check(self) -> None:
        """Raise when the review was cancelled or the rule is out of time."""
        if self.cancel.is_set():
            raise ReviewCancelled
        if self.deadline and time.monotonic() > self.deadline:
            raise BudgetExceeded


class SectionContext:
    """One section of a document, with cached sentence splits and entries."""

    def __init__(
        self,
        document: Document,
        section_index: int,
        memo: DocumentMemo,
        budget: Budget | None = None,
    ) -> None:
        self.document = document
        self.section_index = section_index
        self.section: Section = document.sections[section_index]
        self.memo = memo
        self.budget = budget or Budget(seconds=0.0)
        self.texts: tuple[str, ...] = tuple(block.text for block in self.section.blocks)
        self._sentences: dict[int, list[tuple[int, int]]] = {}
        self._entries: dict[str, list[Entry]] = {}
        # Computed once per section and shared by every rule (each used to redo them).
        self._body: tuple[int, ...] | None = None
        self._lowered: dict[int, str] = {}
        self._joined: str | None = None

    @property
    def is_first_section(self) -> bool:
        """True for the document's first section (where document-level findings go)."""
        return self.section_index == 0

    def checkpoint(self) -> None:
        """Called between blocks: raise when cancelled or out of time."""
        self.budget.check()

    def walk(self, indices: Sequence[int]) -> Iterator[int]:
        """``indices``, with a checkpoint before each."""
        for index in indices:
            self.checkpoint()
            yield index

    def body_indices(self) -> tuple[int, ...]:
        """Indices of the section's blocks that hold body text (not the heading, not empty)."""
        if self._body is None:
            self._body = tuple(
                index
                for index, block in enumerate(self.section.blocks)
                if block.kind is not BlockKind.HEADING and block.text.strip()
            )
        return self._body

    def lowered(self, block_index: int) -> str:
        """One block's text in lower case (the keyword prefilters of several rules read it)."""
        text = self._lowered.get(block_index)
        if text is None:
            text = self._lowered[block_index] = self.texts[block_index].lower()
        return text

    def blocks_containing(self, words: tuple[str, ...]) -> frozenset[int]:
        """Indices of the blocks whose lower-case text contains one of ``words`` (lower case):
        a rule's keyword prefilter, from an index of the document built once per review."""
        index = self.memo.get(_KEYWORD_INDEX_KEY, self._keyword_index, self.budget)
        return index.blocks_containing(self.section_index, words)

    def _keyword_index(self) -> KeywordIndex:
        sections = [[block.text.lower() for block in s.blocks] for s in self.document.sections]
        return KeywordIndex(sections, self.checkpoint)

    @property
    def joined(self) -> str:
        """The section's block texts joined by NUL (no quote holds one): one string to count
        a quote's occurrences in."""
        if self._joined is None:
            self._joined = "\x00".join(self.texts)
        return self._joined

    def sentences(self, block_index: int) -> list[tuple[int, int]]:
        """Sentence spans of one block."""
        if block_index not in self._sentences:
            self.checkpoint()
            self._sentences[block_index] = sentence_spans(self.texts[block_index])
        return self._sentences[block_index]

    def entries(self, paragraphs: str = "auto") -> list[Entry]:
        """Table rows, list items (and, per ``paragraphs``, paragraphs) of the section."""
        if paragraphs not in self._entries:
            self.checkpoint()
            self._entries[paragraphs] = section_entries(self.section.blocks, paragraphs=paragraphs)
        return self._entries[paragraphs]


def iter_body_sentences(ctx: SectionContext) -> Iterable[tuple[int, int, int]]:
    """(block index, start, end) of every sentence of the section body, in reading order."""
    for index in ctx.body_indices():
        for start, end in ctx.sentences(index):
            yield index, start, end
