"""Benchmark: analyze-all of a 40-section document through a scripted provider.

Runs at 0 ms and 200 ms simulated latency with concurrency 1, 4 and 8 and compares the wall
time with the ideal, latency × ceil(sections / concurrency). Target: ≤ 1.1 × the ideal. With
0 ms latency the wall time is the engine's own overhead (prompt building, anchoring, caching,
events), reported per section.

    .venv/bin/python -m bench.engine
"""

from __future__ import annotations

import asyncio
import math
import statistics
import tempfile
import time
from pathlib import Path

from aiprism_desktop.app.memory_ports import MemoryCache, MemoryFindings
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.frameworks import load_frameworks
from aiprism_desktop.store.paths import AppPaths
from aiprism_desktop.store.store import Store
from tests.fakes.scripted_provider import ScriptedReviewer
from tests.fakes.synthetic import make_document

SECTIONS = 40
TARGET_RATIO = 1.1


async def run_once(latency: float, concurrency: int, salt: str) -> float:
    """Wall time of one analyze-all with in-memory persistence."""
    document = make_document(sections=SECTIONS, paragraphs_per_section=8, salt=salt)
    reviewer = ScriptedReviewer(latency=latency, max_concurrency=concurrency)
    engine = ReviewEngine(
        reviewer,
        load_frameworks(None)["hawkeye"],
        cache=MemoryCache(),
        findings=MemoryFindings(),
        concurrency=concurrency,
    )
    start = time.perf_counter()
    result = await engine.analyze(document)
    elapsed = time.perf_counter() - start
    assert result.finished == SECTIONS
    assert reviewer.max_in_flight <= concurrency
    return elapsed


async def run_with_store(salt: str) -> float:
    """Wall time of one analyze-all (0 ms latency) persisting to the real SQLite store."""
    document = make_document(sections=SECTIONS, paragraphs_per_section=8, salt=salt)
    with tempfile.TemporaryDirectory() as directory:
        store = await Store.open(AppPaths.resolve(Path(directory)).ensure())
        try:
            await store.save_document(document)
            engine = ReviewEngine(
                ScriptedReviewer(),
                load_frameworks(None)["hawkeye"],
                cache=store,
                findings=store,
                outbox=store,
                concurrency=8,
            )
            start = time.perf_counter()
            result = await engine.analyze(document)
            elapsed = time.perf_counter() - start
        finally:
            await store.close()
    assert result.finished == SECTIONS
    return elapsed


def main() -> None:
    print(f"analyze-all, {SECTIONS} sections, scripted provider (median of runs)")
    print(f"{'latency':>8} {'conc':>5} {'wall s':>8} {'ideal s':>8} {'ratio':>6}  verdict")
    failures = 0
    for latency in (0.0, 0.2):
        for concurrency in (1, 4, 8):
            runs = 5 if latency == 0 else 1
            times = [
                asyncio.run(run_once(latency, concurrency, salt=f"{concurrency}-{i}"))
                for i in range(runs)
            ]
            wall = statistics.median(times)
            ideal = latency * math.ceil(SECTIONS / concurrency)
            if ideal:
                ratio = wall / ideal
                verdict = "ok" if ratio <= TARGET_RATIO else f"OVER target {TARGET_RATIO}×"
                failures += ratio > TARGET_RATIO
                print(
                    f"{latency * 1000:>6.0f}ms {concurrency:>5} {wall:>8.3f} {ideal:>8.2f} "
                    f"{ratio:>6.3f}  {verdict}"
                )
            else:
                per_section_ms = wall / SECTIONS * 1000
                print(
                    f"{latency * 1000:>6.0f}ms {concurrency:>5} {wall:>8.3f} {'-':>8} {'-':>6}  "
                    f"engine overhead {per_section_ms:.2f} ms/section"
                )
    stored = statistics.median(asyncio.run(run_with_store(f"store-{i}")) for i in range(3))
    print(
        f"with the SQLite store (synchronous=FULL), 0 ms latency: {stored:.3f} s, "
        f"{stored / SECTIONS * 1000:.2f} ms/section (findings + cache committed per section)"
    )
    print("all within target" if not failures else f"{failures} configuration(s) over target")


if __name__ == "__main__":
    main()
