"""Benchmark: the longest event-loop stall while a window opens a document.

What a window does when a reviewer opens a file: open the services (store, settings,
frameworks), open the document and its stored review, build the offline reviewer; then once more
for a document already reviewed (its review restored from the store). A 10 ms timer probe on the
loop measures the longest stall. Target: ≤ 50 ms. Documents: the 300-page bench document
(``bench.document``) and the bundled sample. Min / median / max over 5 runs.

    .venv/bin/python -m bench.app_open [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from aiprism_desktop.app.logging_setup import remove_app_handlers
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.core.resources import resources_dir
from bench import document as document_bench
from bench.stall_probe import StallProbe

TARGET_MS = 50.0
SAMPLE = resources_dir() / "samples" / "investigation_report.docx"


async def one_run(path: Path, data_dir: Path) -> tuple[float, float, float]:
    """(stall opening fresh, stall re-opening reviewed, wall seconds of the fresh open)."""
    async with StallProbe() as fresh:
        started = time.perf_counter()
        services = await AppServices.open(data_dir)
        session = await ReviewSession.open(services, path)
        await services.reviewer("offline")
        wall = time.perf_counter() - started
    await session.analyze()
    await services.close()
    async with StallProbe() as reopened:
        services = await AppServices.open(data_dir)
        session = await ReviewSession.open(services, path)
        await services.reviewer("offline")
    assert session.state.analyzed_sections
    await services.close()
    remove_app_handlers()
    return fresh.longest_ms, reopened.longest_ms, wall


def _row(label: str, values: list[float], unit: str, target: float | None = None) -> str:
    verdict = ""
    if target is not None:
        verdict = "  ok" if statistics.median(values) <= target else f"  OVER {target:g}"
    return (
        f"  {label:<44} min {min(values):8.1f}  median {statistics.median(values):8.1f}  "
        f"max {max(values):8.1f} {unit}{verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        big = Path(directory) / "bench-300-pages.docx"
        document_bench.generate(big)
        for label, path in (("300-page document", big), ("bundled sample", SAMPLE)):
            fresh: list[float] = []
            again: list[float] = []
            walls: list[float] = []
            for run in range(args.repeat):
                data_dir = Path(directory) / f"data-{label[:3]}-{run}"
                stall_fresh, stall_again, wall = asyncio.run(one_run(path, data_dir))
                fresh.append(stall_fresh)
                again.append(stall_again)
                walls.append(wall * 1000)
            print(f"{label} ({args.repeat} runs):")
            print(_row("longest stall, first open + offline reviewer", fresh, "ms", TARGET_MS))
            print(_row("longest stall, re-open with stored review", again, "ms", TARGET_MS))
            print(_row("wall time of the first open", walls, "ms"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
