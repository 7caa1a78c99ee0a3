"""Deterministic identities of review results: finding ids and what a cached review depends on.

A finding id must change whenever anything a reviewer decides on changes: a decision recorded
for one wording must never carry over to another (an accepted rewrite is written into the
document as a tracked change). A cache entry must miss whenever the answer could differ: the
exact prompts (they include the document outline) and, for providers that look at the whole
document, the content of every section.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Protocol

from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.findings import FindingType, Risk
from aiprism_desktop.core.prompts import Prompt


class FindingContent(Protocol):
    """The content fields shared by ``FindingDraft`` and ``Finding``."""

    @property
    def origin(self) -> str: ...
    @property
    def type(self) -> FindingType: ...
    @property
    def risk(self) -> Risk: ...
    @property
    def category(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def suggestion(self) -> str: ...
    @property
    def example(self) -> str: ...
    @property
    def questions(self) -> tuple[str, ...]: ...
    @property
    def framework_refs(self) -> tuple[int, ...]: ...
    @property
    def quote(self) -> str: ...
    @property
    def replacement(self) -> str | None: ...


def _digest(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def finding_id(section: Section, content: FindingContent, ordinal: int) -> str:
    """Deterministic id from the section text, the position and every content field.

    Re-opening the same document yields the same ids, so stored decisions apply; an answer that
    differs in any field a reviewer sees (risk, suggestion, replacement …) gets a new id and
    starts undecided.
    """
    digest = _digest(
        [
            section.content_hash,
            content.origin,
            content.type.value,
            content.risk.value,
            content.category,
            content.description,
            content.suggestion,
            content.example,
            list(content.questions),
            list(content.framework_refs),
            content.quote,
            content.replacement,
            ordinal,
        ]
    )
    return f"{section.id}.{digest[:10]}"


def prompts_hash(prompts: Iterable[Prompt]) -> str:
    """Hash of the exact prompts sent for a section (system, user text, version, schema)."""
    return _digest([[p.system, p.user, p.version, p.output_schema] for p in prompts])


def document_context_hash(document: Document) -> str:
    """Hash of the content of every section (kind, level, title, text), in order.

    Unlike the file's sha256 it ignores bytes nobody reviews (metadata, a re-save), but it
    changes when any section's text or the outline changes.
    """
    return _digest([[s.kind.value, s.level, s.title, s.text] for s in document.sections])
