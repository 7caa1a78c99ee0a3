"""Hostile input for the offline reviewer: work grows linearly with the text, a rule out of
time is skipped and reported, cancelling stops the worker, and random text never breaks a rule.

Growth is asserted as a ratio of CPU time (the review runs in this thread, measured with
``time.thread_time``, so other processes on the machine do not distort it), never as a wall
time: quadratic code grows 64x when the input grows 8x; linear code about 8x.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.errors import ReviewCancelledError
from aiprism_desktop.providers.offline import reviewer as reviewer_module
from aiprism_desktop.providers.offline.reviewer import OfflineReviewer
from aiprism_desktop.providers.offline.rules.context import CheckKind, Hit, SectionContext
from tests.support.rule_docs import Bullet, make_doc, request_for, table

_SENTENCES = (
    "The outage began at 14:05 UTC on 3 March 2025 and lasted about two hours.",
    "Several customers were affected; 1,200 orders failed between 14:05 and 16:10.",
    "It appears the change was approved without a second review (see the Timeline section).",
    "The on-call engineer rolled back v1.9.1 on Friday, 7 March 2025 at 9:30 PM.",
    "In total 57 jobs failed: 31 presubmits and 16 periodic jobs.",
    "TBD: the root cause was human error by an operator, e.g. a typo in the GKE config.",
    "Dr. Smith noticed it at 3 p.m.; the SLA was breached for 47 minutes.",
)
_TITLES = ("Summary", "Timeline", "Impact", "Root Cause", "Action Items", "Appendix")


def _paragraph(chars: int, seed: int) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        sentence = rng.choice(_SENTENCES)
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)


def _one_paragraph(chars: int, seed: int = 1) -> Document:
    return make_doc(("Appendix", [_paragraph(chars, seed)]), ("Summary", ["A short summary."]))


def _many_paragraphs(chars: int, seed: int = 1) -> Document:
    rng = random.Random(seed)
    sections: list[tuple[str, list[Any]]] = []
    per_section = max(chars // len(_TITLES), 600)
    for number in range(len(_TITLES)):
        paragraphs: list[Any] = [
            _paragraph(rng.randint(200, 800), rng.randint(0, 10**6))
            for _ in range(max(per_section // 500, 1))
        ]
        paragraphs.append(Bullet("Retrain the team on rollbacks."))
        sections.append((f"{_TITLES[number]} {number}", paragraphs))
    return make_doc(*sections)


def _review_cpu_seconds(reviewer: OfflineReviewer, document: Document) -> float:
    """CPU time of this thread reviewing every section (synchronously, no event loop)."""
    started = time.thread_time()
    for section in document.sections:
        reviewer._review(request_for(document, section.title), threading.Event())
    return time.thread_time() - started


def _growth(build: Callable[[int, int], Document], small: int, large: int) -> float:
    reviewer = OfflineReviewer()
    _review_cpu_seconds(reviewer, build(small, 99))  # warm caches (rule pack, dateutil)
    ratios = []
    for seed in range(3):
        low = _review_cpu_seconds(reviewer, build(small, seed))
        high = _review_cpu_seconds(reviewer, build(large, seed))
        ratios.append(high / max(low, 1e-4))
    return statistics.median(ratios)


@pytest.fixture
def generous_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # Measure the algorithm, not the skip: no rule may run out of time here.
    monkeypatch.setattr(reviewer_module, "RULE_BUDGET_SECONDS", 600.0)


@pytest.mark.slow
@pytest.mark.usefixtures("generous_budget")
def test_one_long_paragraph_grows_linearly() -> None:
    # 8x the text: linear code takes about 8x, quadratic code 64x.
    assert _growth(_one_paragraph, 16_000, 128_000) < 16


@pytest.mark.slow
@pytest.mark.usefixtures("generous_budget")
def test_many_paragraphs_grow_linearly() -> None:
    assert _growth(_many_paragraphs, 16_000, 128_000) < 16


@pytest.mark.slow
@pytest.mark.usefixtures("generous_budget")
def test_a_one_megabyte_paragraph_is_reviewed_in_bounded_time() -> None:
    reviewer = OfflineReviewer()
    base = _review_cpu_seconds(reviewer, _one_paragraph(10_000))
    big = _review_cpu_seconds(reviewer, _one_paragraph(1_000_000))
    assert big < base * 100 * 2  # 100x the text, at most twice the linear cost


def test_a_rule_out_of_time_is_skipped_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reviewer_module, "RULE_BUDGET_SECONDS", 1e-9)
    document = _one_paragraph(50_000)
    result = asyncio.run(OfflineReviewer().review_section(request_for(document, "Appendix")))
    message = result.attempts[0].message
    assert "was not checked" in message
    assert "time budget" in message


# --- the event loop and cancellation ------------------------------------------------------------


class _Gate:
    """A check that waits, in the worker thread, for the event loop to open a gate."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.blocks_seen = 0
        self.thread: threading.Thread | None = None

    def kind(self) -> CheckKind[None]:
        def run(_params: None, ctx: SectionContext) -> Iterable[Hit]:
            self.thread = threading.current_thread()
            for _ in ctx.walk(list(range(100_000))):
                self.blocks_seen += 1
                if self.opened.wait(timeout=0.01) or self.blocks_seen > 2_000:
                    return
            yield Hit(None)  # never reached: a generator, like every check

        def prepare(_params: Mapping[str, Any]) -> None:
            return None

        return CheckKind("gate", {"type": "object"}, frozenset(), prepare, run)


_GATE_PACK = """
rules:
  - id: gate
    title: Waits for the loop
    kind: gate
    type: suggestion
    risk: low
    category: Clarity
    framework_refs: [17]
    description: Never fires.
"""


def test_rules_run_off_the_event_loop(tmp_path: Any) -> None:
    (tmp_path / "gate.yaml").write_text(_GATE_PACK, encoding="utf-8")
    gate = _Gate()
    reviewer = OfflineReviewer(rules_dir=tmp_path, extra_kinds={"gate": gate.kind()})
    document = make_doc(("Summary", ["Short."]))

    async def scenario() -> None:
        review = asyncio.create_task(reviewer.review_section(request_for(document, "Summary")))
        await asyncio.sleep(0.05)  # the loop runs while the rule waits in its thread
        gate.opened.set()
        await asyncio.wait_for(review, timeout=30)

    asyncio.run(scenario())
    assert gate.thread is not None
    assert gate.thread is not threading.main_thread()
    assert gate.blocks_seen < 2_000  # it finished because the loop opened the gate


def test_cancelling_stops_the_worker_at_the_next_block(tmp_path: Any) -> None:
    (tmp_path / "gate.yaml").write_text(_GATE_PACK, encoding="utf-8")
    gate = _Gate()
    reviewer = OfflineReviewer(rules_dir=tmp_path, extra_kinds={"gate": gate.kind()})
    document = make_doc(("Summary", ["Short."]))

    async def scenario() -> int:
        review = asyncio.create_task(reviewer.review_section(request_for(document, "Summary")))
        await asyncio.sleep(0.2)
        review.cancel()
        with pytest.raises(asyncio.CancelledError):
            await review
        seen = gate.blocks_seen
        await asyncio.sleep(0.2)
        return gate.blocks_seen - seen

    assert asyncio.run(scenario()) <= 1  # at most the block in progress
    # The same cancellation, seen from the worker, is a stable error code.
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(ReviewCancelledError):
        reviewer._review(request_for(document, "Summary"), cancelled)


# --- random text --------------------------------------------------------------------------------

_TOKENS = st.sampled_from(
    [
        "March",
        "May 5",
        "2019-02-30",
        "13/13/2025",
        "25:99",
        "12:30 PM",
        "[03-26 23:04]",
        "from 10:00 to 09:00",
        "about two hours",
        "~1hr",
        "in total",
        "section",
        "Appendix Z",
        "TBD",
        "???",
        "v1.2.3",
        "#12345",
        "CVE-2019-0001",
        "Friday,",
        "was approved",
        "Several",
        "ABCDEF",
        "e.g.",
        "İstanbul",
        "\u00a0",
        "\n",
        "|",
        "(",
        ")",
        "1,2,3",
        "999999999999999999999 jobs",
    ]
)
_TEXT = st.lists(st.one_of(_TOKENS, st.text(max_size=12)), max_size=40).map(" ".join)
_SECTION = st.tuples(
    st.sampled_from(["Summary", "Timeline", "Impact", "Root Cause", "Action Items", "Other"]),
    st.lists(
        st.one_of(
            _TEXT,
            _TEXT.map(Bullet),
            st.lists(st.lists(_TEXT, min_size=2, max_size=3), min_size=1, max_size=3).map(
                lambda rows: table(*[list(r) for r in rows])
            ),
        ),
        max_size=5,
    ),
)
_REVIEWER = OfflineReviewer()


@settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_SECTION, min_size=1, max_size=4))
def test_every_rule_survives_random_text(sections: list[tuple[str, list[Any]]]) -> None:
    titled = [(f"{title} {i}", items) for i, (title, items) in enumerate(sections)]
    document = make_doc(*titled)
    for section in document.sections:
        result = _REVIEWER._review(request_for(document, section.title), threading.Event())
        texts = [block.text for block in section.blocks]
        for draft in result.drafts:
            assert not draft.quote or any(draft.quote in text for text in texts), draft
        quotes = [d.quote for d in result.drafts if d.quote]
        assert len(quotes) == len(set(quotes))  # never the same quote twice in a section
