"""The CLI with ``--provider bedrock`` against the fake Bedrock server (real boto3 in a child)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from tests.commands.conftest import SAMPLE, RunCli
from tests.fakes.bedrock_scenario import ModelScript, Outcome, Scenario
from tests.fakes.fake_bedrock import FakeBedrock

QUOTE = "The root cause was human error"
FINDING = {
    "type": "critical",
    "risk": "high",
    "category": "Root Cause",
    "description": "The write-up stops at human error and names no systemic cause.",
    "suggestion": "Say which control should have caught the change.",
    "example": "",
    "questions": ["Which check should have stopped the bank-account change?"],
    "quote": QUOTE,
    "framework_refs": [11],
    "confidence": 0.9,
}


def aws_env(endpoint: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "AKIDTESTFAKE",
        "AWS_SECRET_ACCESS_KEY": "fake-secret",
    }


@pytest.fixture
def fake() -> Iterator[FakeBedrock]:
    scenario = Scenario(default=ModelScript(outcomes=(Outcome(findings=(FINDING,)),)))
    with FakeBedrock(scenario) as server:
        yield server


def test_review_with_bedrock_records_the_answering_model(
    run_cli: RunCli, fake: FakeBedrock, tmp_path: Path
) -> None:
    out, report = tmp_path / "out.docx", tmp_path / "report.json"
    result = run_cli(
        "--verbose",
        "review",
        SAMPLE,
        "--provider",
        "bedrock",
        "--sections",
        "7",
        "--accept-all",
        "--out",
        out,
        "--report",
        report,
        extra_env=aws_env(fake.endpoint_url),
    )
    assert result.returncode == 0, result.stderr
    assert "sonnet-4-5: ok" in result.stderr  # --verbose prints the attempt log
    data = json.loads(report.read_text(encoding="utf-8"))
    (finding,) = data["findings"]
    assert finding["origin"] == "model:sonnet-4-5"
    assert finding["quote"] == QUOTE
    assert [a["model"] for a in data["attempts"]["s007"]] == ["sonnet-4-5"]
    (comment,) = docx.Document(str(out)).comments
    assert "sonnet-4-5" in comment.text
    assert fake.requests[0].model_id.startswith("us.anthropic.claude-sonnet-4-5")


def test_every_model_failing_exits_4_and_names_the_attempts(
    run_cli: RunCli, tmp_path: Path
) -> None:
    scenario = Scenario(default=ModelScript(outcomes=(Outcome(kind="error", error="no_access"),)))
    with FakeBedrock(scenario) as server:
        result = run_cli(
            "review",
            SAMPLE,
            "--provider",
            "bedrock",
            "--sections",
            "2",
            "--out",
            tmp_path / "out.docx",
            extra_env=aws_env(server.endpoint_url),
        )
    assert result.returncode == 4
    assert "Traceback" not in result.stderr
    assert "sonnet-4-5" in result.stderr
    assert "opus-4-1" in result.stderr
    assert not (tmp_path / "out.docx").exists()  # nothing invented, nothing written


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_bedrock_queues_sections_and_outbox_runs_them_later(
    run_cli: RunCli, tmp_path: Path
) -> None:
    offline = aws_env(f"http://127.0.0.1:{_closed_port()}")
    result = run_cli(
        "review",
        SAMPLE,
        "--provider",
        "bedrock",
        "--sections",
        "2-3",
        "--out",
        tmp_path / "out.docx",
        extra_env=offline,
    )
    assert result.returncode == 4
    assert "queued" in result.stderr
    listed = json.loads(run_cli("--json", "outbox", extra_env=offline).stdout)
    assert sorted(item["section_id"] for item in listed) == ["s002", "s003"]

    scenario = Scenario(default=ModelScript(outcomes=(Outcome(findings=()),)))
    with FakeBedrock(scenario) as server:
        drained = run_cli("outbox", "--run", extra_env=aws_env(server.endpoint_url))
        assert drained.returncode == 0, drained.stderr
        assert len(server.requests_for("converse")) == 2
    assert json.loads(run_cli("--json", "outbox", extra_env=offline).stdout) == []


def test_ctrl_c_cancels_and_keeps_finished_sections(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    scenario = Scenario(
        default=ModelScript(outcomes=(Outcome(findings=(), latency=0.2),)),
        models={
            "anthropic.claude-sonnet-4-5-20250929-v1:0": ModelScript(
                outcomes=(Outcome(findings=()), Outcome(findings=(), latency=60.0)),
            )
        },
    )
    with FakeBedrock(scenario) as server:
        env = {**cli_env, **aws_env(server.endpoint_url)}
        args = [
            "review",
            str(SAMPLE),
            "--provider",
            "bedrock",
            "--sections",
            "2-4",
            "--concurrency",
            "1",
            "--out",
            str(tmp_path / "out.docx"),
        ]
        child = subprocess.Popen(
            [sys.executable, "-m", "aiprism_desktop.cli", *args],
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while len(server.requests_for("converse")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(server.requests_for("converse")) == 2  # first done, second hanging
        started = time.monotonic()
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=30)
        assert time.monotonic() - started < 10
    assert child.returncode == 5, stderr
    assert "Traceback" not in stderr
    stats = subprocess.run(
        [sys.executable, "-m", "aiprism_desktop.cli", "--json", "stats", str(SAMPLE)],
        env=cli_env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(stats.stdout)["sections_analyzed"] == 1  # the finished one is kept


def test_chat_streams_the_answer_and_names_the_model(run_cli: RunCli, tmp_path: Path) -> None:
    answer = "The root cause section blames human error without naming a control."
    scenario = Scenario(default=ModelScript(outcomes=(Outcome(text=answer),)))
    with FakeBedrock(scenario) as server:
        result = run_cli(
            "chat",
            SAMPLE,
            "--section",
            "7",
            "--provider",
            "bedrock",
            "What is weak about the root cause?",
            extra_env=aws_env(server.endpoint_url),
        )
        body = server.requests_for("converse-stream")[0].body
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == answer
    assert "answered by sonnet-4-5" in result.stderr
    assert QUOTE in json.dumps(body)  # grounded: the current section went to the model


def test_models_lists_the_chain_with_region_profile_ids(run_cli: RunCli) -> None:
    result = run_cli("--json", "models", extra_env={"AWS_REGION": "eu-west-1"})
    assert result.returncode == 0, result.stderr
    models = json.loads(result.stdout)["models"]
    assert len(models) == 7
    assert models[0]["model_id"].startswith("eu.anthropic.claude-sonnet-4-5")
    states = {m["key"]: m["state"] for m in models}
    assert set(states.values()) <= {"ready", "disabled", "cooling_down", "not_offered"}
    # Sonnet 4.6 has no eu. profile: not offered here (without global routing), not "disabled".
    assert states["sonnet-4-6"] == "not_offered"
    assert next(m for m in models if m["key"] == "sonnet-4-6")["model_id"] is None


def test_global_routing_is_opt_in_where_the_region_has_its_own_profiles(run_cli: RunCli) -> None:
    env = {"AWS_REGION": "eu-west-1"}
    models = {
        m["key"]: m for m in json.loads(run_cli("--json", "models", extra_env=env).stdout)["models"]
    }
    assert models["sonnet-4-6"]["model_id"] is None  # no eu. profile: not sent out of the EU
    assert "without global routing" in models["sonnet-4-6"]["detail"]
    assert models["sonnet-4-5"]["model_id"].startswith("eu.")

    assert run_cli("config", "set", "bedrock.global_routing", "yes").returncode == 0
    opted = {
        m["key"]: m for m in json.loads(run_cli("--json", "models", extra_env=env).stdout)["models"]
    }
    assert opted["sonnet-4-6"]["model_id"].startswith("global.")
    assert opted["sonnet-4-5"]["model_id"].startswith("eu.")  # a geo profile still wins
