"""BackendReviewer honours the provider contract against the real backend (gunicorn + Celery +
Redis) with the fake Bedrock behind its workers."""

from __future__ import annotations

from typing import ClassVar

import pytest

from aiprism_desktop.core.reviewer import Reviewer
from aiprism_desktop.providers.backend.reviewer import BackendReviewer
from aiprism_desktop.providers.backend.settings import BackendSettings
from tests.providers.contract import ReviewerContract
from tests.support.backend_servers import RunningBackend
from tests.support.bedrock_harness import KEYS, answer_by, scenario

pytestmark = pytest.mark.slow


def backend_reviewer(backend: RunningBackend) -> BackendReviewer:
    return BackendReviewer(BackendSettings(url=backend.url, token=backend.token()))


class TestBackendReviewerContract(ReviewerContract):
    cancel_after: ClassVar[float] = 0.5
    cancel_deadline: ClassVar[float] = 1.0

    @pytest.fixture
    def provider(self, backend: RunningBackend) -> Reviewer:
        return backend_reviewer(backend)

    @pytest.fixture
    def provider_with_invalid_output(self, backend: RunningBackend) -> Reviewer:
        backend.fake.set_scenario(scenario({key: [{"kind": "malformed"}] for key in KEYS}))
        return backend_reviewer(backend)

    @pytest.fixture
    def slow_provider(self, backend: RunningBackend) -> Reviewer:
        # The first request to the first model takes 3 s; the next answers at once.
        answer = answer_by(KEYS[0])
        backend.fake.set_scenario(scenario({KEYS[0]: [{**answer, "latency": 3.0}, answer]}))
        return backend_reviewer(backend)
