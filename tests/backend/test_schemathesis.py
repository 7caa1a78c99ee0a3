"""Schemathesis against ``openapi.yaml`` on the running reference server: every operation, with
generated valid and invalid input, never a 5xx, and every answer (status code, content type,
headers, body) matching what the contract says."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend_contract.contract import openapi
from tests.support.backend_servers import RunningBackend

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
OPERATIONS = sorted(
    (
        method.upper(),
        path,
        bool(item.get("parameters") or op.get("parameters") or op.get("requestBody")),
    )
    for path, item in openapi()["paths"].items()
    for method, op in item.items()
    if method != "parameters"
)
# Valid input for every operation; invalid input wherever there is input to get wrong.
CASES = [(m, p, GenerationMode.POSITIVE) for m, p, _ in OPERATIONS] + [
    (m, p, GenerationMode.NEGATIVE) for m, p, has_input in OPERATIONS if has_input
]


def test_every_operation_is_exercised() -> None:
    assert len(OPERATIONS) == 9
    assert len(CASES) == 9 + 6


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_the_server_keeps_the_contract(
    backend: RunningBackend, method: str, path: str, mode: GenerationMode
) -> None:
    operation = schemathesis.openapi.from_dict(openapi())[path][method]
    headers = {"Authorization": f"Bearer {backend.token()}"}
    calls: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def exercise(case: Any) -> None:
        response = case.call_and_validate(
            base_url=backend.url, headers=headers, checks=CHECKS, timeout=30
        )
        calls.append(response.status_code)

    exercise()
    assert calls, "no request was made"
