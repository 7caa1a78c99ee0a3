"""``--self-test`` exits non-zero and says which check failed (the frozen build relies on it)."""

from __future__ import annotations

import pytest

from aiprism_desktop import selftest


def test_a_failing_check_fails_the_self_test(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> str:
        raise FileNotFoundError("resources missing")

    monkeypatch.setattr(
        selftest, "CHECKS", (("resources", broken), ("keyring", selftest.check_keyring))
    )
    assert selftest.main() == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "FAIL  resources: FileNotFoundError: resources missing"
    assert out[1].startswith("PASS  keyring: ")
    assert out[-1] == "SELF-TEST FAILED (1 of 2)"


def test_the_unfrozen_app_passes_its_resource_and_keyring_checks() -> None:
    assert "models" in selftest.check_resources()
    assert "registered" in selftest.check_keyring()
