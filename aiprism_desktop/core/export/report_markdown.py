"""The Markdown report: a readable summary with statistics and findings grouped by section.

All document and model text is escaped, so a finding cannot inject markup, links or HTML into
the rendered report. Deleted reviewer comments are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.export.report_common import (
    DECISION_MARKS,
    GENERATOR_NAME,
    GENERATOR_VERSION,
    ReportRow,
    ordered_rows,
    write_text_atomically,
)
from aiprism_desktop.core.findings import utc_now
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.core.statistics import ReviewStatistics, statistics
from aiprism_desktop.core.text_clean import path_text

# Characters with a meaning inside a line (all report text follows a list/table/heading prefix,
# so line-start markers such as "-" or "1." cannot trigger).
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape_inline(text: str) -> str:
    """Text safe for one line of Markdown: special characters escaped, HTML neutralized."""
    flat = " ".join(text.split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;")
    return _SPECIAL.sub(r"\\\1", flat)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _table(header: tuple[str, str], counts: Mapping[str, int]) -> list[str]:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---:|"]
    lines += [f"| {escape_inline(key)} | {value} |" for key, value in counts.items()]
    if not counts:
        lines.append("| (none) | 0 |")
    return lines


def _summary(stats: ReviewStatistics) -> list[str]:
    return [
        "## Summary",
        "",
        "| Measure | Value |",
        "|---|---:|",
        f"| Findings | {stats.total} |",
        f"| Accepted | {stats.accepted} |",
        f"| Rejected | {stats.rejected} |",
        f"| Pending | {stats.pending} |",
        f"| Reviewer comments | {stats.reviewer_comments} |",
        f"| Edited | {stats.edited} |",
        f"| Acceptance rate (AI and rule findings) | {_percent(stats.acceptance_rate)} |",
        f"| Sections analyzed | {stats.sections_analyzed} / {stats.sections_total} |",
        f"| Sections fully decided | {stats.sections_fully_decided} / {stats.sections_total} |",
    ]


def _finding_lines(row: ReportRow, framework: Framework) -> list[str]:
    state = row.state
    f = state.finding
    head = (
        f"- {DECISION_MARKS[state.decision]} · **{f.type.value}** · {f.risk.value} risk · "
        f"{escape_inline(f.category)} — {escape_inline(f.description)}"
    )
    lines = [head]
    if f.quote:
        anchored = "" if f.anchor is not None else " (not found in the text)"
        lines.append(f"  - Quote{anchored}: “{escape_inline(f.quote)}”")
    if f.suggestion:
        lines.append(f"  - Suggestion: {escape_inline(f.suggestion)}")
    if f.replacement:
        lines.append(f"  - Proposed text: “{escape_inline(f.replacement)}”")
    lines += [f"  - Question: {escape_inline(q)}" for q in f.questions]
    refs = ", ".join(_ref_label(framework, n) for n in f.framework_refs)
    origin = "reviewer " + escape_inline(f.author) if f.origin == "reviewer" else f.origin
    details = [f"origin {escape_inline(origin)}", f"confidence {f.confidence:.2f}"]
    if refs:
        details.insert(0, refs)
    if state.is_edited:
        details.append("edited by the reviewer")
    lines.append("  - " + " · ".join(details))
    if state.reason:
        lines.append(f"  - Reject reason: {escape_inline(state.reason)}")
    return lines


def _ref_label(framework: Framework, number: int) -> str:
    try:
        return f"#{number} {escape_inline(framework.point(number).title)}"
    except KeyError:
        return f"#{number}"


def _section_table(stats: ReviewStatistics) -> list[str]:
    lines = [
        "### By section",
        "",
        "| # | Section | Analyzed | Findings | Accepted | Rejected | Pending |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for number, s in enumerate(stats.sections, start=1):
        lines.append(
            f"| {number} | {escape_inline(s.title)} | {'yes' if s.analyzed else 'no'} | "
            f"{s.findings} | {s.accepted} | {s.rejected} | {s.pending} |"
        )
    return lines


def _sections(
    document: Document, rows: Iterable[ReportRow], framework: Framework, analyzed: frozenset[str]
) -> list[str]:
    by_section: dict[str, list[ReportRow]] = {}
    for row in rows:
        by_section.setdefault(row.state.finding.section_id, []).append(row)
    lines = ["## Findings by section"]
    for number, section in enumerate(document.sections, start=1):
        found = by_section.get(section.id, [])
        lines += ["", f"### {number}. {escape_inline(section.title)}", ""]
        if not found:
            lines.append("_No findings._" if section.id in analyzed else "_Not analyzed._")
        for row in found:
            lines += _finding_lines(row, framework)
    return lines


def render_markdown_report(
    document: Document,
    state: ReviewState,
    framework: Framework,
    *,
    generated_at: str | None = None,
) -> str:
    """The Markdown text."""
    stats = statistics(state, document)
    rows = ordered_rows(document, state, include_deleted=False)
    file_name = path_text(document.path.name)
    lines = [
        f"# Review report: {escape_inline(document.title or file_name)}",
        "",
        f"- Document: `{file_name.replace('`', '')}` (SHA-256 `{document.sha256}`)",
        f"- Framework: {escape_inline(framework.name)} "
        f"(version {escape_inline(framework.version)})",
        f"- Generated {generated_at or utc_now()} by {GENERATOR_NAME} {GENERATOR_VERSION}",
    ]
    if document.warnings:
        lines += ["", "Warnings:"] + [f"- {escape_inline(w.message)}" for w in document.warnings]
    lines += ["", *_summary(stats)]
    for title, header, counts in (
        ("By risk", "Risk", stats.by_risk),
        ("By type", "Type", stats.by_type),
        ("By category", "Category", stats.by_category),
        ("By origin", "Origin", stats.by_origin),
    ):
        lines += ["", f"### {title}", "", *_table((header, "Findings"), counts)]
    lines += ["", *_section_table(stats)]
    lines += ["", *_sections(document, rows, framework, state.analyzed_sections)]
    return "\n".join(lines) + "\n"


def write_markdown_report(
    path: Path, document: Document, state: ReviewState, framework: Framework
) -> Path:
    """Write the Markdown report; ``ExportError`` when it cannot be saved."""
    return write_text_atomically(path, render_markdown_report(document, state, framework))
