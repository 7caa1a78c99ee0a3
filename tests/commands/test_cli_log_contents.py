"""What ``-v`` writes to the log file and the console: no document text, no URL passwords.

A real review through boto3 and the fake Bedrock server, with botocore's DEBUG output on (it
logs whole request and response bodies) and an endpoint URL carrying a password.
"""

from __future__ import annotations

import json
from pathlib import Path

import docx

from tests.commands.conftest import SAMPLE, RunCli
from tests.commands.test_cli_bedrock import FINDING, aws_env
from tests.fakes.bedrock_scenario import ModelScript, Outcome, Scenario
from tests.fakes.fake_bedrock import FakeBedrock

URL_PASSWORD = "pr0xy-Passw0rd-4f2a"


def confidential_snippets() -> list[str]:
    """Sentences of the sample (as written and as JSON would escape them) and the answer."""
    paragraphs = [p.text for p in docx.Document(str(SAMPLE)).paragraphs if len(p.text) > 80]
    sentences = [text[:60] for text in paragraphs]
    escaped = [json.dumps(text)[1:61] for text in paragraphs]
    return [*sentences, *escaped, str(FINDING["description"]), str(FINDING["suggestion"])]


def test_verbose_log_has_no_document_text_and_no_url_password(
    run_cli: RunCli, cli_env: dict[str, str]
) -> None:
    scenario = Scenario(default=ModelScript(outcomes=(Outcome(findings=(FINDING,)),)))
    with FakeBedrock(scenario) as server:
        host = server.endpoint_url.removeprefix("http://")
        env = aws_env(f"http://reviewer:{URL_PASSWORD}@{host}")
        out = Path(cli_env["AIPRISM_DATA_DIR"]) / "out.docx"
        args = ["-v", "review", SAMPLE, "--provider", "bedrock", "--sections", "2,7"]
        result = run_cli(*args, "--out", out, extra_env=env)
        assert len(server.requests_for("converse")) == 2
    assert result.returncode == 0, result.stderr
    logs = sorted((Path(cli_env["AIPRISM_DATA_DIR"]) / "logs").glob("aiprism.log*"))
    written = "".join(path.read_text(encoding="utf-8") for path in logs)

    assert "botocore.endpoint: Making request" in written  # the debug output is there…
    assert "reviewer:[REDACTED]@" in written  # …and the URL is kept, without its password
    for output in (written, result.stderr):
        assert URL_PASSWORD not in output
        for snippet in confidential_snippets():
            assert snippet not in output, snippet
