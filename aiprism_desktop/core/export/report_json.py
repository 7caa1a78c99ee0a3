"""The JSON report: everything about a review, machine-readable.

Document metadata (file name, sha256, warnings), sections, every finding with its decision,
edits (original values) and provenance (origin, model or rule, prompt version, framework,
attempt log when given), the full decision log, statistics, generator version and time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiprism_desktop.core.codec import attempt_to_dict, event_to_dict, finding_to_dict
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.export.docx_model import Placement
from aiprism_desktop.core.export.report_common import (
    GENERATOR_NAME,
    GENERATOR_VERSION,
    REPORT_FORMAT_VERSION,
    AttemptLogs,
    ExportRecord,
    ReportRow,
    SectionProvenance,
    ordered_rows,
    write_text_atomically,
)
from aiprism_desktop.core.findings import utc_now
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.core.statistics import statistics


def _document_json(document: Document) -> dict[str, Any]:
    return {
        "file_name": document.path.name,
        "sha256": document.sha256,
        "title": document.title,
        "source_format": document.source_format,
        "warnings": [{"code": w.code, "message": w.message} for w in document.warnings],
        "existing_comments": len(document.comments),
        "core_properties": dict(document.core_properties),
    }


def _finding_json(row: ReportRow, export: ExportRecord | None) -> dict[str, Any]:
    state = row.state
    finding = state.finding
    data = finding_to_dict(finding)
    placement = export.placement(finding.id) if export is not None else None
    # With an export in the same command, "exported" means a comment was really written (on
    # the quote, a whole paragraph or a note mark: see "placement"); without one it means the
    # finding is accepted and would be exported.
    exported = (
        state.is_exported
        if export is None
        else placement is not None and placement is not Placement.UNPLACED
    )
    data.update(
        {
            "section_title": row.section.title if row.section else None,
            "section_number": row.section_number or None,
            "decision": state.decision.value,
            "reject_reason": state.reason,
            "deleted": state.deleted,
            "exported": exported,
            "placement": placement.value if placement is not None else None,
            "tracked_change": export is not None and finding.id in export.tracked_change_ids,
            "anchored": finding.anchor is not None,
            "origin_kind": finding.origin_kind.value,
            "origin_id": finding.origin_id,
            "edited": state.is_edited,
            "original": finding_to_dict(state.original) if state.is_edited else None,
        }
    )
    return data


def _section_review(provenance: SectionProvenance | None) -> dict[str, str] | None:
    if provenance is None:
        return None
    return {
        "framework_id": provenance.framework_id,
        "model": provenance.model,
        "reviewed_at": provenance.reviewed_at,
    }


def build_json_report(
    document: Document,
    state: ReviewState,
    framework: Framework,
    *,
    attempts: AttemptLogs | None = None,
    generated_at: str | None = None,
    export: ExportRecord | None = None,
    provenance: Mapping[str, SectionProvenance] | None = None,
    run: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The report as a JSON-able dict.

    ``attempts`` and ``provenance`` say how each section was reviewed; ``export`` adds what the
    .docx export of the same command did (summary, and each finding's placement); ``run`` what
    the analysis run of the same session did (counts, where adaptive concurrency settled).
    """
    analyzed = state.analyzed_sections
    reviewed = provenance or {}
    report: dict[str, Any] = {
        "format": "aiprism-review-report",
        "format_version": REPORT_FORMAT_VERSION,
        "generator": {"name": GENERATOR_NAME, "version": GENERATOR_VERSION},
        "generated_at": generated_at or utc_now(),
        "document": _document_json(document),
        "framework": {
            "id": framework.id,
            "name": framework.name,
            "version": framework.version,
            "fingerprint": framework.fingerprint,
        },
        "sections": [
            {
                "id": s.id,
                "number": i,
                "title": s.title,
                "level": s.level,
                "kind": s.kind.value,
                "content_hash": s.content_hash,
                "characters": len(s.text),
                "empty": s.is_empty,
                "analyzed": s.id in analyzed,
                "review": _section_review(reviewed.get(s.id)),
            }
            for i, s in enumerate(document.sections, start=1)
        ],
        "findings": [
            _finding_json(row, export)
            for row in ordered_rows(document, state, include_deleted=True)
        ],
        "decision_log": [event_to_dict(event) for event in state.events],
        "statistics": statistics(state, document).to_dict(),
        "attempts": {
            section_id: [attempt_to_dict(a) for a in log]
            for section_id, log in (attempts or {}).items()
        },
    }
    if export is not None:
        report["export"] = export.to_dict()
    if run is not None:
        report["run"] = dict(run)
    return report


def render_json_report(
    document: Document,
    state: ReviewState,
    framework: Framework,
    *,
    attempts: AttemptLogs | None = None,
    generated_at: str | None = None,
    export: ExportRecord | None = None,
    provenance: Mapping[str, SectionProvenance] | None = None,
    run: Mapping[str, Any] | None = None,
) -> str:
    """The report as JSON text (UTF-8, indented)."""
    report = build_json_report(
        document,
        state,
        framework,
        attempts=attempts,
        generated_at=generated_at,
        export=export,
        provenance=provenance,
        run=run,
    )
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def write_json_report(
    path: Path,
    document: Document,
    state: ReviewState,
    framework: Framework,
    *,
    attempts: AttemptLogs | None = None,
    export: ExportRecord | None = None,
    provenance: Mapping[str, SectionProvenance] | None = None,
    run: Mapping[str, Any] | None = None,
) -> Path:
    """Write the JSON report; ``ExportError`` when it cannot be saved."""
    text = render_json_report(
        document,
        state,
        framework,
        attempts=attempts,
        export=export,
        provenance=provenance,
        run=run,
    )
    return write_text_atomically(path, text)
