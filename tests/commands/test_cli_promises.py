"""What the CLI promises in the README: exit codes, errors knowable before any analysis,
credentials never reported saved when they were not, machine-readable errors with --json."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands.conftest import SAMPLE, RunCli

NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def test_a_secret_that_cannot_be_kept_is_not_reported_saved(run_cli: RunCli) -> None:
    saved = run_cli("credentials", "set-api-key", "--stdin", extra_env=NO_KEYRING, stdin="key\n")
    assert saved.returncode == 7, saved.stderr
    assert "NOT saved" in saved.stderr
    keys = run_cli(
        "credentials", "set-keys", "--stdin", extra_env=NO_KEYRING, stdin="AKIDTESTFAKE\nsecret\n\n"
    )
    assert keys.returncode == 7, keys.stderr
    method = run_cli("config", "get", "aws.auth_method", extra_env=NO_KEYRING)
    assert method.stdout.strip() == "default_chain"  # the sign-in method did not move


def test_an_output_folder_that_cannot_be_written_is_refused_before_any_analysis(
    run_cli: RunCli, tmp_path: Path
) -> None:
    blocker = tmp_path / "report-folder"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    result = run_cli("review", SAMPLE, "--out", blocker / "sub" / "out.docx")
    assert result.returncode == 2, result.stderr
    assert "is not a folder" in result.stderr
    assert "Reviewing" not in result.stderr  # no section was analysed first


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None,
    reason="permissions do not bind root, and setpriv (util-linux) is missing to drop its powers",
)
def test_a_read_only_output_folder_is_refused_before_any_analysis(
    run_cli: RunCli, tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = run_cli("review", SAMPLE, "--out", locked / "out.docx", bound_by_permissions=True)
    finally:
        locked.chmod(stat.S_IRWXU)
    assert result.returncode == 2, result.stderr
    assert "read-only" in result.stderr
    assert "Reviewing" not in result.stderr


def test_a_decisions_file_that_is_not_json_is_refused_before_any_analysis(
    run_cli: RunCli, tmp_path: Path
) -> None:
    decisions = tmp_path / "decisions.json"
    decisions.write_text("{not json", encoding="utf-8")
    result = run_cli(
        "--json", "review", SAMPLE, "--decisions", decisions, "--out", tmp_path / "o.docx"
    )
    assert result.returncode == 3, result.stderr
    assert "not valid JSON" in result.stderr
    assert "Reviewing" not in result.stderr
    report = json.loads(result.stdout)
    assert report["exit_code"] == 3
    assert report["error"]["code"] == "DECISIONS_FILE"


def test_json_errors_are_printed_on_stdout(run_cli: RunCli, tmp_path: Path) -> None:
    missing = run_cli("--json", "sections", tmp_path / "nothing-here.docx")
    assert missing.returncode == 3
    assert json.loads(missing.stdout)["error"]["code"] == "DOC_NOT_FOUND"
    unreviewed = run_cli("--json", "export", SAMPLE, "--out", tmp_path / "o.docx")
    assert unreviewed.returncode == 3
    assert json.loads(unreviewed.stdout)["error"]["code"] == "NOT_REVIEWED"


def test_enable_model_names_an_unknown_key_even_without_a_region(run_cli: RunCli) -> None:
    result = run_cli("enable-model", "nosuchmodel")
    assert result.returncode == 7
    assert "There is no model 'nosuchmodel'" in result.stderr
    assert "sonnet-4-5" in result.stderr
    assert "region" not in result.stderr.lower()


@pytest.mark.parametrize("command", ["sections", "findings"])
def test_output_into_a_closed_pipe_ends_quietly(cli_env: dict[str, str], command: str) -> None:
    """`aiprism sections x.docx | head`: the reader goes away; no traceback, exit 0."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE
    try:
        result = subprocess.run(
            [sys.executable, "-m", "aiprism_desktop.cli", command, str(SAMPLE)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in result.stderr
    assert "Broken pipe" not in result.stderr
    assert result.returncode == 0, result.stderr
