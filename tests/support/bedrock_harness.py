"""Building blocks for BedrockReviewer tests against the fake Bedrock server (real boto3)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.frameworks import Framework, builtin_frameworks_dir, load_framework_file
from aiprism_desktop.core.ports import ModelHealthRepository
from aiprism_desktop.core.prompts import build_review_prompt
from aiprism_desktop.core.reviewer import SectionReviewRequest
from aiprism_desktop.providers.bedrock.chain.backoff import BackoffPolicy
from aiprism_desktop.providers.bedrock.chain.chain import ChainSettings
from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile, load_model_chain
from aiprism_desktop.providers.bedrock.reviewer import BedrockReviewer, BedrockSettings
from tests.fakes.bedrock_scenario import EVIDENCE_FINDING, ModelScript, Outcome, Scenario
from tests.fakes.fake_bedrock import FakeBedrock
from tests.fakes.synthetic import make_document

REGION = "us-east-1"
CHAIN = load_model_chain(None)  # the packaged seven-model chain
KEYS = tuple(p.key for p in CHAIN)
BASE_IDS = {p.key: p.base_id for p in CHAIN}
FAST_BACKOFF = BackoffPolicy(base_s=0.01, cap_s=0.05)

_FRAMEWORK: Framework | None = None


EVIDENCE_ANSWER = Outcome(findings=(EVIDENCE_FINDING,))


def first_model_throttled(answer: Outcome = EVIDENCE_ANSWER, **timing: Any) -> Scenario:
    """Sonnet 4.5, first in the chain, is throttled with a long Retry-After (the chain moves on);
    every other model gives ``answer``, timed by ``timing`` (ModelScript fields)."""
    return Scenario(
        models={
            BASE_IDS["sonnet-4-5"]: ModelScript(
                outcomes=(Outcome(kind="error", error="throttling", retry_after=120),)
            )
        },
        default=ModelScript(outcomes=(answer,), **timing),
    )


def point_the_app_at(fake: FakeBedrock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment a Bedrock user has, with the fake as the Bedrock endpoint."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake.endpoint_url)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDTESTFAKE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")


def framework() -> Framework:
    global _FRAMEWORK
    if _FRAMEWORK is None:
        _FRAMEWORK = load_framework_file(builtin_frameworks_dir() / "hawkeye.yaml")
    return _FRAMEWORK


def finding(description: str) -> dict[str, Any]:
    """A complete finding as the model would produce it under the findings schema."""
    return {
        "type": "important",
        "risk": "medium",
        "category": "Evidence",
        "description": description,
        "suggestion": "Attach the evidence.",
        "example": "",
        "questions": [],
        "framework_refs": [13],
        "quote": "Section 1 paragraph 1",
        "confidence": 0.7,
    }


def answer_by(key: str) -> dict[str, Any]:
    """A success outcome whose single finding says which model produced it."""
    return {"kind": "success", "findings": [finding(f"finding by {key}")]}


def scenario(per_key: dict[str, list[dict[str, Any]]], **model_fields: Any) -> dict[str, Any]:
    """Scripts keyed by our model keys; unlisted models of the chain answer successfully."""
    models: dict[str, Any] = {}
    for key in KEYS:
        outcomes = per_key.get(key, [answer_by(key)])
        models[BASE_IDS[key]] = {"outcomes": outcomes, **model_fields}
    return {"models": models}


def session() -> boto3.Session:
    return boto3.Session(
        aws_access_key_id="AKIDFAKEFAKEFAKE",
        aws_secret_access_key="fake-secret",
        region_name=REGION,
    )


def reviewer(
    endpoint_url: str | None,
    health: ModelHealthRepository,
    *,
    profiles: tuple[ModelProfile, ...] = CHAIN,
    chain: ChainSettings | None = None,
    read_timeout_s: float = 30.0,
    max_concurrency: int = 8,
) -> BedrockReviewer:
    settings = BedrockSettings(
        region=REGION,
        endpoint_url=endpoint_url,
        read_timeout_s=read_timeout_s,
        connect_timeout_s=2.0,
        max_concurrency=max_concurrency,
        chain=chain or ChainSettings(deadline_s=60.0, backoff=FAST_BACKOFF),
    )
    return BedrockReviewer(session(), health, settings, profiles=profiles)


def review_request(document: Document | None = None, index: int = 0) -> SectionReviewRequest:
    document = document or make_document(sections=3)
    section = document.sections[index]
    prompt = build_review_prompt(document, section, framework())
    return SectionReviewRequest(document, section, framework(), prompt)
