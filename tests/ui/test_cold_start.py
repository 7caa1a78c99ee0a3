"""Cold start defers heavy imports: a window opened on a document with the offline reviewer
has not imported boto3, botocore or the rule pack (they load off the loop when first needed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import asyncio, json, sys
from concurrent.futures import ThreadPoolExecutor
import qasync
from aiprism_desktop.core.resources import resources_dir
from aiprism_desktop.ui.app import application, open_window

async def main():
    sample = resources_dir() / "samples" / "investigation_report.docx"
    window = await open_window(sample, data_dir=__import__("pathlib").Path(sys.argv[1]))
    loaded = sorted(m for m in ("boto3", "botocore", "aiprism_desktop.providers.offline.reviewer",
                                "docx") if m in sys.modules)
    opened = window.controller.session is not None
    window.close()
    await window.closed.wait()
    print("RESULT " + json.dumps({"loaded": loaded, "opened": opened}))

app = application()
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
loop.set_default_executor(ThreadPoolExecutor(2))
loop.run_until_complete(main())
"""


@pytest.mark.slow
def test_opening_a_document_imports_no_aws_sdk(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "data")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    assert result == {"loaded": [], "opened": True}
