"""Checks any team backend deployment against the contract:
``python -m backend_contract.conformance URL --token T [--token2 T2]``."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from backend_contract.conformance.checks import CHECKS, CheckFailedError, Context, SkippedError


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    outcome: str  # PASS | FAIL | SKIP
    detail: str
    seconds: float


def run_checks(ctx: Context) -> list[CheckResult]:
    """Every check, in order; one failing never stops the others."""
    results = []
    for name, check in CHECKS:
        started = time.monotonic()
        try:
            outcome, detail = "PASS", check(ctx)
        except SkippedError as skipped:
            outcome, detail = "SKIP", str(skipped)
        except CheckFailedError as failed:
            outcome, detail = "FAIL", str(failed)
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            outcome, detail = "FAIL", f"{type(error).__name__}: {error}"
        results.append(CheckResult(name, outcome, detail, time.monotonic() - started))
    return results


def report(url: str, results: list[CheckResult]) -> str:
    lines = [f"Conformance of {url} with backend_contract/openapi.yaml", ""]
    for result in results:
        lines.append(
            f"{result.outcome:<4}  {result.name:<20} {result.seconds:6.2f} s  {result.detail}"
        )
    failed = sum(r.outcome == "FAIL" for r in results)
    passed = sum(r.outcome == "PASS" for r in results)
    skipped = sum(r.outcome == "SKIP" for r in results)
    lines += ["", f"{passed} passed, {failed} failed, {skipped} skipped"]
    lines.append("CONFORMS" if failed == 0 else "DOES NOT CONFORM")
    return "\n".join(lines)


__all__ = ["CheckResult", "Context", "report", "run_checks"]
