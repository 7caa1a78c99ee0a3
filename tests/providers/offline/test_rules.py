"""Each built-in rule fires on a positive example (quoting the exact text) and stays silent on
a negative one."""

from __future__ import annotations

import pytest

from aiprism_desktop.core.document import Document
from tests.support.rule_docs import (
    Bullet,
    Item,
    by_rule,
    make_doc,
    review,
    table,
    with_outline,
)

# (rule id, section title, section body, the quotes the rule must produce, in order)
SINGLE_SECTION_CASES: list[tuple[str, str, list[Item], list[str]]] = [
    (
        "vague-quantity",
        "Impact Assessment",
        ["Several accounts were linked. Some customers complained about a number of orders."],
        ["Several", "Some customers"],
    ),
    ("vague-quantity", "Impact Assessment", ["Fourteen accounts were linked."], []),
    ("vague-quantity", "Impact Assessment", ["Several accounts (14) were linked."], []),
    (
        "hedging",
        "Executive Summary",
        ["It seems the password was phished. We believe the attacker might have returned."],
        ["It seems", "We believe"],
    ),
    ("hedging", "Executive Summary", ["The login log shows the password was phished."], []),
    (
        "passive-hides-actor",
        "Executive Summary",
        ["The refund was approved on 3 March 2025.", "The listings were quickly removed."],
        ["was approved", "were quickly removed"],
    ),
    (
        "passive-hides-actor",
        "Executive Summary",
        [
            "The refund was approved by the Payments team on 3 March 2025.",
            "The Payments team approved the refund. The seller is based in Leeds.",
        ],
        [],
    ),
    (
        "placeholder-text",
        "Resolving Actions",
        [
            "Refunds totalled $XX.",
            "Owner: TBD.",
            "See [insert link to the ledger] for details.",
            "Why did it happen???",
        ],
        ["XX", "TBD", "[insert link to the ledger]", "???"],
    ),
    (
        "placeholder-text",
        "Resolving Actions",
        ["The seller sold XXL shirts; we refunded $4,200. Was this expected? Yes."],
        [],
    ),
    (
        "long-sentence",
        "Background",
        [
            "The seller, who had traded on the marketplace for nine years without a single "
            "policy violation, changed the bank account from a new device in another country "
            "at night, which should have triggered a call-back but did not because the check "
            "was disabled."
        ],
        [
            "The seller, who had traded on the marketplace for nine years without a single "
            "policy violation, changed the bank account from a new device in another country "
            "at night, which should have triggered a call-back but did not because the check "
            "was disabled."
        ],
    ),
    (
        "long-sentence",
        "Background",
        [
            "The seller has traded for nine years, e.g. in kitchenware. It had no violations. "
            "It changed its bank account from a new device."
        ],
        [],
    ),
    (
        "unsupported-claim",
        "Root Cause Analysis",
        ["The seller was clearly not involved. Obviously, the agent made a mistake."],
        ["clearly", "Obviously"],
    ),
    (
        "unsupported-claim",
        "Root Cause Analysis",
        ["The seller was clearly not involved (see the device log in Appendix A)."],
        [],
    ),
    (
        "human-error-root-cause",
        "Root Cause Analysis",
        ["The root cause was human error by the onboarding agent."],
        ["human error"],
    ),
    (
        "human-error-root-cause",
        "Root Cause Analysis",
        [
            "The agent made a human error, but the tool did not require a second approval for "
            "bank-account changes, which is the root cause."
        ],
        [],
    ),
    (
        "human-error-root-cause",
        "Background",  # the rule only looks at root-cause sections
        ["The last incident was blamed on human error."],
        [],
    ),
    (
        "impact-unquantified",
        "Impact Assessment",
        ["Buyers suffered significant delays.", "312 buyers waited up to 4 days for refunds."],
        ["Buyers suffered significant delays."],
    ),
    ("impact-unquantified", "Background", ["Buyers suffered significant delays."], []),
    (
        "action-owner-due",
        "Preventative Actions",
        [
            "The following actions will prevent a repeat:",
            Bullet("Retrain agents on bank-account changes."),
            Bullet("Add a call-back step (Payments Risk team)."),
            Bullet("Alert on new-country sign-ins, owner: Risk Engineering, due 30 June 2025."),
            Bullet("Audit similar cases (Daniel Okafor) by the end of Q3."),
        ],
        ["Retrain agents on bank-account changes.", "Add a call-back step (Payments Risk team)."],
    ),
    (
        "action-owner-due",
        "Preventative Actions",
        [
            table(
                ["Action", "Owner", "Due date"],
                ["Add a call-back step for bank changes", "Payments Risk", "30 April 2025"],
                ["Retrain agents on takeover signals", "n/a", "Q3"],
                ["Review similar takeovers", "Daniel Okafor", "unknown"],
            )
        ],
        ["n/a", "unknown"],
    ),
    (
        "action-owner-due",
        "Background",  # actions are only checked in action sections
        [Bullet("Retrain agents on bank-account changes.")],
        [],
    ),
    (
        "timeline-undated-entry",
        "Timeline",
        [
            table(
                ["Date", "Event"],
                ["3 March 2025 11:20", "Risk model flagged the account."],
                ["Shortly after", "Investigator assigned to the case."],
                ["", "Seller appealed the suspension."],
            ),
            Bullet("Case escalated to the legal team."),
            Bullet("At 14:05 the seller called support."),
        ],
        ["Shortly after", "Seller appealed the suspension.", "Case escalated to the legal team."],
    ),
    (
        "timeline-undated-entry",
        "Timeline",
        [
            "On 3 March 2025 the model flagged the account.",
            "On March 5th the team suspended it, and on 2025-03-14 it was reinstated.",
        ],
        [],
    ),
]


@pytest.mark.parametrize(
    ("rule_id", "title", "body", "quotes"),
    SINGLE_SECTION_CASES,
    ids=[
        f"{case[0]}-{'fires' if case[3] else 'silent'}-{n}"
        for n, case in enumerate(SINGLE_SECTION_CASES)
    ],
)
def test_rule_on_one_section(rule_id: str, title: str, body: list[Item], quotes: list[str]) -> None:
    document = with_outline((title, body))
    drafts = by_rule(review(document, title), rule_id)
    assert [d.quote for d in drafts] == quotes
    for draft in drafts:
        assert draft.framework_refs
        assert draft.description.strip()
        assert any(draft.quote in block.text for block in document.sections[0].blocks)


def test_passive_quote_grows_until_unique() -> None:
    document = with_outline(
        (
            "Executive Summary",
            ["The account was suspended on 6 March. It was suspended again later."],
        )
    )
    quotes = [
        d.quote for d in by_rule(review(document, "Executive Summary"), "passive-hides-actor")
    ]
    assert quotes == ["account was suspended", "It was suspended"]


# --- rules that need the whole document ----------------------------------------------------


def test_missing_sections_reported_once_on_the_first_section() -> None:
    document = make_doc(
        ("Summary", ["The seller's account was taken over on 1 March 2025."]),
        ("Background", ["The seller has traded since 2016."]),
        ("Timeline of Events", [table(["Date", "Event"], ["1 March 2025", "Takeover."])]),
    )
    first = by_rule(review(document, "Summary"), "missing-sections")
    assert [d.quote for d in first] == ["The seller's account was taken over on 1 March 2025."]
    assert "the impact, the root cause and preventative actions" in first[0].description
    assert not by_rule(review(document, "Background"), "missing-sections")


def test_missing_sections_silent_when_the_outline_is_complete() -> None:
    document = with_outline(("Executive Summary", ["All good."]))
    assert not by_rule(review(document, "Executive Summary"), "missing-sections")


def _acronym_quotes(document: Document) -> dict[str, list[str]]:
    return {
        s.title: [d.quote for d in by_rule(review(document, s.title), "undefined-acronym")]
        for s in document.sections
    }


def test_undefined_acronym_reported_at_first_use_only() -> None:
    document = with_outline(
        ("Executive Summary", ["The seller passed Know Your Business (KYB) checks in 2016."]),
        ("Timeline", [table(["Date", "Event"], ["1 March 2025 02:40 UTC", "AHR score fell."])]),
        ("Impact Assessment", ["The AHR score stayed low; KYB records were intact."]),
    )
    found = _acronym_quotes(document)
    assert found["Timeline"] == ["AHR"]
    assert all(not quotes for title, quotes in found.items() if title != "Timeline")


@pytest.mark.parametrize(
    "text",
    [
        "The Account Health Rating (AHR) fell, and the AHR stayed low.",
        "The AHR (Account Health Rating) fell.",
        "AHR stands for Account Health Rating; the AHR fell.",
        "Seller A2XK9QL7 was checked at 14:00 UTC by the US team.",  # ids and allowed words
    ],
)
def test_defined_or_allowed_acronyms_are_silent(text: str) -> None:
    document = with_outline(("Executive Summary", [text]))
    assert not any(_acronym_quotes(document).values())


def test_glossary_defines_acronyms_for_the_whole_document() -> None:
    document = with_outline(
        ("Executive Summary", ["The AHR score fell."]),
        ("Glossary", [table(["Term", "Meaning"], ["AHR", "Account Health Rating"])]),
    )
    assert not any(_acronym_quotes(document).values())


def test_contradictory_figures_reported_in_the_later_section() -> None:
    document = with_outline(
        ("Executive Summary", ["The takeover affected 1,200 customers and 214 fraudulent orders."]),
        ("Impact Assessment", ["1,500 customers were affected. 214 fraudulent orders shipped."]),
    )
    assert not by_rule(review(document, "Executive Summary"), "contradictory-figures")
    drafts = by_rule(review(document, "Impact Assessment"), "contradictory-figures")
    assert [d.quote for d in drafts] == ["1,500 customers were affected"]
    assert "1,200" in drafts[0].description
    assert "Executive Summary" in drafts[0].description


@pytest.mark.parametrize(
    "restated",
    [
        "1,200 customers were affected.",
        "About 1,250 customers were affected.",  # approximate: within 10%
        "Over 1,000 customers were affected.",  # a bound, not a value
        "The team contacted 300 customers.",  # a different fact
    ],
)
def test_consistent_figures_are_silent(restated: str) -> None:
    document = with_outline(
        ("Executive Summary", ["The takeover affected 1,200 customers."]),
        ("Impact Assessment", [restated]),
    )
    assert not by_rule(review(document, "Impact Assessment"), "contradictory-figures")


def test_contradictory_dates_between_summary_and_timeline_table() -> None:
    document = with_outline(
        ("Executive Summary", ["On 5 March 2025 the risk model detected the takeover."]),
        (
            "Timeline",
            [
                table(
                    ["Date", "Event"],
                    ["1 March 2025", "Bank account changed."],
                    ["3 March 2025 11:20", "Risk model flagged the account."],
                )
            ],
        ),
    )
    drafts = by_rule(review(document, "Timeline"), "contradictory-dates")
    assert [d.quote for d in drafts] == ["3 March 2025 11:20"]
    assert "detection" in drafts[0].description
    assert "5 March 2025" in drafts[0].description


@pytest.mark.parametrize("timeline_date", ["5 March 2025", "5 March", "March 5th, 2025"])
def test_agreeing_dates_are_silent(timeline_date: str) -> None:
    document = with_outline(
        ("Executive Summary", ["The takeover was detected on 5 March 2025."]),
        ("Timeline", [table(["Date", "Event"], [timeline_date, "Risk model flagged it."])]),
    )
    assert not by_rule(review(document, "Timeline"), "contradictory-dates")
