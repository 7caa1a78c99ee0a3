"""What goes into a reviewed .docx export and what comes out of it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from aiprism_desktop.core.findings import Finding


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One accepted finding to write as a Word comment, with its final author and text."""

    finding: Finding
    comment_author: str
    comment_text: str


class Placement(StrEnum):
    """Where a comment ended up."""

    SPAN = "span"  # on the quoted text
    BLOCK = "block"  # on a whole paragraph (finding unanchored, or its anchor no longer applies)
    NOTE_REFERENCE = "note_reference"  # on the reference mark of the footnote/endnote quoted
    HEADER_HOST = "header_host"  # about a page header/footer: on the body paragraph it tops
    UNPLACED = "unplaced"  # nowhere: its section or paragraph is not in the document


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote, for the status bar, the CLI and the audit log."""

    output: Path
    comments_added: int
    span_anchored: int
    block_anchored: int
    existing_comments: int
    block_anchored_ids: tuple[str, ...] = ()  # finding ids placed on a whole paragraph
    note_anchored_ids: tuple[str, ...] = ()  # finding ids placed on a note's reference mark
    # finding ids about a page header/footer, placed on the body paragraph where it first shows
    header_anchored_ids: tuple[str, ...] = ()
    unplaced_ids: tuple[str, ...] = ()  # finding ids that could not be placed at all
    replacements_applied: int = 0
    replacements_not_applied_ids: tuple[str, ...] = ()  # had a replacement; comment only
    macros_removed: bool = False
    source_format: str = "docx"  # docx | docm | dotx | dotm, from the main part's content type
    warnings: tuple[str, ...] = ()

    @property
    def replacements_not_applied(self) -> int:
        return len(self.replacements_not_applied_ids)
