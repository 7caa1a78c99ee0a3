"""Run ``aiprism`` as a real child process with private app directories."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from aiprism_desktop.core.resources import resources_dir

SAMPLE = resources_dir() / "samples" / "investigation_report.docx"
RunCli = Callable[..., subprocess.CompletedProcess[str]]
# Root (as CI runs) ignores file permissions through two capabilities; a child started without
# them is bound by permissions as a reviewer's own account is (setpriv: util-linux).
WITHOUT_ROOT_POWERS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """The child's environment: the test's redirected XDG/HOME dirs, a private data dir."""
    env = dict(os.environ)
    env["AIPRISM_DATA_DIR"] = str(tmp_path / "aiprism-data")
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def run_cli(cli_env: dict[str, str]) -> RunCli:
    """``run_cli("review", ...)`` → CompletedProcess with text stdout/stderr."""

    def run(
        *args: str | Path,
        extra_env: Mapping[str, str] | None = None,
        timeout: float = 120,
        stdin: str | None = None,
        bound_by_permissions: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        env = {**cli_env, **(extra_env or {})}
        prefix = WITHOUT_ROOT_POWERS if bound_by_permissions and os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, sys.executable, "-m", "aiprism_desktop.cli", *map(str, args)],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
            input=stdin,
        )

    return run
