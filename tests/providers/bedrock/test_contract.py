"""BedrockReviewer honours the provider contract (real boto3 against the fake server)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest

from aiprism_desktop.app.memory_ports import MemoryHealth
from aiprism_desktop.core.reviewer import Reviewer
from tests.fakes.fake_bedrock import FakeBedrock
from tests.providers.contract import ReviewerContract
from tests.support.bedrock_harness import KEYS, answer_by, reviewer, scenario


class TestBedrockReviewerContract(ReviewerContract):
    cancel_after: ClassVar[float] = 0.3
    cancel_deadline: ClassVar[float] = 0.5

    @pytest.fixture
    def fake(self) -> Iterator[FakeBedrock]:
        with FakeBedrock(scenario({})) as server:
            yield server

    @pytest.fixture
    def provider(self, fake: FakeBedrock) -> Reviewer:
        return reviewer(fake.endpoint_url, MemoryHealth())

    @pytest.fixture
    def provider_with_invalid_output(self, fake: FakeBedrock) -> Reviewer:
        fake.set_scenario(scenario({key: [{"kind": "malformed"}] for key in KEYS}))
        return reviewer(fake.endpoint_url, MemoryHealth())

    @pytest.fixture
    def slow_provider(self, fake: FakeBedrock) -> Reviewer:
        # The first request of the first model takes 3 s; the next one answers at once.
        answer = answer_by(KEYS[0])
        fake.set_scenario(scenario({KEYS[0]: [{**answer, "latency": 3.0}, answer]}))
        return reviewer(fake.endpoint_url, MemoryHealth())
