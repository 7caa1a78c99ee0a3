"""The desktop build's committed files: the CI workflow lints clean and the spec bundles what
the frozen app needs (./test also builds it and runs its --self-test: packaging/pyinstaller)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "desktop-build.yml"
SPEC = REPO_ROOT / "packaging" / "pyinstaller" / "aiprism-desktop.spec"


def test_actionlint_finds_nothing_in_the_workflow() -> None:
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert actionlint, "actionlint is a test dependency"
    result = subprocess.run(
        [actionlint, "-no-color", str(WORKFLOW)], capture_output=True, text=True, timeout=120
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    text = WORKFLOW.read_text()
    for runner in ("ubuntu-", "macos-", "windows-"):
        assert runner in text
    assert "packaging/pyinstaller/build.sh" in text


def test_the_spec_bundles_what_the_frozen_app_needs() -> None:
    spec = SPEC.read_text()
    for needed in (
        '(str(REPO / "resources"), "resources")',
        'collect_data_files("botocore")',
        'copy_metadata("keyring")',
        'collect_submodules("keyring.backends")',
        "org.openxmlformats.wordprocessingml.document",
        "CFBundleDocumentTypes",
    ):
        assert needed in spec
    compile(spec, str(SPEC), "exec")  # a Python file PyInstaller can run
