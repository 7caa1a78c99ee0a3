"""What a section's entry in the navigator says: not analysed, queued, analysing (which model),
N findings by risk, all decided, or failed (why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from aiprism_desktop.core.errors import AIPrismError
from aiprism_desktop.core.findings import Decision, Risk
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.core.reviewer import Attempt

StatusKind = Literal["not_analyzed", "queued", "analyzing", "reviewed", "decided", "failed"]


@dataclass(slots=True)
class SectionActivity:
    """What is happening to a section in this session (not stored: the store has the rest)."""

    kind: Literal["analyzing", "queued", "failed"]
    model: str = ""  # the model being called now
    error: AIPrismError | None = None
    attempts: tuple[Attempt, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class SectionStatus:
    """A section's state as a reviewer sees it."""

    kind: StatusKind
    findings: int = 0
    pending: int = 0
    by_risk: tuple[tuple[Risk, int], ...] = ()
    model: str = ""  # analysing: the model being tried now
    error: str = ""  # failed / queued: why

    @property
    def short_label(self) -> str:
        """A few words for a narrow column (the full ``label`` goes in the tooltip)."""
        if self.kind == "analyzing":
            return f"analyzing: {self.model}" if self.model else "analyzing"
        if self.kind in ("not_analyzed", "queued", "failed"):
            return {"not_analyzed": "not analyzed", "queued": "queued", "failed": "failed"}[
                self.kind
            ]
        if self.findings == 0:
            return "no findings"
        if self.pending == 0:
            return f"all {self.findings} decided"
        return f"{self.pending} of {self.findings} to decide"

    @property
    def label(self) -> str:
        """A short text for the navigator."""
        if self.kind == "not_analyzed":
            return "not analyzed"
        if self.kind == "queued":
            return "queued (provider unreachable)"
        if self.kind == "analyzing":
            return f"analyzing ({self.model})" if self.model else "analyzing"
        if self.kind == "failed":
            return f"failed: {self.error}"
        if self.findings == 0:
            return "no findings"
        risks = ", ".join(f"{count} {risk.value}" for risk, count in self.by_risk if count)
        decided = "all decided" if self.pending == 0 else f"{self.pending} to decide"
        plural = "" if self.findings == 1 else "s"
        return f"{self.findings} finding{plural} ({risks}); {decided}"


def section_status(
    state: ReviewState, section_id: str, activity: SectionActivity | None
) -> SectionStatus:
    """The status of one section from the review and what is happening to it now."""
    if activity is not None and activity.kind == "analyzing":
        return SectionStatus("analyzing", model=activity.model)
    if activity is not None and activity.kind in ("queued", "failed"):
        error = activity.error.message if activity.error else ""
        return SectionStatus(activity.kind, error=error)
    if section_id not in state.analyzed_sections:
        return SectionStatus("not_analyzed")
    items = state.findings_in(section_id)
    pending = sum(1 for s in items if s.decision is Decision.PENDING)
    risks = tuple((risk, sum(1 for s in items if s.finding.risk is risk)) for risk in Risk)
    kind: StatusKind = "decided" if items and pending == 0 else "reviewed"
    return SectionStatus(kind, findings=len(items), pending=pending, by_risk=risks)
