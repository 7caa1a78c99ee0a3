"""Child process of the SIGKILL test: a scripted review that acknowledges each decision.

    python -m tests.store.crash_child <data dir> <seed>

Prints ``READY <events already stored>`` once the store is open, then, for every decision, only
after ``Store.append`` has returned: ``ACK <seq> <finding id> <event digest> <state digest>``,
flushed at once. It runs until it is killed (or, as a safety net, for ``MAX_SECONDS``).
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from pathlib import Path

from aiprism_desktop.core.findings import DecisionEvent
from aiprism_desktop.store import AppPaths, Store
from tests.store.crash_script import (
    DOCUMENT,
    DOCUMENT_ID,
    FINDINGS,
    ReviewScript,
    event_digest,
    rebuild,
    state_digest,
)

MAX_SECONDS = 30.0


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def review(data_dir: Path, seed: int) -> None:
    store = await Store.open(AppPaths.resolve(data_dir=data_dir))
    try:
        await store.save_document(DOCUMENT)
        reviewed = await store.reviewed_sections(DOCUMENT_ID)
        for section_id, findings in FINDINGS.items():
            if section_id not in reviewed:
                await store.save_findings(DOCUMENT_ID, section_id, findings)
        state = rebuild(await store.findings(DOCUMENT_ID), await store.events(DOCUMENT_ID))
        emit(f"READY {len(state.events)}")
        rng = random.Random(seed)
        script = ReviewScript(rng, tag=f"c{seed}")
        deadline = time.monotonic() + MAX_SECONDS
        while time.monotonic() < deadline:
            # Mostly one decision at a time; sometimes a burst appended concurrently (several
            # quick clicks), which the store must commit in call order.
            burst = 1 if rng.random() < 0.8 else rng.randint(2, 4)
            preview = state
            planned: list[DecisionEvent] = []
            for _ in range(burst):
                event = script.next_event(preview, allow_history=burst == 1)
                preview = preview.apply(event)
                planned.append(event)
            stored = await asyncio.gather(*(store.append(DOCUMENT_ID, e) for e in planned))
            for event in stored:
                state = state.apply(event)
                emit(
                    f"ACK {event.seq} {event.finding_id or '-'} {event_digest(event)} "
                    f"{state_digest(state)}"
                )
    finally:
        await store.close()


def main() -> None:
    data_dir, seed = Path(sys.argv[1]), int(sys.argv[2])
    asyncio.run(review(data_dir, seed))


if __name__ == "__main__":
    main()
