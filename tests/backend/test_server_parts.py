"""The server's parts without processes: configuration, the contract's validators, problem
bodies, team statistics, the desktop's URL rule."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from aiprism_desktop.core.codec import finding_from_dict
from aiprism_desktop.core.document_wire import document_to_wire, section_to_wire
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.findings import Action, DecisionEvent, Finding, FindingType, Risk
from aiprism_desktop.core.frameworks import load_frameworks
from aiprism_desktop.core.prompts import PROMPT_VERSION, Prompt
from aiprism_desktop.core.reviewer import SectionReviewRequest, SectionReviewResult
from aiprism_desktop.providers.backend.settings import check_backend_url
from backend_contract.contract import openapi, schema_errors
from backend_contract.server.analysis import decode_request, run_analysis
from backend_contract.server.config import ENVIRONMENT, ConfigurationError, load_config
from backend_contract.server.problems import Problem
from backend_contract.server.stats import StoredReview, team_stats
from tests.fakes.scripted_provider import ScriptedReviewer
from tests.fakes.synthetic import make_document


def test_configuration_comes_from_the_documented_variables() -> None:
    config = load_config(
        {
            "AIPRISM_REDIS_URL": "redis://r:6379/2",
            "AIPRISM_PROVIDER": "offline",
            "AIPRISM_MAX_ACTIVE_JOBS": "7",
            "AIPRISM_LONG_POLL_MAX_S": "2.5",
            "AIPRISM_GLOBAL_ROUTING": "no",
            "AWS_REGION": "eu-west-1",
        }
    )
    assert (config.redis_url, config.provider, config.max_active_jobs) == (
        "redis://r:6379/2",
        "offline",
        7,
    )
    assert (config.long_poll_max_s, config.allow_global_profiles, config.region) == (
        2.5,
        False,
        "eu-west-1",
    )
    assert config.tokens_url == config.redis_url
    documented = set(ENVIRONMENT)
    readme = (Path(__file__).resolve().parents[2] / "docs" / "backend.md").read_text()
    assert all(f"`{name}`" in readme for name in documented), "every variable is in docs/backend.md"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"AIPRISM_MAX_ACTIVE_JOBS": "many"}, "AIPRISM_MAX_ACTIVE_JOBS"),
        ({"AIPRISM_PROVIDER": "openai"}, "AIPRISM_PROVIDER"),
        ({"AIPRISM_RESULT_TTL_S": "0"}, "AIPRISM_RESULT_TTL_S"),
        ({"AIPRISM_JOB_TIME_LIMIT_S": "900", "AIPRISM_VISIBILITY_TIMEOUT_S": "600"}, "VISIBILITY"),
    ],
)
def test_a_bad_variable_is_named_at_start(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        load_config(env)


def test_problems_match_the_contract() -> None:
    body = Problem(429, "RATE_LIMITED", "slow down", retry_after=12, errors=[("/a", "bad")]).body()
    assert schema_errors("Problem", body) == []
    response = Problem(429, "RATE_LIMITED", retry_after=12).response()
    assert response.headers["Retry-After"] == "12"
    assert response.mimetype == "application/problem+json"


def test_the_contract_names_every_code_the_server_uses() -> None:
    text = str(openapi())
    codes = (
        "INVALID_JSON UNAUTHORIZED NOT_FOUND IDEMPOTENCY_KEY_REUSED REQUEST_TOO_LARGE "
        "UNSUPPORTED_MEDIA_TYPE INVALID_REQUEST UNKNOWN_FRAMEWORK PROMPT_VERSION_MISMATCH "
        "INVALID_SECTION INVALID_PARAMETER RATE_LIMITED TOO_MANY_ACTIVE_JOBS BACKEND_UNAVAILABLE"
    )
    for code in codes.split():
        assert code in text, code


def test_the_contract_accepts_every_action_the_desktop_logs() -> None:
    # A desktop that logs a new kind of decision must be able to sync it (bulk decisions were
    # refused with INVALID_REQUEST once).
    schema = openapi()["components"]["schemas"]["DecisionEvent"]["properties"]["action"]
    assert set(schema["enum"]) == {action.value for action in Action}


def test_validation_points_at_the_broken_field() -> None:
    errors = schema_errors("AnalysisRequest", {"framework": "hawkeye", "prompt_version": "x"})
    assert any("document" in message for _, message in errors)
    assert schema_errors("Health", {"status": "ready"})


def _finding(fid: str, origin: str, category: str, refs: tuple[int, ...]) -> Finding:
    return Finding(
        fid, "s1", origin, FindingType.IMPORTANT, Risk.LOW, category, "d", framework_refs=refs
    )


def _decide(action: Action, finding_id: str, at: str, seq: int) -> DecisionEvent:
    decision = {"accept": "accepted", "reject": "rejected"}[action.value]
    return DecisionEvent(action, finding_id, "me", at=at, after={"decision": decision}, seq=seq)


def test_statistics_fold_the_log_like_the_desktop() -> None:
    findings = (
        _finding("a", "model:sonnet-4-5", "Evidence", (1, 2)),
        _finding("b", "rule:dates", "Timeline", (3,)),
        _finding("c", "model:haiku-4-5", "Evidence", ()),
    )
    events = (
        _decide(Action.ACCEPT, "a", "2026-03-02T10:00:00.000Z", 1),
        _decide(Action.REJECT, "b", "2026-03-02T10:01:00.000Z", 2),
        _decide(Action.ACCEPT, "c", "2026-03-05T10:00:00.000Z", 3),
    )
    review = StoredReview("d" * 64, findings, events)
    stats = team_stats([review], dt.date(2026, 3, 1), dt.date(2026, 3, 3))
    assert schema_errors("Stats", stats) == []
    overall = stats["acceptance"]["overall"]
    assert (overall["accepted"], overall["rejected"], overall["pending"]) == (1, 1, 1)  # c: later
    assert stats["acceptance"]["by_rule"]["dates"]["rate"] == 0.0
    assert stats["acceptance"]["by_model"]["sonnet-4-5"]["rate"] == 1.0
    assert stats["acceptance"]["by_framework_point"]["hawkeye:2"]["accepted"] == 1
    assert stats["acceptance"]["by_category"]["Evidence"]["pending"] == 1
    assert (stats["documents"], stats["findings"], stats["findings_per_document"]) == (1, 3, 3.0)
    assert team_stats([review], dt.date(2026, 4, 1), dt.date(2026, 4, 2))["reviews"] == 0


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://aiprism.example.com", True),
        ("http://127.0.0.1:8080", True),
        ("http://localhost:8080/", True),
        ("http://aiprism.example.com", False),
        ("ftp://example.com", False),
        ("", False),
    ],
)
def test_the_desktop_sends_its_token_only_over_https_or_to_this_machine(url: str, ok: bool) -> None:
    if ok:
        assert check_backend_url(url) == url
    else:
        with pytest.raises(ConfigError):
            check_backend_url(url)


class RecordingReviewer(ScriptedReviewer):
    """A scripted reviewer with small parts that remembers every prompt it was sent."""

    def __init__(self) -> None:
        super().__init__(max_section_chars=600)
        self.prompts: list[Prompt] = []

    async def review_section(self, request: SectionReviewRequest) -> SectionReviewResult:
        self.prompts.append(request.prompt)
        return await super().review_section(request)


def test_the_server_builds_the_desktop_parts_of_a_long_section() -> None:
    document = make_document(sections=3, paragraphs_per_section=30)
    framework = load_frameworks(None)["hawkeye"]
    section = document.sections[1]
    desktop = RecordingReviewer()
    engine = ReviewEngine(desktop, framework)
    expected = asyncio.run(engine.review_section(document, section)).findings
    assert len(desktop.prompts) > 2, "the section must need several parts"

    body = {
        "framework": "hawkeye",
        "prompt_version": PROMPT_VERSION,
        "document": document_to_wire(document, blocks_of=()),
        "section": section_to_wire(section),
    }
    server = RecordingReviewer()
    outcome = asyncio.run(run_analysis(decode_request(body, {"hawkeye": framework}), server))
    assert server.prompts == desktop.prompts
    assert outcome.status == "succeeded"
    found = [finding_from_dict(f) for f in outcome.result["findings"]]
    assert [replace(f, created_at="") for f in found] == [
        replace(f, created_at="") for f in expected
    ]
