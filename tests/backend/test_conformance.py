"""The conformance kit passes against the reference server (and says so on stdout)."""

from __future__ import annotations

import pytest

from backend_contract.conformance.__main__ import main
from tests.support.backend_servers import RunningBackend

pytestmark = pytest.mark.slow


def test_the_reference_server_conforms(
    backend: RunningBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([backend.url, "--token", backend.token(), "--token2", backend.token()])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 failed, 0 skipped" in out
    assert "CONFORMS" in out.splitlines()[-1]
    for check in ("health", "tenant isolation", "rate limit", "event sync", "chat stream"):
        assert f"PASS  {check}" in out


def test_a_wrong_token_fails_the_kit_with_a_report(
    backend: RunningBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([backend.url, "--token", "aip_wrong", "--rate-probe-max", "0"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  capabilities" in out
    assert "SKIP  tenant isolation" in out
    assert out.splitlines()[-1] == "DOES NOT CONFORM"
