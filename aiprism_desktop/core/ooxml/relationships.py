"""Relationships read the way Word reads them, and a log of what that repaired.

Word and LibreOffice open packages that a strict OPC reader (python-docx among them) refuses,
repairing them silently. The reader does the same where no document text is at stake:

* a target that differs from the stored part name only in letter case resolves to that part
  (OPC part names are case-insensitive);
* a hyperlink relationship is external whatever its ``TargetMode`` says (a ``#bookmark``
  fragment without ``TargetMode="External"`` otherwise resolves to no part at all);
* a relationship to a missing part that holds no document text (properties, thumbnail,
  glossary, custom XML, fonts, settings, theme, images, ...) is dropped.

A missing main document, styles part or part with text (header, footer, notes, comments,
numbering, imported chunks, sub-documents) is still refused (``MissingPartError``). The log says
what was repaired, for the reader's warning and for ``repair.repaired_package``, which writes the
package as it was read: canonical part names, no dangling relationships.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import unquote

from lxml import etree

from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml import strict
from aiprism_desktop.core.ooxml.errors import MissingPartError, NoMainPartError

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_HYPERLINK = _RT + "hyperlink"
# Parts whose absence loses text the reviewer must see: refused, never repaired.
TEXT_PART_TYPES = frozenset(
    _RT + name
    for name in (
        "styles",
        "numbering",
        "header",
        "footer",
        "footnotes",
        "endnotes",
        "comments",
        "aFChunk",
        "subDocument",
    )
)


@dataclass(frozen=True, slots=True)
class Relationship:
    """One relationship; ``target`` is a stored part name unless ``external``."""

    id: str
    type: str
    target: str
    external: bool


class PartLookup(Protocol):
    def has_part(self, name: str) -> bool: ...
    def canonical_name(self, name: str) -> str: ...


@dataclass
class RepairLog:
    """What reading repaired, per source part ('' = the package)."""

    dropped: dict[str, dict[str, str]] = field(default_factory=dict)  # id → missing target
    renamed: dict[str, dict[str, str]] = field(default_factory=dict)  # id → stored name
    made_external: dict[str, set[str]] = field(default_factory=dict)
    retyped: dict[str, set[str]] = field(default_factory=dict)  # Strict type, transitional rels
    damaged: list[str] = field(default_factory=list)  # parts without text that fail their CRC

    def __bool__(self) -> bool:
        return bool(
            self.dropped or self.renamed or self.made_external or self.retyped or self.damaged
        )

    def sources(self) -> set[str]:
        return {*self.dropped, *self.renamed, *self.made_external, *self.retyped}

    def missing_targets(self) -> list[str]:
        """Parts left out: missing ones that relationships named (damaged ones apart)."""
        damaged = set(self.damaged)
        return sorted(
            {t for ids in self.dropped.values() for t in ids.values() if t not in damaged}
        )

    def renamed_count(self) -> int:
        return sum(len(ids) for ids in self.renamed.values())

    def external_count(self) -> int:
        return sum(len(ids) for ids in self.made_external.values())


def rels_part_name(source_part: str) -> str:
    """word/document.xml → word/_rels/document.xml.rels; '' (the package) → _rels/.rels."""
    if not source_part:
        return "_rels/.rels"
    folder, _, base = source_part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def resolve_target(source_part: str, target: str) -> str:
    """The part name an internal target names, relative to the part owning the relationship."""
    target = unquote(target.split("#", 1)[0]).replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    base = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(base, target)).lstrip("/")


def read_relationship(
    parts: PartLookup, source_part: str, element: etree._Element, log: RepairLog
) -> Relationship | None:
    """One ``Relationship`` element as Word reads it (module docstring); None when dropped."""
    rel_id = element.get("Id", "")
    declared_type = element.get("Type", "")
    rel_type = strict.relationship_type(declared_type)
    if rel_type != declared_type:
        log.retyped.setdefault(source_part, set()).add(rel_id)
    raw = element.get("Target", "")
    external = element.get("TargetMode", "") == "External"
    if not external and rel_type == RT_HYPERLINK:
        external = True
        log.made_external.setdefault(source_part, set()).add(rel_id)
    if external:
        return Relationship(rel_id, rel_type, raw, True)
    target = resolve_target(source_part, raw)
    if not parts.has_part(target):
        where = (
            f"{source_part or 'package'} refers to missing part {target} (relationship {rel_id})"
        )
        if rel_type == n.RT_OFFICE_DOCUMENT:
            raise NoMainPartError(
                "This Word file is damaged: its main document part is missing. Open it in "
                "Word, let Word repair it, save it, and open the repaired copy.",
                detail=where,
            )
        if rel_type in TEXT_PART_TYPES:
            raise MissingPartError(detail=where)
        log.dropped.setdefault(source_part, {})[rel_id] = target
        return None
    canonical = parts.canonical_name(target)
    if canonical != target:
        log.renamed.setdefault(source_part, {})[rel_id] = canonical
    return Relationship(rel_id, rel_type, canonical, False)
