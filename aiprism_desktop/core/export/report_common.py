"""What the JSON, CSV and Markdown reports share: finding order, labels, atomic file writes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiprism_desktop import __version__
from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.errors import ExportError
from aiprism_desktop.core.findings import Decision
from aiprism_desktop.core.review import FindingState, ReviewState
from aiprism_desktop.providers.base import Attempt

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
    report; ``ExportError`` with a reviewer-facing message when it cannot be written."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ExportError(f"The report cannot be saved as {path}: that is a folder.")
        descriptor, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        try:
            with os.fdopen(descriptor, "w", encoding=encoding, newline="") as handle:
                handle.write(text)
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ExportError(
            f"The report could not be saved to {path}. Check that the folder exists and that "
            "you may write to it.",
            detail=str(exc),
        ) from exc
    return path
