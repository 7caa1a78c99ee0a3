"""Footnotes and endnotes: read as blocks of the final "notes" section.

Only notes the body refers to are read (an unreferenced note is invisible in Word), in the
order of the notes part. The first paragraph of each note is labelled with the number Word
shows at the reference: references are numbered in body order from ``w:numStart`` (default 1),
in the note format (``w:numFmt``, from the last ``w:sectPr`` or the settings part; default
decimal for footnotes, lowerRoman for endnotes). References with ``w:customMarkFollows`` carry
their own mark in the body text and get no number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from aiprism_desktop.core.document import BlockKind
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.numbering import Numbering, format_number
from aiprism_desktop.core.ooxml.package import Package
from aiprism_desktop.core.ooxml.styles import StyleMap, int_val
from aiprism_desktop.core.ooxml.walker import PartWalker

RT_SETTINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
_SEPARATOR_TYPES = frozenset({"separator", "continuationSeparator", "continuationNotice"})
_NOTE_TAGS = frozenset({n.w("footnote"), n.w("endnote")})
W_FOOTNOTE_REFERENCE = n.w("footnoteReference")
W_ENDNOTE_REFERENCE = n.w("endnoteReference")


@dataclass(frozen=True, slots=True)
class _NoteKind:
    kind: BlockKind
    rel_type: str
    properties_tag: str
    default_format: str


FOOTNOTES = _NoteKind(
    BlockKind.FOOTNOTE, n.RT_FOOTNOTES,
    n.w("footnotePr"), "decimal",
)  # fmt: skip
ENDNOTES = _NoteKind(
    BlockKind.ENDNOTE, n.RT_ENDNOTES,
    n.w("endnotePr"), "lowerRoman",
)  # fmt: skip


def _note_format(
    note: _NoteKind, main_root: etree._Element, settings: etree._Element | None
) -> tuple[str, int]:
    """(numFmt, numStart) for this kind of note."""
    candidates: list[etree._Element] = []
    body = main_root.find(n.W_BODY)
    if body is not None:
        sect = body.find(n.w("sectPr"))
        if sect is not None:
            candidates.extend(sect.iter(note.properties_tag))
    if settings is not None:
        candidates.extend(settings.iter(note.properties_tag))
    fmt, start = note.default_format, 1
    for props in candidates:
        fmt_el = props.find(n.w("numFmt"))
        if fmt_el is not None:
            fmt = fmt_el.get(n.W_VAL, fmt)
            start = int_val(props.find(n.w("numStart"))) or start
            break
    return fmt, start


def _reference_labels(references: list[etree._Element], fmt: str, start: int) -> dict[str, str]:
    labels: dict[str, str] = {}
    number = start
    for reference in references:
        note_id = reference.get(n.W_ID, "")
        if note_id in labels:
            continue
        if reference.get(n.w("customMarkFollows"), "").lower() in ("1", "true", "on"):
            labels[note_id] = ""
            continue
        labels[note_id] = format_number(number, fmt)
        number += 1
    return labels


@dataclass
class NotesPart:
    """A notes part, opened and counted, ready to be walked once block ids can be resolved."""

    walker: PartWalker
    note: _NoteKind
    labels: dict[str, str]  # note id → number shown; only referenced notes are here

    def walk(self) -> None:
        self.walker.numbering.reset_counters()  # lists in notes count on their own
        self.walker.walk(note_labels=self.labels)


def _has_notes(root: etree._Element) -> bool:
    """Whether a notes part holds a real note (Word writes the part for separators alone)."""
    return any(
        note.get(n.w("type"), "normal") not in _SEPARATOR_TYPES
        for note in root
        if note.tag in _NOTE_TAGS
    )


def open_notes(
    package: Package,
    main_root: etree._Element,
    styles: StyleMap,
    numbering: Numbering,
    references: Sequence[etree._Element],
) -> list[NotesPart]:
    """The footnotes and endnotes parts that hold notes (footnotes first), not yet walked.

    ``references``: the main part's w:footnoteReference and w:endnoteReference elements in
    document order (``PartWalker.scan.note_references``).
    """
    roots: dict[BlockKind, tuple[str, etree._Element]] = {}
    for note in (FOOTNOTES, ENDNOTES):
        part = package.related_part(package.main_part, note.rel_type)
        if part is not None:
            root = package.parse_part(part)
            if _has_notes(root):
                roots[note.kind] = (part, root)
    if not roots:
        return []
    settings_name = package.related_part(package.main_part, RT_SETTINGS)
    settings = package.parse_part(settings_name) if settings_name else None
    parts: list[NotesPart] = []
    for note in (FOOTNOTES, ENDNOTES):
        if note.kind not in roots:
            continue
        part, root = roots[note.kind]
        fmt, start = _note_format(note, main_root, settings)
        tag = W_FOOTNOTE_REFERENCE if note.kind is BlockKind.FOOTNOTE else W_ENDNOTE_REFERENCE
        labels = _reference_labels([r for r in references if r.tag == tag], fmt, start)
        walker = PartWalker(part, root, styles, numbering, note_kind=note.kind)
        parts.append(NotesPart(walker, note, labels))
    return parts
