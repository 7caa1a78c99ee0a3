"""Whole-process benchmark: ``aiprism review`` on a long document, run the way a user runs it.

The realistic document (``bench.realistic``: 40 sections of ~30,000 characters with tables) is
reviewed by a fresh ``aiprism review`` process with the CLI's defaults, every run with an empty
data folder (no cache):

* bedrock  the fake Bedrock server answering every call in 2 s. Prints wall time, model calls,
           the ideal 2 s × ceil(calls / concurrency) and the ratio.
           Targets: at most one call per section; wall ≤ 1.15 × (2 s × ceil(40 / 8)).
* quota    the same, but the fake throttles above N calls at once (N = 3, unknown to the
           client, as an account quota is). Ideal at N: 2 s × ceil(40 / 3).
           Targets: wall ≤ 1.3 × that ideal; no section failed; no model cooled or disabled.
* offline  the offline reviewer (no model): wall time of the whole process, and its CPU time
           (user + system), which a machine busy with other work inflates far less.

Min / median / max over the runs. ``python -m bench.review_process [--repeat N] [--only NAME]``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from aiprism_desktop.app.settings import declared
from bench import realistic
from bench.bytecode import ensure_compiled
from tests.fakes.bedrock_scenario import EVIDENCE_FINDING, ModelScript, Outcome, Scenario
from tests.fakes.fake_bedrock import FakeBedrock

LATENCY_S = float(os.environ.get("BENCH_FAKE_LATENCY", "2.0"))
QUOTA = 3
BEDROCK_TARGET = 1.15
QUOTA_TARGET = 1.3


@dataclass(frozen=True, slots=True)
class RunResult:
    wall_s: float
    cpu_s: float
    calls: int
    throttled: int
    report: dict[str, object]
    lead_s: float = 0.0  # process start → first model request at the fake
    tail_s: float = 0.0  # last model answer → process exit (export and report)


@contextmanager
def fake_bedrock(max_concurrent: int | None) -> Iterator[FakeBedrock]:
    script = ModelScript(
        outcomes=(Outcome(findings=(EVIDENCE_FINDING,)),),
        latency=LATENCY_S,
        max_concurrent=max_concurrent,
    )
    # Every model of the chain is scripted alike: with a quota, falling back to another model
    # would not escape it (an account-wide limit).
    with FakeBedrock(Scenario(default=script)) as fake:
        yield fake


def review(
    document: Path, work: Path, *, provider: str, endpoint: str | None
) -> tuple[float, float, float]:
    """One ``aiprism review`` process; its wall time, CPU time and start (time.monotonic)."""
    env = {
        **os.environ,
        "AIPRISM_DATA_DIR": str(work / "data"),
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "AKIDBENCHFAKE",
        "AWS_SECRET_ACCESS_KEY": "bench-secret",
    }
    if endpoint:
        env["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = endpoint
    command = [
        sys.executable,
        "-m",
        "aiprism_desktop.cli",
        "review",
        str(document),
        "--provider",
        provider,
        "--out",
        str(work / "reviewed.docx"),
        "--report",
        str(work / "report.json"),
        "--force",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"aiprism review failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, started


def one_run(document: Path, scenario: str) -> RunResult:
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        lead = tail = 0.0
        if scenario == "offline":
            wall, cpu, _started = review(document, work, provider="offline", endpoint=None)
            calls = throttled = 0
        else:
            with fake_bedrock(QUOTA if scenario == "quota" else None) as fake:
                wall, cpu, started = review(
                    document, work, provider="bedrock", endpoint=fake.endpoint_url
                )
                converse = [r for r in fake.requests if r.operation.startswith("converse")]
                calls = sum(1 for r in converse if not r.outcome.startswith("throttled"))
                throttled = len(converse) - calls
                arrivals = sorted(r.received_at for r in converse)
                lead = arrivals[0] - started
                tail = started + wall - (arrivals[-1] + LATENCY_S)
        report = json.loads((work / "report.json").read_text(encoding="utf-8"))
    return RunResult(wall, cpu, calls, throttled, report, lead, tail)


def _row(label: str, values: list[float], unit: str = "s") -> str:
    return (
        f"  {label:<30} min {min(values):7.2f}  median {statistics.median(values):7.2f}  "
        f"max {max(values):7.2f} {unit}"
    )


def report_scenario(name: str, runs: list[RunResult], concurrency: int) -> None:
    walls = [r.wall_s for r in runs]
    print(f"{name} ({len(runs)} runs):")
    print(_row("wall time", walls))
    if name == "offline":
        print(_row("CPU time (user + system)", [r.cpu_s for r in runs]))
        return
    run_info = [r.report.get("run", {}) for r in runs]
    failed = max(int(info.get("failed", 0)) for info in run_info if isinstance(info, dict))
    calls = max(r.calls for r in runs)
    width = QUOTA if name == "quota" else concurrency
    sections = realistic.SECTIONS
    ideal = LATENCY_S * math.ceil((sections if name == "quota" else calls) / width)
    ratios = [w / ideal for w in walls]
    target = QUOTA_TARGET if name == "quota" else BEDROCK_TARGET
    verdict = "ok" if statistics.median(ratios) <= target else f"OVER {target}"
    print(f"  model calls (answered)         {calls} for {sections} sections")
    print(f"  throttled requests             max {max(r.throttled for r in runs)}")
    print(f"  ideal                          {ideal:.1f} s (2 s × ceil(n / {width}))")
    print(_row("ratio to ideal", ratios, f"×  {verdict} (target ≤ {target})"))
    print(_row("start → first model call", [r.lead_s for r in runs]))
    print(_row("last answer → exit", [r.tail_s for r in runs]))
    print(f"  sections failed                {failed}")
    levels = [info.get("concurrency") for info in run_info if isinstance(info, dict)]
    print(f"  adaptive concurrency settled   {levels[-1]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=("bedrock", "quota", "offline"))
    args = parser.parse_args(argv)
    ensure_compiled()
    concurrency = int(declared("review.concurrency").default)
    with tempfile.TemporaryDirectory() as directory:
        document = realistic.generate(Path(directory) / "realistic.docx")
        print(
            f"document: {realistic.SECTIONS} sections of ~30,000 characters; CLI defaults "
            f"(concurrency {concurrency}); fake model latency {LATENCY_S:g} s"
        )
        for scenario in ("bedrock", "quota", "offline"):
            if args.only and scenario != args.only:
                continue
            runs = [one_run(document, scenario) for _ in range(args.repeat)]
            report_scenario(scenario, runs, concurrency)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
