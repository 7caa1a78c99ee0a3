"""What the navigator says about a section, long and short."""

from __future__ import annotations

from aiprism_desktop.app.section_status import SectionStatus
from aiprism_desktop.core.findings import Risk


def test_short_labels_fit_a_narrow_column_and_say_what_is_left() -> None:
    risks = ((Risk.HIGH, 1), (Risk.MEDIUM, 2), (Risk.LOW, 0))
    reviewed = SectionStatus("reviewed", findings=3, pending=2, by_risk=risks)
    assert reviewed.short_label == "2 of 3 to decide"
    assert reviewed.label == "3 findings (1 high, 2 medium); 2 to decide"
    assert SectionStatus("decided", findings=3, pending=0).short_label == "all 3 decided"
    assert SectionStatus("reviewed").short_label == "no findings"
    one = SectionStatus("reviewed", findings=1, pending=1, by_risk=((Risk.LOW, 1),))
    assert one.label == "1 finding (1 low); 1 to decide"
    assert SectionStatus("analyzing", model="Opus 4.5").short_label == "analyzing: Opus 4.5"
    failed = SectionStatus("failed", error="Every model failed.")
    assert (failed.short_label, failed.label) == ("failed", "failed: Every model failed.")
    assert SectionStatus("queued").short_label == "queued"
