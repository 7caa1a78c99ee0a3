"""The provider dies mid-call: the section in flight is queued like the ones after it.

A real CLI review through boto3 against the fake Bedrock server, which is stopped while it holds
one section's request open (its connection is dropped without an answer). Nothing may be lost:
``outbox --run`` against a server that is back completes the review.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.commands.conftest import SAMPLE, RunCli
from tests.commands.test_cli_bedrock import FINDING, aws_env
from tests.fakes.bedrock_scenario import ModelScript, Outcome, Scenario
from tests.fakes.fake_bedrock import FakeBedrock

ANSWERED_BEFORE_DYING = 3
SECTIONS = "2-6"  # five sections: three answered, one in flight, one asked of a dead server


def test_the_section_in_flight_when_bedrock_dies_is_queued_not_failed(
    run_cli: RunCli, cli_env: dict[str, str], tmp_path: Path
) -> None:
    answers = (Outcome(findings=(FINDING,)),) * ANSWERED_BEFORE_DYING
    dying = Scenario(default=ModelScript(outcomes=(*answers, Outcome(kind="hang", seconds=120))))
    with FakeBedrock(dying) as server:
        args = ["review", str(SAMPLE), "--provider", "bedrock", "--sections", SECTIONS]
        args += ["--concurrency", "1", "--out", str(tmp_path / "a.docx")]
        child = subprocess.Popen(
            [sys.executable, "-m", "aiprism_desktop.cli", *args],
            env={**cli_env, **aws_env(server.endpoint_url)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while len(server.requests_for("converse")) <= ANSWERED_BEFORE_DYING:
            assert time.monotonic() < deadline, "the review never reached the hanging call"
            time.sleep(0.02)
    # The server is gone: the held connection was dropped, later connections are refused.
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == 4, stderr
    assert "ALL_MODELS_FAILED" not in stderr
    assert "No model could answer" not in stderr
    listed = json.loads(run_cli("--json", "outbox").stdout)
    stats = json.loads(run_cli("--json", "stats", SAMPLE).stdout)
    # Three answered; the one in flight and the one after it are queued; none failed.
    assert stats["sections_analyzed"] == ANSWERED_BEFORE_DYING
    queued = {item["section_id"] for item in listed}
    assert len(queued) == 5 - ANSWERED_BEFORE_DYING
    assert queued <= {"s002", "s003", "s004", "s005", "s006"}
    assert "could not be reviewed" not in stderr

    with FakeBedrock(Scenario(default=ModelScript(outcomes=(Outcome(findings=()),)))) as back:
        drained = run_cli("outbox", "--run", extra_env=aws_env(back.endpoint_url))
        assert drained.returncode == 0, drained.stderr
        assert len(back.requests_for("converse")) == len(listed)
    assert json.loads(run_cli("--json", "outbox").stdout) == []
    assert json.loads(run_cli("--json", "stats", SAMPLE).stdout)["sections_analyzed"] == 5
    report = tmp_path / "report.json"
    exported = run_cli("export", SAMPLE, "--out", tmp_path / "b.docx", "--report", report)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["statistics"]["sections_analyzed"] == 5
