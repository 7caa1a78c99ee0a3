"""The fact rules: each fires on a document that contradicts itself, quoting one place and naming
the other, and stays silent on the consistent version; facts are extracted once per review."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

import pytest

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.prompts import build_review_prompt
from aiprism_desktop.core.reviewer import SectionReviewRequest
from aiprism_desktop.providers.offline.facts import common, extract, scan
from aiprism_desktop.providers.offline.reviewer import OfflineReviewer
from tests.support.rule_docs import Bullet, Item, by_rule, hawkeye, make_doc, review, table

Case = tuple[str, list[tuple[str, list[Item]]], str, list[str]]

# (rule id, the document's sections, the section to review, the quotes the rule must produce)
CASES: list[Case] = [
    (
        "timeline-out-of-order",
        [
            (
                "Timeline",
                [
                    Bullet("[08:47] Deploy begins."),
                    Bullet("[08:30] Alert fires."),
                    Bullet("[09:10] Fixed."),
                ],
            )
        ],
        "Timeline",
        ["08:30"],
    ),
    (
        "timeline-out-of-order",  # past midnight is the next day, not a step back
        [("Timeline", [Bullet("[23:55] Migration done."), Bullet("[07:00] Merging again.")])],
        "Timeline",
        [],
    ),
    (
        "timeline-out-of-order",  # a date line dates the entries below it
        [
            (
                "Timeline",
                [
                    "2019-08-09:",
                    Bullet("Fuzzer reports a crash."),
                    "2019-08-02:",
                    Bullet("Fix shared."),
                ],
            )
        ],
        "Timeline",
        ["2019-08-02"],
    ),
    (
        "weekday-mismatch",
        [("Summary", ["The release went out on Wednesday, February 5th 2019 at noon."])],
        "Summary",
        ["Wednesday, February 5th 2019"],
    ),
    (
        "weekday-mismatch",
        [("Summary", ["The release went out on Tuesday, February 5th 2019 at noon."])],
        "Summary",
        [],
    ),
    (
        "duration-mismatch",
        [("Impact", ["Hook was down from 21:10 to 23:40, two hours in all."])],
        "Impact",
        ["two hours"],
    ),
    (
        "duration-mismatch",
        [("Impact", ["Hook was down from 21:10 to 23:40, about two and a half hours."])],
        "Impact",
        [],
    ),
    (
        "duration-mismatch",  # against the timeline's outage markers
        [
            ("Impact", ["The outage lasted for 74 minutes."]),
            (
                "Timeline",
                [Bullet("[08:47] Bump merged. Outage begins."), Bullet("[09:34] Outage ends.")],
            ),
        ],
        "Impact",
        ["74 minutes"],
    ),
    (
        "total-mismatch",
        [("Impact", ["In total 57 deliveries failed: 31 slash commands and 16 PR updates."])],
        "Impact",
        ["57"],
    ),
    (
        "total-mismatch",
        [("Impact", ["In total 47 deliveries failed: 31 slash commands and 16 PR updates."])],
        "Impact",
        [],
    ),
    (
        "figure-conflict",
        [
            ("Summary", ["During the outage 451 jobs were unable to start."]),
            ("Impact", ["The outage lasted long, and 415 jobs were unable to start."]),
        ],
        "Impact",
        ["415 jobs"],
    ),
    (
        "figure-conflict",  # the same noun in another context is another figure
        [
            ("Summary", ["The build cluster has 150 nodes."]),
            ("Impact", ["We brought up 55 nodes with larger disks."]),
        ],
        "Impact",
        [],
    ),
    (
        "event-date-conflict",
        [
            ("Summary", ["Envoy 1.11.2 was pushed on 2019-10-09."]),
            ("Timeline", ["2019-10-08:", Bullet("11:20 AM v1.11.2 pushed")]),
        ],
        "Timeline",
        ["11:20 AM"],
    ),
    (
        "event-date-conflict",
        [
            ("Summary", ["Envoy 1.11.2 was pushed on 2019-10-08."]),
            ("Timeline", ["2019-10-08:", Bullet("11:20 AM v1.11.2 pushed")]),
        ],
        "Timeline",
        [],
    ),
    (
        "missing-referenced-section",
        [
            ("Report", ["Written by the on-call team."]),
            ("Summary", ["The chat log is in the Slack Transcript section."]),
            ("Timeline", ["None."]),
        ],
        "Summary",
        ["in the Slack Transcript section"],
    ),
    (
        "missing-referenced-section",
        [("Summary", ["Details are in the Timeline section."]), ("Timeline", ["None."])],
        "Summary",
        [],
    ),
]


@pytest.mark.parametrize(("rule_id", "sections", "title", "quotes"), CASES)
def test_fact_rule(
    rule_id: str, sections: list[tuple[str, list[Item]]], title: str, quotes: list[str]
) -> None:
    document = make_doc(*sections)
    drafts = by_rule(review(document, title), rule_id)
    assert [d.quote for d in drafts] == quotes
    for draft in drafts:
        assert draft.risk.value in ("high", "medium")


def test_a_contradiction_names_the_other_place() -> None:
    document = make_doc(
        ("Summary", ["During the outage 451 jobs were unable to start."]),
        ("Impact", ["The outage lasted long, and 415 jobs were unable to start."]),
    )
    (draft,) = by_rule(review(document, "Impact"), "figure-conflict")
    assert '"Summary"' in draft.description
    assert "451 jobs" in draft.description


def test_incident_dated_away_from_the_title() -> None:
    document = make_doc(
        ("March 26th, 2019 Boskos Outage", ["All times in PDT."]),
        ("Impact", ["All jobs failed between 2019-02-25 23:04 and 2019-02-26 08:12."]),
    )
    (draft,) = by_rule(review(document, "Impact"), "event-date-conflict")
    assert draft.quote.startswith("between 2019-02-25 23:04")
    assert "26 March 2019" in draft.description


def test_table_timelines_are_read_row_by_row() -> None:
    document = make_doc(
        (
            "Timeline",
            [
                table(
                    ["Date", "Event"],
                    ["2021-06-16", "Release v3.5.0 was published"],
                    ["2021-12-01", "Report of data corruption"],
                    ["2021-01-28", "Report of data corruption"],
                )
            ],
        )
    )
    assert [d.quote for d in by_rule(review(document, "Timeline"), "timeline-out-of-order")] == [
        "2021-01-28"
    ]


def _review_all(reviewer: OfflineReviewer, document: Document) -> None:
    for section in document.sections:
        prompt = build_review_prompt(document, section, hawkeye())
        request = SectionReviewRequest(document, section, hawkeye(), prompt)
        asyncio.run(reviewer.review_section(request))


def test_facts_are_extracted_once_per_document(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = scan.extract_facts

    def counting(*args: object) -> object:
        calls.append(threading.current_thread())
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(common, "extract_facts", counting)
    document = make_doc(
        ("Summary", ["The outage began at 10:00."]),
        ("Impact", ["451 jobs failed."]),
        ("Timeline", [Bullet("[10:00] Outage begins.")]),
    )
    _review_all(OfflineReviewer(), document)
    assert len(calls) == 1


def test_seller_case_rules_run_only_under_their_framework() -> None:
    document = make_doc(
        ("Executive Summary", ["The incident affected 1,200 customers."]),
        ("Impact", ["In the end 1,500 customers were affected by the takeover."]),
    )
    other = replace(hawkeye(), id="generic-incident")
    section = document.sections[1]
    request = SectionReviewRequest(
        document, section, other, build_review_prompt(document, section, other)
    )
    drafts = asyncio.run(OfflineReviewer().review_section(request)).drafts
    assert not [d for d in drafts if d.origin == "rule:contradictory-figures"]
    assert not any(d.framework_refs for d in drafts)  # Hawkeye point numbers mean nothing here
    under_hawkeye = review(document, "Impact")
    assert by_rule(under_hawkeye, "contradictory-figures") or by_rule(
        under_hawkeye, "figure-conflict"
    )


def test_a_repeated_text_has_the_facts_extracting_it_would_give() -> None:
    repeated = (
        "From 21:10 to 23:40 on 2019-03-26 (Tuesday) about 451 jobs failed for two hours; "
        "see the Root Cause section."
    )
    rows = [["10:05", "Alert fires", "@alice"], ["10:05", "Alert fires", "@alice"]]
    document = make_doc(
        ("Summary", [repeated, "Nothing else.", repeated]),
        ("Timeline", [table(["Time", "Event", "Who"], *rows), Bullet(repeated)]),
        ("Root Cause", ["Nothing else.", repeated]),
    )
    found = scan.extract_facts(document, lambda: None).blocks
    fresh = [
        extract.block_facts(s, b, block.text)
        for s, section in enumerate(document.sections)
        for b, block in enumerate(section.blocks)
        if block.text.strip()
    ]
    assert found == fresh
    copies = [facts for facts in found if facts.text == repeated]
    assert len(copies) == 4
    assert all(facts.ranges and facts.quantities for facts in copies)
    assert len({(facts.section, facts.block) for facts in copies}) == 4
