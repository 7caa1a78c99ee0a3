"""What the JSON, CSV and Markdown reports share: finding order, labels, atomic file writes."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiprism_desktop import __version__
from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.errors import ExportError
from aiprism_desktop.core.export.docx_model import ExportSummary, Placement
from aiprism_desktop.core.findings import Decision, Finding
from aiprism_desktop.core.review import FindingState, ReviewState
from aiprism_desktop.core.reviewer import Attempt

GENERATOR_NAME = "AI-Prism Desktop"
GENERATOR_VERSION = __version__
REPORT_FORMAT_VERSION = 1

# Section id -> the attempt log of that section's last analysis (as the engine returned it).
AttemptLogs = Mapping[str, Sequence[Attempt]]

DECISION_MARKS = {
    Decision.ACCEPTED: "✅ Accepted",
    Decision.REJECTED: "❌ Rejected",
    Decision.PENDING: "⏳ Pending",
}


@dataclass(frozen=True, slots=True)
class SectionProvenance:
    """How a section was last reviewed, as the reports show it."""

    framework_id: str
    model: str
    reviewed_at: str


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """What the .docx export written in the same command did with each finding."""

    summary: ExportSummary
    placements: Mapping[str, Placement]  # finding id -> where its comment went
    tracked_change_ids: frozenset[str]  # findings whose rewrite became a tracked change

    @classmethod
    def of(
        cls, summary: ExportSummary, exported: Sequence[Finding], *, tracked_changes: bool
    ) -> ExportRecord:
        """Per-finding placement from the summary of exporting ``exported``."""
        special = {
            **dict.fromkeys(summary.block_anchored_ids, Placement.BLOCK),
            **dict.fromkeys(summary.note_anchored_ids, Placement.NOTE_REFERENCE),
            **dict.fromkeys(summary.header_anchored_ids, Placement.HEADER_HOST),
            **dict.fromkeys(summary.unplaced_ids, Placement.UNPLACED),
        }
        placements = {f.id: special.get(f.id, Placement.SPAN) for f in exported}
        not_applied = set(summary.replacements_not_applied_ids)
        tracked = frozenset(
            f.id
            for f in exported
            if tracked_changes
            and f.replacement is not None
            and f.id not in not_applied
            and placements[f.id] is not Placement.UNPLACED
        )
        return cls(summary, placements, tracked)

    def placement(self, finding_id: str) -> Placement | None:
        """Where the finding's comment went; None when it was not exported."""
        return self.placements.get(finding_id)

    def to_dict(self) -> dict[str, object]:
        """The export summary for the JSON report."""
        by_kind: dict[Placement, list[str]] = {kind: [] for kind in Placement}
        for finding_id, kind in self.placements.items():
            by_kind[kind].append(finding_id)
        summary = self.summary
        return {
            "output": summary.output.name,
            "comments_added": summary.comments_added,
            "span_anchored_ids": by_kind[Placement.SPAN],
            "block_anchored_ids": by_kind[Placement.BLOCK],
            "note_anchored_ids": by_kind[Placement.NOTE_REFERENCE],
            "header_anchored_ids": by_kind[Placement.HEADER_HOST],
            "unplaced_ids": by_kind[Placement.UNPLACED],
            "tracked_changes_applied": summary.replacements_applied,
            "tracked_change_ids": sorted(self.tracked_change_ids),
            "replacements_not_applied_ids": list(summary.replacements_not_applied_ids),
            "macros_removed": summary.macros_removed,
            "warnings": list(summary.warnings),
        }


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One finding in document order, with where its section is."""

    state: FindingState
    section: Section | None  # None when the section is not in the document any more
    section_number: int  # 1-based position in the document; 0 when unknown


def ordered_rows(
    document: Document, state: ReviewState, *, include_deleted: bool
) -> tuple[ReportRow, ...]:
    """Findings grouped by document section order, in review order within a section."""
    position = {s.id: i for i, s in enumerate(document.sections)}
    states = state.finding_states(include_deleted=include_deleted)
    ranked = sorted(
        enumerate(states),
        key=lambda item: (position.get(item[1].finding.section_id, len(position)), item[0]),
    )
    rows = []
    for _, finding_state in ranked:
        index = position.get(finding_state.finding.section_id)
        rows.append(
            ReportRow(
                state=finding_state,
                section=document.sections[index] if index is not None else None,
                section_number=index + 1 if index is not None else 0,
            )
        )
    return tuple(rows)


def write_text_atomically(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` via a temporary file, so a failure never leaves half a
    report; ``ExportError`` with a reviewer-facing message when it cannot be written.

    Missing parent folders are created and the file gets mode 0666 filtered by the umask,
    exactly like the reviewed .docx (``package_writer``): reports are documents the user shares
    alongside it, so both get the permissions of any file the user saves.
    """
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"The report cannot be saved as {path}: that is a folder.")
    temp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(descriptor, "w", encoding=encoding, newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
    except OSError as exc:
        raise ExportError(
            f"The report could not be saved to {path}. Check that you may write to that folder.",
            detail=str(exc),
        ) from exc
    return path
