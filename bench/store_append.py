"""What durable decisions cost: decision-log appends with synchronous=FULL vs NORMAL.

    .venv/bin/python -m bench.store_append [appends]

WAL + synchronous=FULL fsyncs the WAL at every commit, so a decision survives a power cut;
NORMAL only fsyncs at checkpoints (a killed process loses nothing, a power cut may lose the
last decisions). Prints per-append latency for both through the synchronous API and through the
async Store (its one store thread), and the ratios. A reviewer clicks a few times a second at
most; anything well under 10 ms per append is invisible.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiprism_desktop.core.findings import Action, DecisionEvent
from aiprism_desktop.store import AppPaths, Store, SyncStore
from aiprism_desktop.store.db import Synchronous
from tests.fakes.synthetic import make_document

DOCUMENT = make_document(sections=3)


def event(n: int) -> DecisionEvent:
    return DecisionEvent(
        action=Action.ACCEPT,
        finding_id=f"f{n}",
        actor="bench",
        before={"decision": "pending"},
        after={"decision": "accepted"},
    )


def sync_latencies(root: Path, synchronous: Synchronous, count: int) -> list[float]:
    with SyncStore.open(AppPaths.resolve(data_dir=root), synchronous=synchronous) as store:
        store.save_document(DOCUMENT)
        latencies = []
        for n in range(count):
            start = time.perf_counter()
            store.append(DOCUMENT.sha256, event(n))
            latencies.append(time.perf_counter() - start)
    return latencies


async def async_latencies(root: Path, synchronous: Synchronous, count: int) -> list[float]:
    store = await Store.open(AppPaths.resolve(data_dir=root), synchronous=synchronous)
    try:
        await store.save_document(DOCUMENT)
        latencies = []
        for n in range(count):
            start = time.perf_counter()
            await store.append(DOCUMENT.sha256, event(n))
            latencies.append(time.perf_counter() - start)
    finally:
        await store.close()
    return latencies


def summary(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("NORMAL", "FULL"):
            synchronous: Synchronous = "FULL" if mode == "FULL" else "NORMAL"
            results[f"sync  {mode}"] = summary(
                sync_latencies(Path(tmp) / f"s-{mode}", synchronous, count)
            )
            results[f"async {mode}"] = summary(
                asyncio.run(async_latencies(Path(tmp) / f"a-{mode}", synchronous, count))
            )
    print(f"decision-log append latency, {count} appends each (ms)")
    for name, (median, p99) in results.items():
        print(f"  {name:12} median {median:7.3f}   p99 {p99:7.3f}")
    full_cost = results["sync  FULL"][0] / results["sync  NORMAL"][0]
    thread_cost = results["async FULL"][0] / results["sync  FULL"][0]
    print(f"FULL / NORMAL (median, sync API):      {full_cost:5.2f}x")
    print(f"async Store / sync API (median, FULL): {thread_cost:5.2f}x")


if __name__ == "__main__":
    main()
