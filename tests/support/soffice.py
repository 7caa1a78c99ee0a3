"""Run headless LibreOffice over test files: one soffice start converts a whole batch."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest


def convert_with_soffice(
    target: str,
    files: Sequence[Path],
    outdir: Path,
    profile: Path,
    *,
    check: bool = True,
    timeout: float = 300,
) -> None:
    """``soffice --convert-to target`` of ``files`` into ``outdir``, with its own profile.

    Fails the test when soffice is missing (./test installs libreoffice-writer-nogui). With
    ``check=False`` files LibreOffice cannot read just get no output.
    """
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        pytest.fail(
            "LibreOffice (soffice) is not installed; ./test installs libreoffice-writer-nogui."
        )
    completed = subprocess.run(
        [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "HOME": str(profile.parent)},
        check=False,
    )
    if check:
        assert completed.returncode == 0, completed.stderr
