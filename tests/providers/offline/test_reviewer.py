"""The offline reviewer: the provider contract, rule packs (user overrides, malformed files),
determinism, the honest keyword-search chat and health."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from aiprism_desktop.core.anchoring import AnchorStatus, locate_quote
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.errors import ConfigError, InvalidResponseError
from aiprism_desktop.core.finding_schema import FindingDraft
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.reviewer import (
    ChatEvent,
    ChatRequest,
    Reviewer,
    SectionReviewRequest,
    SectionReviewResult,
)
from aiprism_desktop.providers.offline.reviewer import (
    NO_MATCH_NOTE,
    OFFLINE_CHAT_NOTE,
    OfflineReviewer,
    builtin_rules_dir,
)
from aiprism_desktop.providers.offline.rules.context import CheckKind, Hit, SectionContext
from tests.providers.contract import ReviewerContract, run, sample_path
from tests.support.rule_docs import (
    by_rule,
    hawkeye,
    make_doc,
    request_for,
    review,
    with_outline,
)

_MISQUOTE_PACK = """
rules:
  - id: misquote
    title: A broken check
    kind: misquote
    type: suggestion
    risk: low
    category: Clarity
    description: This check quotes text the section does not have.
"""


def _misquote(_params: None, ctx: SectionContext) -> Iterable[Hit]:
    body = ctx.body_indices()
    yield Hit(body[0], 0, len(ctx.texts[body[0]]) + 50)  # runs past the end of its block


def _prepare_nothing(_params: Mapping[str, Any]) -> None:
    return None


MISQUOTE_KIND = CheckKind(
    name="misquote",
    params_schema={"type": "object"},
    fields=frozenset(),
    prepare=_prepare_nothing,
    run=_misquote,
)


class TestOfflineContract(ReviewerContract):
    @pytest.fixture
    def provider(self) -> Reviewer:
        return OfflineReviewer()

    @pytest.fixture
    def provider_with_invalid_output(self, tmp_path: Path) -> Reviewer:
        (tmp_path / "broken.yaml").write_text(_MISQUOTE_PACK, encoding="utf-8")
        return OfflineReviewer(rules_dir=tmp_path, extra_kinds={"misquote": MISQUOTE_KIND})

    def check_draft(
        self, draft: FindingDraft, request: SectionReviewRequest, result: SectionReviewResult
    ) -> None:
        super().check_draft(draft, request, result)
        assert draft.origin.startswith("rule:")
        assert draft.framework_refs, "every built-in rule cites Hawkeye points"
        # The quote is exact text of one block, and anchoring finds it in exactly one place.
        assert any(draft.quote in block.text for block in request.section.blocks)
        located = locate_quote(request.section, draft.quote)
        assert located.status is AnchorStatus.ANCHORED, draft.quote
        assert not located.ambiguous, draft.quote


def test_invalid_output_names_the_rule(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(_MISQUOTE_PACK, encoding="utf-8")
    reviewer = OfflineReviewer(rules_dir=tmp_path, extra_kinds={"misquote": MISQUOTE_KIND})
    document = make_doc(("Summary", ["The account was reviewed."]))
    with pytest.raises(InvalidResponseError) as raised:
        review(document, "Summary", reviewer)
    assert "misquote" in raised.value.message
    assert raised.value.detail
    assert "outside its block" in raised.value.detail


# --- determinism ---------------------------------------------------------------------------


def _review_all(reviewer: OfflineReviewer, document: Document, order: list[int]) -> dict[str, Any]:
    async def scenario() -> dict[str, Any]:
        found = {}
        for index in order:
            section = document.sections[index]
            request = request_for(document, section.title)
            found[section.id] = (await reviewer.review_section(request)).drafts
        return found

    return asyncio.run(scenario())


def test_same_document_gives_same_findings_in_same_order() -> None:
    document = read_document(sample_path())
    forward = list(range(len(document.sections)))
    first = _review_all(OfflineReviewer(), document, forward)
    again = _review_all(OfflineReviewer(), read_document(sample_path()), forward)
    backward = _review_all(OfflineReviewer(), document, forward[::-1])
    assert sum(len(drafts) for drafts in first.values()) > 10
    assert first == again
    assert first == backward  # per-document analyses do not depend on the review order


def test_model_id_changes_when_the_rules_change(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.yaml").write_text(
        "rules:\n  - id: long-sentence\n    params: {max_words: 60}\n", encoding="utf-8"
    )
    builtin, customized = OfflineReviewer(), OfflineReviewer(config_dir=tmp_path)
    assert builtin.info.models == OfflineReviewer().info.models
    assert builtin.info.models != customized.info.models


# --- user rule packs -------------------------------------------------------------------------


def _user_pack(config_dir: Path, text: str, name: str = "team.yaml") -> Path:
    folder = config_dir / "rules"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


_PASSIVE_DOC = make_doc(
    ("Executive Summary", ["The refund was approved on 3 March 2025 without a second check."])
)


def test_user_pack_disables_a_builtin_rule(tmp_path: Path) -> None:
    assert by_rule(review(_PASSIVE_DOC, "Executive Summary"), "passive-hides-actor")
    _user_pack(tmp_path, "rules:\n  - id: passive-hides-actor\n    enabled: false\n")
    reviewer = OfflineReviewer(config_dir=tmp_path)
    assert not reviewer.ruleset.rule("passive-hides-actor").enabled
    assert not by_rule(review(_PASSIVE_DOC, "Executive Summary", reviewer), "passive-hides-actor")


def test_user_pack_overrides_fields_and_merges_params(tmp_path: Path) -> None:
    _user_pack(
        tmp_path,
        """
        rules:
          - id: vague-quantity
            risk: high
            description: Say how many instead of "{match}" ({section}).
            params:
              phrases: [a bunch of]
        """,
    )
    reviewer = OfflineReviewer(config_dir=tmp_path)
    document = make_doc(("Impact", ["A bunch of orders failed. Then some customers complained."]))
    drafts = by_rule(review(document, "Impact", reviewer), "vague-quantity")
    assert [d.quote for d in drafts] == ["A bunch of", "some customers"]  # patterns kept
    assert drafts[0].risk.value == "high"
    assert drafts[0].description == 'Say how many instead of "A bunch of" (Impact).'


def test_user_pack_adds_a_rule(tmp_path: Path) -> None:
    _user_pack(
        tmp_path,
        """
        rules:
          - id: banned-jargon
            title: Team jargon
            kind: phrases
            type: suggestion
            risk: low
            category: Communication Standards
            framework_refs: [17]
            description: Avoid "{match}" in write-ups.
            params:
              phrases: [synergy, leverage]
        """,
    )
    reviewer = OfflineReviewer(config_dir=tmp_path)
    document = make_doc(("Background", ["We will leverage the new tooling."]))
    drafts = by_rule(review(document, "Background", reviewer), "banned-jargon")
    assert [(d.quote, d.framework_refs) for d in drafts] == [("leverage", (17,))]
    assert reviewer.ruleset.rules[-1].id == "banned-jargon"  # new rules come after built-ins


def test_later_user_file_wins(tmp_path: Path) -> None:
    _user_pack(tmp_path, "rules:\n  - id: long-sentence\n    params: {max_words: 50}\n", "a.yaml")
    _user_pack(tmp_path, "rules:\n  - id: long-sentence\n    params: {max_words: 8}\n", "b.yaml")
    document = with_outline(("Background", ["One two three four five six seven eight nine ten."]))
    drafts = by_rule(
        review(document, "Background", OfflineReviewer(config_dir=tmp_path)), "long-sentence"
    )
    assert len(drafts) == 1
    assert "10 words" in drafts[0].description


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rules: [\n  - id: x", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
        ("rules:\n  - id: hedging\n    enable: false\n", "enable"),
        ("rules:\n  - id: hedging\n    risk: urgent\n", "urgent"),
        ("rules:\n  - id: new-rule\n    title: New\n", "required"),
        (
            "rules:\n  - id: hedging\n    params:\n      patterns: ['(unclosed']\n",
            "not a valid regular expression",
        ),
        ("rules:\n  - id: hedging\n    kind: telepathy\n", "unknown kind 'telepathy'"),
        ("rules:\n  - id: hedging\n    description: 'Bad {placeholder}'\n", "{placeholder}"),
        ("rules:\n  - id: hedging\n    params: {phrasez: [x]}\n", "phrasez"),
        ("rules:\n  - id: hedging\n    params: {patterns: ['{WHEN}']}\n", "unknown macro {WHEN}"),
        ("rules:\n  - &a {id: hedging}\n  - *a\n", "aliases"),
    ],
)
def test_malformed_user_rule_file_raises_config_error_naming_it(
    tmp_path: Path, text: str, expected: str
) -> None:
    _user_pack(tmp_path, text, "broken-pack.yaml")
    with pytest.raises(ConfigError) as raised:
        OfflineReviewer(config_dir=tmp_path)
    assert raised.value.code == "CONFIG_ERROR"
    assert "broken-pack.yaml" in raised.value.message
    assert expected in raised.value.message


def test_missing_builtin_rules_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        OfflineReviewer(rules_dir=tmp_path / "nowhere")


def test_builtin_pack_has_at_least_twelve_documented_rules() -> None:
    rules = OfflineReviewer().ruleset.rules
    assert len([r for r in rules if r.enabled]) >= 12
    assert len({r.kind for r in rules}) >= 8
    for rule in rules:
        assert rule.framework_refs
        assert all(1 <= n <= 20 for n in rule.framework_refs)
        assert rule.category in hawkeye().categories, rule.category
    assert (builtin_rules_dir() / "investigation.yaml").is_file()


def test_section_outside_the_document_is_reviewed_alone() -> None:
    document = make_doc(("Root Cause Analysis", ["The root cause was human error."]))
    other = make_doc(("Summary", ["Fine."]))
    request = request_for(document, "Root Cause Analysis")
    stray = replace(request, document=other)
    result = asyncio.run(OfflineReviewer().review_section(stray))
    assert by_rule(result.drafts, "human-error-root-cause")


# --- chat and health ---------------------------------------------------------------------------


def _chat(request: ChatRequest) -> list[ChatEvent]:
    async def scenario() -> list[ChatEvent]:
        return [event async for event in OfflineReviewer().chat(request)]

    return run(scenario())


def test_chat_is_an_honest_keyword_search() -> None:
    document = read_document(sample_path())
    events = _chat(ChatRequest(document, "When was the account suspended?", hawkeye()))
    text = "".join(e.text for e in events if e.kind == "delta")
    assert text.startswith(OFFLINE_CHAT_NOTE)
    assert "no AI model is used" in text
    first_passage = text[len(OFFLINE_CHAT_NOTE) :].strip().splitlines()
    assert "suspended" in " ".join(first_passage[:2]).lower()
    assert events[-1].kind == "done"
    assert events[-1].model == "offline-keyword-search"


def test_chat_says_when_nothing_matches() -> None:
    document = make_doc(("Summary", ["The account was reviewed."]))
    events = _chat(ChatRequest(document, "What about quantum chromodynamics?", hawkeye()))
    text = "".join(e.text for e in events if e.kind == "delta")
    assert OFFLINE_CHAT_NOTE in text
    assert NO_MATCH_NOTE in text


def test_chat_uses_the_selected_text_and_current_section() -> None:
    document = make_doc(
        ("Background", ["The warehouse is in Leeds."]),
        ("Impact", ["The warehouse closed for two days."]),
    )
    request = ChatRequest(
        document, "Tell me more", hawkeye(), section_id="s002", selected_text="warehouse"
    )
    text = "".join(e.text for e in _chat(request) if e.kind == "delta")
    body = text[len(OFFLINE_CHAT_NOTE) :]
    assert body.index("closed for two days") < body.index("Leeds")


def test_health_is_always_reachable() -> None:
    health = run(OfflineReviewer().health())
    assert health.reachable
    assert "rules enabled" in health.detail


def test_a_long_section_is_reviewed_once_as_a_whole() -> None:
    """Sections longer than a model's part size used to reach the rules once per part, each
    time whole, and came back with every finding twice."""
    from aiprism_desktop.core.engine import ReviewEngine
    from aiprism_desktop.core.frameworks import load_frameworks
    from tests.fakes.synthetic import make_section

    filler = [
        f"Paragraph {i} records that the review of the account was complete." for i in range(600)
    ]
    section = make_section(1, "Background", ["The refund total is TBD.", *filler])
    assert len(section.text) > 30_000
    document = Document(
        path=Path("/synthetic/long.docx"), sha256="l" * 64, title="Long", sections=(section,)
    )
    reviewer = OfflineReviewer()
    assert reviewer.info.max_section_chars is None
    outcome = run(
        ReviewEngine(reviewer, load_frameworks(None)["hawkeye"]).review_section(document, section)
    )
    quotes = [f.quote for f in outcome.findings]
    assert "TBD" in " ".join(quotes)
    assert len(quotes) == len(set(quotes))
