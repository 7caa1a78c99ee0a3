"""Every repository protocol of core.ports, through the async Store on a real SQLite file."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from aiprism_desktop.core.document import DocumentWarning, SectionKind
from aiprism_desktop.core.errors import DataFormatError
from aiprism_desktop.core.findings import Action, DecisionEvent
from aiprism_desktop.core.ports import (
    DecisionLog,
    DocumentRepository,
    FindingRepository,
    ModelHealthRecord,
    ModelHealthRepository,
    Outbox,
    OutboxItem,
    ReviewCache,
    SectionReview,
)
from aiprism_desktop.store import (
    AppPaths,
    ChatRecord,
    Store,
    StoreClosedError,
    StoreRefusedDataError,
    SyncStore,
    UnknownDocumentError,
)
from tests.support.store_factories import make_cache_entry, make_document, make_event, make_finding

T = TypeVar("T")


def with_store(paths: AppPaths, body: Callable[[Store], Awaitable[T]]) -> T:
    """Run ``body`` against a freshly opened Store, closing it afterwards."""

    async def main() -> T:
        store = await Store.open(paths)
        try:
            return await body(store)
        finally:
            await store.close()

    return asyncio.run(main())


def test_store_satisfies_every_port_protocol(paths: AppPaths) -> None:
    # Checked by mypy: Store is assignable to each protocol the engine asks for.
    async def body(store: Store) -> None:
        documents: DocumentRepository = store
        findings: FindingRepository = store
        log: DecisionLog = store
        cache: ReviewCache = store
        outbox: Outbox = store
        health: ModelHealthRepository = store
        assert all(x is store for x in (documents, findings, log, cache, outbox, health))

    with_store(paths, body)


def test_documents_and_sections_round_trip(paths: AppPaths) -> None:
    document = dataclasses.replace(
        make_document(sections=3),
        warnings=(DocumentWarning("TRACKED_CHANGES", "Showing the accept-all view."),),
    )

    async def body(store: Store) -> None:
        assert await store.save_document(document) == document.sha256
        stored = await store.get_document(document.sha256)
        assert stored is not None
        assert (stored.path, stored.title, stored.source_format) == (
            document.path,
            document.title,
            "docx",
        )
        assert stored.warnings == document.warnings
        assert stored.section_count == 3
        sections = await store.sections(document.sha256)
        assert [s.section_id for s in sections] == [s.id for s in document.sections]
        assert [s.content_hash for s in sections] == [s.content_hash for s in document.sections]
        assert sections[0].kind is SectionKind.BODY
        assert await store.get_document("missing") is None

        # Saving again with one section gone removes that section only.
        shorter = dataclasses.replace(document, sections=document.sections[:2])
        await store.save_document(shorter)
        assert [s.section_id for s in await store.sections(document.sha256)] == ["s001", "s002"]

    with_store(paths, body)


def test_recent_documents_newest_first_and_delete_cascades(paths: AppPaths) -> None:
    first, second = make_document(salt="a"), make_document(salt="b")

    async def body(store: Store) -> None:
        await store.save_document(first)
        await asyncio.sleep(0.002)  # opened_at has millisecond resolution
        await store.save_document(second)
        assert [d.id for d in await store.recent_documents()] == [second.sha256, first.sha256]
        await store.save_findings(first.sha256, "s001", (make_finding("s001", 1),))
        await store.append(first.sha256, make_event("f-s001-1"))
        await store.append_chat(first.sha256, ChatRecord(role="user", text="Why?"))
        assert await store.delete_document(first.sha256) is True
        assert await store.findings(first.sha256) == ()
        assert await store.events(first.sha256) == ()
        assert await store.chat_history(first.sha256) == ()
        assert await store.integrity_problems() == []
        assert await store.delete_document(first.sha256) is False

    with_store(paths, body)


def test_findings_replace_per_section_in_document_order(paths: AppPaths) -> None:
    document = make_document(sections=3)
    doc_id = document.sha256

    async def body(store: Store) -> None:
        await store.save_document(document)
        third = (make_finding("s003", 1), make_finding("s003", 2))
        first = (make_finding("s001", 2), make_finding("s001", 1))
        await store.save_findings(doc_id, "s003", third)
        await store.save_findings(doc_id, "s001", first)
        assert await store.findings(doc_id) == first + third  # equal in every field
        replacement = (make_finding("s003", 9),)
        await store.save_findings(doc_id, "s003", replacement)
        assert await store.findings(doc_id) == first + replacement
        assert await store.reviewed_sections(doc_id) == frozenset({"s001", "s003"})
        await store.save_findings(doc_id, "s003", ())
        assert await store.findings(doc_id) == first

    with_store(paths, body)


def test_findings_of_another_section_are_refused(paths: AppPaths) -> None:
    document = make_document()

    async def body(store: Store) -> None:
        await store.save_document(document)
        with pytest.raises(ValueError, match="do not belong"):
            await store.save_findings(document.sha256, "s001", (make_finding("s002", 1),))

    with_store(paths, body)


def test_decision_log_assigns_seq_and_keeps_every_field(paths: AppPaths) -> None:
    document = make_document()
    own = dataclasses.replace(make_finding("s002", 5), origin="reviewer", author="Ann")
    added = DecisionEvent(
        action=Action.ADD, finding_id=own.id, actor="Ann", finding=own, after={"x": [1, "ü"]}
    )

    async def body(store: Store) -> list[DecisionEvent]:
        await store.save_document(document)
        appended = [
            await store.append(document.sha256, make_event("f-s001-1")),
            await store.append(document.sha256, make_event("f-s001-2", Action.REJECT, note="dup")),
            await store.append(document.sha256, added),
        ]
        undo = dataclasses.replace(make_event("f-s001-2", Action.REVERT), undo_of=appended[1].seq)
        appended.append(await store.append(document.sha256, undo))
        assert list(await store.events(document.sha256)) == appended
        assert await store.events(document.sha256, after_seq=appended[1].seq or 0) == tuple(
            appended[2:]
        )
        return appended

    appended = with_store(paths, body)
    seqs = [e.seq or 0 for e in appended]
    assert 0 not in seqs
    assert seqs == sorted(seqs)
    assert appended[2].finding == own
    assert appended[3].undo_of == appended[1].seq
    # And again after a reopen, through the synchronous API.
    with SyncStore.open(paths) as sync:
        assert list(sync.events(make_document().sha256)) == appended


def test_append_for_unknown_document_is_refused(paths: AppPaths) -> None:
    async def body(store: Store) -> None:
        with pytest.raises(UnknownDocumentError) as info:
            await store.append("no-such-document", make_event("f"))
        assert info.value.code == "STORE_UNKNOWN_DOCUMENT"

    with_store(paths, body)


def test_review_cache_round_trip(paths: AppPaths) -> None:
    key, review = make_cache_entry("hash-1")

    async def body(store: Store) -> None:
        assert await store.get(key) is None
        await store.put(key, review)
        assert await store.get(key) == review
        # Any part of the key changing is a miss.
        other = dataclasses.replace(key, model_chain=("model-b",))
        assert await store.get(other) is None
        newer = dataclasses.replace(review, model="model-a", findings=())
        await store.put(key, newer)
        assert await store.get(key) == newer
        assert await store.invalidate_cache(key) is True
        assert await store.get(key) is None
        await store.put(key, review)
        assert await store.clear_cache() == 1

    with_store(paths, body)


def test_outbox_is_idempotent_ordered_and_counts_failures(paths: AppPaths) -> None:
    document = make_document()
    doc_id = document.sha256

    def item(section: str, provider: str = "bedrock", payload: str = "{}") -> OutboxItem:
        return OutboxItem(
            id=0, document_id=doc_id, section_id=section, provider=provider, payload_json=payload
        )

    async def body(store: Store) -> None:
        await store.save_document(document)
        a = await store.enqueue(item("s001"))
        b = await store.enqueue(item("s002", provider="backend"))
        c = await store.enqueue(item("s003"))
        again = await store.enqueue(item("s001", payload='{"v": 2}'))
        assert again.id == a.id
        assert again.payload_json == '{"v": 2}'
        assert [i.id for i in await store.pending()] == [a.id, b.id, c.id]
        assert [i.id for i in await store.pending("bedrock")] == [a.id, c.id]
        await store.record_failure(a.id, "timeout")
        await store.record_failure(a.id, "x" * 5000)
        failed = (await store.pending("bedrock"))[0]
        assert (failed.attempts, len(failed.last_error)) == (2, 2000)
        chat = await store.enqueue(dataclasses.replace(item("s001"), kind="chat"))
        assert chat.id not in (a.id, b.id, c.id)
        await store.complete(a.id)
        await store.complete(a.id)  # already gone: no error
        assert [i.id for i in await store.pending()] == [b.id, c.id, chat.id]

    with_store(paths, body)


def test_model_health_round_trip(paths: AppPaths) -> None:
    cooling = ModelHealthRecord(
        "model-a", "cooling_down", until=1_800_000_000.5, reason="throttled", consecutive_failures=3
    )
    disabled = ModelHealthRecord("model-b", "disabled", reason="end of life")

    async def body(store: Store) -> None:
        assert await store.get_health("model-a") is None
        await store.put_health(cooling)
        await store.put_health(disabled)
        assert await store.get_health("model-a") == cooling
        ready = dataclasses.replace(cooling, state="ready", until=None, consecutive_failures=0)
        await store.put_health(ready)
        assert await store.all_health() == (ready, disabled)
        await store.clear_health("model-b")
        assert await store.all_health() == (ready,)

    with_store(paths, body)


def test_chat_history_in_order_with_limit(paths: AppPaths) -> None:
    document = make_document()

    async def body(store: Store) -> None:
        await store.save_document(document)
        turns = [
            ChatRecord(role="user", text="Is the timeline complete?", section_id="s002"),
            ChatRecord(role="assistant", text="No: step 3 has no date.", model="model-a"),
            ChatRecord(role="user", text="Thanks"),
        ]
        stored = [await store.append_chat(document.sha256, t) for t in turns]
        assert [dataclasses.replace(s, seq=None) for s in stored] == turns
        assert await store.chat_history(document.sha256) == tuple(stored)
        assert await store.chat_history(document.sha256, limit=2) == tuple(stored[1:])
        assert await store.clear_chat(document.sha256) == 3
        assert await store.chat_history(document.sha256) == ()

    with_store(paths, body)


def test_settings_round_trip(paths: AppPaths) -> None:
    async def body(store: Store) -> None:
        assert await store.get_setting("ui.theme", "system") == "system"
        await store.set_setting("ui.theme", "dark")
        await store.set_setting("review.concurrency", 4)
        await store.set_setting("bedrock.max_tokens", 4096)
        await store.set_setting("recent.frameworks", ["hawkeye", "custom"])
        assert await store.all_settings() == {
            "bedrock.max_tokens": 4096,
            "recent.frameworks": ["hawkeye", "custom"],
            "review.concurrency": 4,
            "ui.theme": "dark",
        }
        await store.delete_setting("ui.theme")
        assert await store.get_setting("ui.theme") is None

    with_store(paths, body)


def test_close_twice_is_harmless_and_later_calls_fail_clearly(paths: AppPaths) -> None:
    async def main() -> None:
        store = await Store.open(paths)
        await store.close()
        await store.close()
        assert store.closed
        with pytest.raises(StoreClosedError) as info:
            await store.all_settings()
        assert info.value.code == "STORE_CLOSED"

    asyncio.run(main())
    sync = SyncStore.open(paths)
    sync.close()
    sync.close()
    assert sync.closed


def test_pending_calls_finish_before_close(paths: AppPaths) -> None:
    document = make_document()

    async def main() -> int:
        store = await Store.open(paths)
        await store.save_document(document)
        appends = [
            asyncio.ensure_future(store.append(document.sha256, make_event(f"f{i}")))
            for i in range(20)
        ]
        await asyncio.sleep(0)  # let the appends start before closing
        await store.close()
        return len(await asyncio.gather(*appends))

    assert asyncio.run(main()) == 20
    with SyncStore.open(paths) as sync:
        assert len(sync.events(document.sha256)) == 20


def test_an_event_that_would_not_read_back_is_refused_before_commit(paths: AppPaths) -> None:
    document = make_document()
    wrong: Any = ["a"]  # a list where text belongs, as a buggy caller passed it
    bad = dataclasses.replace(make_finding("s002", 1), origin="reviewer", replacement=wrong)
    event = DecisionEvent(Action.ADD, bad.id, "Ann", finding=bad, after={"decision": "accepted"})

    async def body(store: Store) -> None:
        await store.save_document(document)
        with pytest.raises(StoreRefusedDataError) as info:
            await store.append(document.sha256, event)
        assert info.value.code == "STORE_REFUSED_DATA"
        assert "replacement" in (info.value.detail or "")
        assert await store.events(document.sha256) == ()  # nothing was written
        await store.append(document.sha256, make_event("f-s001-1"))  # the log still works

    with_store(paths, body)


def test_damaged_rows_are_reported_not_fatal(paths: AppPaths) -> None:
    document = make_document()
    key, review = make_cache_entry("hash-damaged")

    async def body(store: Store) -> None:
        await store.save_document(document)
        first = await store.append(document.sha256, make_event("f-s001-1"))
        await store.put(key, review)
        # Rows as an older, buggy version could have written them.
        with SyncStore.open(paths) as raw:
            raw._conn.execute(  # simulating another writer
                "INSERT INTO decision_events (document_id, action, finding_id, actor, at, "
                "event_json) VALUES (?, 'edit', 'f', 'Ann', 'then', ?)",
                (
                    document.sha256,
                    '{"action": "edit", "finding_id": "f", "actor": "Ann", '
                    '"at": "then", "after": {"replacement": ["a"]}}',
                ),
            )
            raw._conn.execute("UPDATE review_cache SET findings_json = '[{\"id\": 1}]'")
        last = await store.append(document.sha256, make_event("f-s001-2"))
        events, damaged = await store.readable_events(document.sha256)
        assert events == (first, last)
        [bad] = damaged
        assert (bad.action, bad.at) == ("edit", "then")
        assert first.seq is not None
        assert bad.seq > first.seq
        assert "replacement" in bad.problem
        with pytest.raises(DataFormatError, match=f"#{bad.seq}"):
            await store.events(document.sha256)  # the strict read names the row
        assert await store.get(key) is None  # an unreadable cache entry is a miss

    with_store(paths, body)


def test_section_reviews_keep_framework_model_and_attempts(paths: AppPaths) -> None:
    document = make_document()

    async def body(store: Store) -> None:
        await store.save_document(document)
        review = SectionReview("hawkeye", "model-b", '[{"model": "model-b"}]')
        await store.save_findings(document.sha256, "s001", (), review=review)
        await store.save_findings(document.sha256, "s002", (make_finding("s002", 1),))
        records = {r.section_id: r for r in await store.section_reviews(document.sha256)}
        assert set(records) == {"s001", "s002"} == await store.reviewed_sections(document.sha256)
        assert (records["s001"].framework_id, records["s001"].model) == ("hawkeye", "model-b")
        assert records["s001"].attempts_json == '[{"model": "model-b"}]'
        assert (records["s002"].framework_id, records["s002"].attempts_json) == ("", "[]")

    with_store(paths, body)
