"""The text and author of the Word comment written for a finding.

Layout (one line per paragraph of the comment)::

    [CRITICAL · High risk] Evidence
    The timeline does not say when the alarm was raised.
    Suggestion: Add the time the alarm was raised.
    Questions:
    1. Who raised the alarm?
    Framework: Hawkeye #11 Root Cause Analysis; Hawkeye #3 Timeline
    Origin: model anthropic.claude-sonnet-4 (AI-Prism)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from aiprism_desktop.core.export.docx_model import ExportItem
from aiprism_desktop.core.findings import Finding, OriginKind
from aiprism_desktop.core.frameworks import Framework

AI_AUTHOR = "AI-Prism"
DEFAULT_REVIEWER = "Reviewer"

# (framework id, point number) -> point title, or None when unknown.
FrameworkTitleLookup = Callable[[str, int], str | None]


def titles_from_frameworks(frameworks: Iterable[Framework]) -> FrameworkTitleLookup:
    """A lookup over loaded frameworks, for ``format_comment_text``."""
    titles = {(fw.id, point.number): point.title for fw in frameworks for point in fw.points}

    def lookup(framework_id: str, number: int) -> str | None:
        return titles.get((framework_id, number))

    return lookup


def framework_label(framework_id: str) -> str:
    """Short name shown before a point number: "hawkeye" → "Hawkeye"."""
    label = framework_id.replace("_", " ").replace("-", " ").strip()
    return label[:1].upper() + label[1:] if label else "Framework"


def comment_author(finding: Finding) -> str:
    """ "AI-Prism" for model and rule findings; the reviewer's own name for their comments."""
    if finding.origin_kind is OriginKind.REVIEWER:
        return finding.author.strip() or DEFAULT_REVIEWER
    return AI_AUTHOR


def _origin_line(finding: Finding) -> str:
    kind = finding.origin_kind
    if kind is OriginKind.MODEL:
        return f"Origin: model {finding.origin_id} ({AI_AUTHOR})"
    if kind is OriginKind.RULE:
        return f"Origin: rule {finding.origin_id} ({AI_AUTHOR})"
    return "Origin: reviewer"


def format_comment_text(
    finding: Finding, framework_title_lookup: FrameworkTitleLookup | None = None
) -> str:
    """The comment body for a finding; lines become paragraphs of the Word comment."""
    heading = f"[{finding.type.value.upper()} · {finding.risk.value.capitalize()} risk]"
    if finding.category.strip():
        heading += f" {finding.category.strip()}"
    lines = [heading]
    if finding.description.strip():
        lines.append(finding.description.strip())
    if finding.suggestion.strip():
        lines.append(f"Suggestion: {finding.suggestion.strip()}")
    if finding.replacement:
        lines.append(f"Suggested wording: {finding.replacement.strip()}")
    questions = [q.strip() for q in finding.questions if q.strip()]
    if questions:
        lines.append("Questions:")
        lines.extend(f"{number}. {question}" for number, question in enumerate(questions, 1))
    if finding.framework_refs:
        label = framework_label(finding.framework_id)
        refs = []
        for number in finding.framework_refs:
            title = (
                framework_title_lookup(finding.framework_id, number)
                if framework_title_lookup
                else None
            )
            refs.append(f"{label} #{number} {title}" if title else f"{label} #{number}")
        lines.append("Framework: " + "; ".join(refs))
    lines.append(_origin_line(finding))
    return "\n".join(lines)


def export_items(
    findings: Sequence[Finding], framework_title_lookup: FrameworkTitleLookup | None = None
) -> list[ExportItem]:
    """Export items for accepted findings, with the standard author and comment text."""
    return [
        ExportItem(
            finding, comment_author(finding), format_comment_text(finding, framework_title_lookup)
        )
        for finding in findings
    ]
