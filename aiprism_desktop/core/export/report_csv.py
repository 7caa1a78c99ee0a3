"""The CSV report: one row per finding (deleted reviewer comments left out).

Cells that a spreadsheet would run as a formula (starting with = + - @, or a tab / carriage
return) are prefixed with a single quote, so opening the file never executes model text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.export.report_common import (
    ExportRecord,
    ReportRow,
    ordered_rows,
    write_text_atomically,
)
from aiprism_desktop.core.review import ReviewState

CSV_COLUMNS = (
    "finding_id",
    "section_number",
    "section_title",
    "decision",
    "reject_reason",
    "type",
    "risk",
    "category",
    "description",
    "suggestion",
    "example",
    "questions",
    "quote",
    "replacement",
    "anchored",
    "origin",
    "author",
    "confidence",
    "framework_refs",
    "edited",
    "prompt_version",
    "created_at",
    "placement",  # where the export of the same command put the comment (blank: no export)
    "tracked_change",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell value that spreadsheets show as text, never evaluate."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _row(row: ReportRow, export: ExportRecord | None) -> list[str]:
    finding = row.state.finding
    placement = export.placement(finding.id) if export is not None else None
    tracked = "" if export is None else "yes" if finding.id in export.tracked_change_ids else "no"
    values = [
        finding.id,
        str(row.section_number) if row.section_number else "",
        row.section.title if row.section else "",
        row.state.decision.value,
        row.state.reason,
        finding.type.value,
        finding.risk.value,
        finding.category,
        finding.description,
        finding.suggestion,
        finding.example,
        " | ".join(finding.questions),
        finding.quote,
        finding.replacement or "",
        "yes" if finding.anchor is not None else "no",
        finding.origin,
        finding.author,
        f"{finding.confidence:.2f}",
        " ".join(str(ref) for ref in finding.framework_refs),
        "yes" if row.state.is_edited else "no",
        finding.prompt_version,
        finding.created_at,
        placement.value if placement is not None else "",
        tracked,
    ]
    return [safe_cell(v) for v in values]


def render_csv_report(
    document: Document, state: ReviewState, *, export: ExportRecord | None = None
) -> str:
    """The CSV text (header row first; RFC 4180 quoting; CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for row in ordered_rows(document, state, include_deleted=False):
        writer.writerow(_row(row, export))
    return buffer.getvalue()


def write_csv_report(
    path: Path, document: Document, state: ReviewState, *, export: ExportRecord | None = None
) -> Path:
    """Write the CSV report (UTF-8 with a byte-order mark, which Excel needs to read UTF-8)."""
    text = render_csv_report(document, state, export=export)
    return write_text_atomically(path, text, encoding="utf-8-sig")
