"""The worker path: one analysis from bytes, with no database, keyring, platformdirs or root
logging — what the team server's Celery worker runs."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.support.app_services import SAMPLE
from tests.support.paths import REPO_ROOT

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, logging, sys
    from pathlib import Path

    from aiprism_desktop.app import worker
    from aiprism_desktop.core.frameworks import load_frameworks
    from aiprism_desktop.core.ooxml.reader import read_document

    async def main():
        data = Path(sys.argv[1]).read_bytes()
        document = read_document("upload.docx", data=data)
        framework = load_frameworks(None)["hawkeye"]
        reviewer = await worker.build_reviewer(worker.WorkerSettings(provider="offline"))
        ids = [s.id for s in document.sections[:4]]
        result = await worker.analyze(document, framework, reviewer, ids)
        await reviewer.aclose()
        print(json.dumps({
            "status": result.run.status,
            "sections": sorted(result.sections),
            "findings": sum(len(getattr(e, "findings", ())) for e in result.sections.values()),
            "loaded": sorted(m for m in ("sqlite3", "keyring", "platformdirs", "PySide6")
                             if m in sys.modules),
            "root_handlers": len(logging.getLogger().handlers),
        }))

    asyncio.run(main())
    """
)


def test_a_worker_analyses_a_document_from_bytes_without_desktop_services() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(SAMPLE)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["status"] == "completed"
    assert len(report["sections"]) == 4
    assert report["findings"] > 0
    assert report["loaded"] == []
    assert report["root_handlers"] == 0
