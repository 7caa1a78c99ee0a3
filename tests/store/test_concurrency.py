"""The store's thread: concurrent callers are serialized in order, the loop is never blocked."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

from aiprism_desktop.core.findings import Action
from aiprism_desktop.store import AppPaths, Store, SyncStore
from tests.support.store_factories import make_document, make_event


def test_concurrent_appends_get_unique_seqs_in_call_order(paths: AppPaths) -> None:
    documents = [make_document(salt="one"), make_document(salt="two")]
    count = 200

    async def main() -> list[list[int]]:
        store = await Store.open(paths)
        try:
            for document in documents:
                await store.save_document(document)

            async def review(document_index: int, n: int) -> int:
                await asyncio.sleep(0)  # interleave the coroutines
                action = Action.ACCEPT if n % 2 else Action.REJECT
                event = make_event(f"f{n}", action, note=f"{document_index}:{n}")
                stored = await store.append(documents[document_index].sha256, event)
                assert stored.seq is not None
                return stored.seq

            seqs = await asyncio.gather(*(review(n % 2, n) for n in range(count)))
            logs = [await store.events(d.sha256) for d in documents]
        finally:
            await store.close()
        assert len(set(seqs)) == count
        assert list(seqs) == sorted(seqs)  # the single store thread runs calls in call order
        per_document = []
        for index, log in enumerate(logs):
            notes = [e.reason for e in log]
            assert notes == [f"{index}:{n}" for n in range(count) if n % 2 == index]
            per_document.append([e.seq or 0 for e in log])
        return per_document

    per_document = asyncio.run(main())
    assert sorted(per_document[0] + per_document[1]) == list(range(1, count + 1))
    with SyncStore.open(paths) as sync:  # all of them are on disk
        assert sum(len(sync.events(d.sha256)) for d in documents) == count


def test_loop_keeps_running_while_the_store_waits(paths: AppPaths) -> None:
    document = make_document()
    SyncStore.open(paths).close()
    blocker = sqlite3.connect(paths.db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock

    async def main() -> tuple[int, bool]:
        store = await Store.open(paths)
        try:
            save = asyncio.ensure_future(store.save_document(document))
            ticks = 0
            while ticks < 20:  # the loop runs freely while the save waits for the lock
                await asyncio.sleep(0.005)
                ticks += 1
            waited = not save.done()
            blocker.execute("ROLLBACK")
            assert await save == document.sha256
            return ticks, waited
        finally:
            await store.close()

    ticks, waited = asyncio.run(main())
    blocker.close()
    assert ticks == 20
    assert waited


def test_sqlite_runs_on_one_dedicated_thread(paths: AppPaths) -> None:
    async def main() -> set[str]:
        store = await Store.open(paths)
        names: set[str] = set()
        try:

            def where() -> str:
                return threading.current_thread().name

            for _ in range(5):
                names.add(await store._call(where))
            await asyncio.gather(*(store.get_setting("x") for _ in range(10)))
            names.add(await store._call(where))
        finally:
            await store.close()
        return names

    names = asyncio.run(main())
    assert len(names) == 1
    [name] = names
    assert name.startswith("aiprism-store")
    assert name != threading.current_thread().name
