"""The evaluation set (``bench/quality``): its truth files apply to the published texts, and the
offline reviewer keeps its recall and precision on it (the figures ``bench.quality`` prints)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from aiprism_desktop.providers.offline.reviewer import OfflineReviewer
from bench.postmortems import KIND_RULES, load_postmortems
from bench.quality import DENSITY_TARGET, KIND_RECALL_TARGET, RECALL_TARGET, evaluate


def test_truth_files_apply_to_their_sources() -> None:
    postmortems = load_postmortems()  # raises when an edit or an anchor does not fit
    assert len(postmortems) >= 8
    assert Counter(p.split for p in postmortems) == {"dev": 5, "holdout": 5}
    for item in postmortems:
        assert 5 <= len(item.defects) <= 8, item.name
        assert item.planted != item.clean
        assert {d.kind for d in item.defects} <= set(KIND_RULES)


@pytest.mark.slow
def test_recall_and_precision_on_published_postmortems(tmp_path: Path) -> None:
    tally = evaluate(OfflineReviewer(), load_postmortems(), tmp_path)
    assert sum(tally.hits.values()) / sum(tally.totals.values()) >= RECALL_TARGET
    for kind, total in tally.totals.items():
        assert tally.hits[kind] / total >= KIND_RECALL_TARGET, kind
    assert len(tally.clean) / tally.words * 1000 <= DENSITY_TARGET
    assert tally.repeated_clean == 0
    assert tally.repeated_planted == 0
