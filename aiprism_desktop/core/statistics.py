"""Review statistics computed from the review state (never stored, so they cannot drift).

Counts cover live findings that are not deleted: findings a re-analysis removed do not count,
and each finding has exactly one decision, so accepted + rejected + pending = total and the
acceptance rate (accepted / decided AI and rule findings) can never exceed 100 %.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.findings import Decision, OriginKind
from aiprism_desktop.core.review import FindingState, ReviewState


@dataclass(frozen=True, slots=True)
class SectionStatistics:
    """Decisions in one section."""

    section_id: str
    title: str
    analyzed: bool
    findings: int
    accepted: int
    rejected: int
    pending: int

    @property
    def fully_decided(self) -> bool:
        """Analyzed, and no finding is waiting for a decision."""
        return self.analyzed and self.pending == 0


@dataclass(frozen=True, slots=True)
class ReviewStatistics:
    """Counts, rates and coverage of a review."""

    total: int
    accepted: int
    rejected: int
    pending: int
    reviewer_comments: int
    edited: int
    by_risk: dict[str, int]
    by_type: dict[str, int]
    by_category: dict[str, int]
    by_origin: dict[str, int]  # "model:<id>", "rule:<id>", "reviewer"
    by_decision: dict[str, int]
    sections: tuple[SectionStatistics, ...]
    ai_accepted: int  # AI/rule findings only: the acceptance rate's numerator
    ai_decided: int

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted / decided AI and rule findings; None when none is decided yet."""
        return self.ai_accepted / self.ai_decided if self.ai_decided else None

    @property
    def sections_total(self) -> int:
        """Number of sections in the document."""
        return len(self.sections)

    @property
    def sections_analyzed(self) -> int:
        """Sections that have been reviewed."""
        return sum(1 for s in self.sections if s.analyzed)

    @property
    def sections_fully_decided(self) -> int:
        """Analyzed sections with no pending finding."""
        return sum(1 for s in self.sections if s.fully_decided)

    @property
    def analysis_coverage(self) -> float:
        """Sections analyzed / total (1.0 for a document without sections)."""
        return self.sections_analyzed / self.sections_total if self.sections_total else 1.0

    @property
    def decision_coverage(self) -> float:
        """Sections fully decided / total (1.0 for a document without sections)."""
        return self.sections_fully_decided / self.sections_total if self.sections_total else 1.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (reports, CLI --json, backend sync)."""
        return {
            "total": self.total,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "pending": self.pending,
            "reviewer_comments": self.reviewer_comments,
            "edited": self.edited,
            "acceptance_rate": self.acceptance_rate,
            "sections_total": self.sections_total,
            "sections_analyzed": self.sections_analyzed,
            "sections_fully_decided": self.sections_fully_decided,
            "analysis_coverage": self.analysis_coverage,
            "decision_coverage": self.decision_coverage,
            "by_risk": dict(self.by_risk),
            "by_type": dict(self.by_type),
            "by_category": dict(self.by_category),
            "by_origin": dict(self.by_origin),
            "by_decision": dict(self.by_decision),
            "sections": [
                {
                    "section_id": s.section_id,
                    "title": s.title,
                    "analyzed": s.analyzed,
                    "findings": s.findings,
                    "accepted": s.accepted,
                    "rejected": s.rejected,
                    "pending": s.pending,
                    "fully_decided": s.fully_decided,
                }
                for s in self.sections
            ],
        }


def _section_statistics(
    document: Document, states: tuple[FindingState, ...], analyzed: frozenset[str]
) -> tuple[SectionStatistics, ...]:
    per_section: dict[str, Counter[Decision]] = {}
    for state in states:
        per_section.setdefault(state.finding.section_id, Counter())[state.decision] += 1
    rows = []
    for section in document.sections:
        counts = per_section.get(section.id, Counter())
        rows.append(
            SectionStatistics(
                section_id=section.id,
                title=section.title,
                analyzed=section.id in analyzed,
                findings=sum(counts.values()),
                accepted=counts[Decision.ACCEPTED],
                rejected=counts[Decision.REJECTED],
                pending=counts[Decision.PENDING],
            )
        )
    return tuple(rows)


def _counts(values: list[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def statistics(state: ReviewState, document: Document) -> ReviewStatistics:
    """Statistics of a review of ``document``."""
    states = state.finding_states()
    decisions = Counter(s.decision for s in states)
    ai = [s for s in states if not s.is_reviewer_comment]
    ai_accepted = sum(1 for s in ai if s.decision is Decision.ACCEPTED)
    ai_rejected = sum(1 for s in ai if s.decision is Decision.REJECTED)
    return ReviewStatistics(
        total=len(states),
        accepted=decisions[Decision.ACCEPTED],
        rejected=decisions[Decision.REJECTED],
        pending=decisions[Decision.PENDING],
        reviewer_comments=sum(1 for s in states if s.is_reviewer_comment),
        edited=sum(1 for s in states if s.is_edited),
        by_risk=_counts([s.finding.risk.value for s in states]),
        by_type=_counts([s.finding.type.value for s in states]),
        by_category=_counts([s.finding.category for s in states]),
        by_origin=_counts(
            [
                OriginKind.REVIEWER.value if s.is_reviewer_comment else s.finding.origin
                for s in states
            ]
        ),
        by_decision={d.value: decisions[d] for d in Decision},
        sections=_section_statistics(document, states, state.analyzed_sections),
        ai_accepted=ai_accepted,
        ai_decided=ai_accepted + ai_rejected,
    )
