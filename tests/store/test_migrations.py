"""Schema migrations: frozen snapshots of every released schema, and upgrades that keep data.

Old databases are built from the frozen ``schemas/vN.sql`` snapshots (what users' files at
version N really look like), filled with rows the way that version wrote them, then opened with
the current Store; every row must come back through the current API.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from aiprism_desktop.core.findings import Action
from aiprism_desktop.core.ports import CacheKey, ModelHealthRecord, SectionReview
from aiprism_desktop.store import SCHEMA_VERSION, AppPaths, ChatRecord, Store, SyncStore
from aiprism_desktop.store.migrations import APPLICATION_ID, MIGRATIONS, migrate
from aiprism_desktop.store.serde import event_to_json, finding_to_json, findings_to_json
from tests.support.store_factories import make_cache_entry, make_document, make_event, make_finding

SCHEMAS = Path(__file__).parent / "schemas"
DOCUMENT = make_document(sections=3, salt="migration")
DOC_ID = DOCUMENT.sha256
FINDINGS = (make_finding("s002", 1), make_finding("s002", 2))
EVENTS = (make_event("f-s002-1"), make_event("f-s002-2", Action.REJECT, note="duplicate"))
CACHE_KEY, CACHE_REVIEW = make_cache_entry("hash-migration")
HEALTH = ModelHealthRecord("model-a", "disabled", reason="end of life", updated_at="2024-01-01")


def schema_sql(conn: sqlite3.Connection) -> list[str]:
    """The schema as whitespace-normalized CREATE statements."""
    rows = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL"
    ).fetchall()
    return sorted(re.sub(r"\s+", " ", row[0]).strip() for row in rows)


def snapshot_sql(version: int) -> list[str]:
    conn = sqlite3.connect(":memory:")
    conn.executescript((SCHEMAS / f"v{version}.sql").read_text(encoding="utf-8"))
    try:
        return schema_sql(conn)
    finally:
        conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_migrations_produce_the_frozen_schema(version: int) -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    assert migrate(conn, target=version) == list(range(1, version + 1))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert schema_sql(conn) == snapshot_sql(version), (
        f"schema v{version} changed: released migrations must not be edited"
    )


def test_migration_numbers_are_consecutive() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))
    assert sorted(p.stem for p in SCHEMAS.glob("v*.sql")) == sorted(
        f"v{v}" for v in range(1, SCHEMA_VERSION + 1)
    )


# --- rows as each old version wrote them --------------------------------------------------


def insert_v1_rows(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO documents VALUES (?, ?, ?, 'docx', '[]', '2024-01-01T00:00:00.000Z')",
        (DOC_ID, str(DOCUMENT.path), DOCUMENT.title),
    )
    conn.executemany(
        "INSERT INTO sections VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (DOC_ID, s.id, i, s.title, s.level, s.kind.value, s.content_hash)
            for i, s in enumerate(DOCUMENT.sections)
        ],
    )
    conn.executemany(
        "INSERT INTO findings VALUES (?, 's002', ?, ?, ?)",
        [(DOC_ID, i, f.id, finding_to_json(f)) for i, f in enumerate(FINDINGS)],
    )
    conn.executemany(
        """INSERT INTO decision_events (document_id, action, finding_id, actor, at, event_json)
           VALUES (?, ?, ?, ?, ?, ?)""",
        [(DOC_ID, e.action.value, e.finding_id, e.actor, e.at, event_to_json(e)) for e in EVENTS],
    )
    conn.execute(
        """INSERT INTO review_cache (key, section_hash, provider, model, findings_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (
            CACHE_KEY.digest(),
            CACHE_KEY.section_hash,
            CACHE_KEY.provider,
            CACHE_REVIEW.model,
            findings_to_json(CACHE_REVIEW.findings),
            CACHE_REVIEW.created_at,
        ),
    )
    conn.execute(
        "INSERT INTO model_health VALUES (?, ?, NULL, ?, 0, ?)",
        (HEALTH.model_id, HEALTH.state, HEALTH.reason, HEALTH.updated_at),
    )
    conn.execute(
        """INSERT INTO outbox (document_id, section_id, provider, kind, payload_json, created_at)
           VALUES (?, 's003', 'bedrock', 'review', '{"framework": "hawkeye"}', '2024-01-01')""",
        (DOC_ID,),
    )
    conn.execute("INSERT INTO settings VALUES ('ui.theme', '\"dark\"', '2024-01-01')")


def insert_v2_rows(conn: sqlite3.Connection) -> None:
    insert_v1_rows(conn)
    conn.execute(
        """INSERT INTO chat_messages (document_id, role, text, model, section_id, at)
           VALUES (?, 'user', 'Is the timeline complete?', '', 's002', '2024-01-02')""",
        (DOC_ID,),
    )
    conn.execute(
        """INSERT INTO chat_messages (document_id, role, text, model, section_id, at)
           VALUES (?, 'assistant', 'No.', 'model-a', '', '2024-01-02')""",
        (DOC_ID,),
    )


def insert_v4_rows(conn: sqlite3.Connection) -> None:
    insert_v2_rows(conn)
    # v4 marked each section with saved findings as reviewed, without saying how.
    conn.execute(
        "INSERT INTO reviewed_sections VALUES (?, 's002', '2024-01-02T00:00:00.000Z')",
        (DOC_ID,),
    )


ROW_WRITERS: dict[int, Callable[[sqlite3.Connection], None]] = {
    0: lambda conn: None,
    1: insert_v1_rows,
    2: insert_v2_rows,
    3: insert_v2_rows,  # v3 only added columns with defaults: v2's inserts are valid v3 rows
    4: insert_v4_rows,
}


def test_every_earlier_version_has_an_upgrade_test() -> None:
    # Adding migration N+1 makes version N "earlier": it needs rows written the old way.
    assert set(ROW_WRITERS) == set(range(SCHEMA_VERSION))


def build_old_database(path: Path, version: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    if version > 0:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript((SCHEMAS / f"v{version}.sql").read_text(encoding="utf-8"))
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("BEGIN")
        ROW_WRITERS[version](conn)
        conn.execute("COMMIT")
    conn.close()


@pytest.mark.parametrize("version", sorted(ROW_WRITERS))
def test_upgrade_from_earlier_version_keeps_data(paths: AppPaths, version: int) -> None:
    build_old_database(paths.db_path, version)

    async def check() -> None:
        store = await Store.open(paths)
        try:
            assert await store.schema_version() == SCHEMA_VERSION
            assert await store.integrity_problems() == []
            if version == 0:
                assert await store.recent_documents() == ()
                return
            stored = await store.get_document(DOC_ID)
            assert stored is not None
            assert stored.title == DOCUMENT.title
            assert [s.content_hash for s in await store.sections(DOC_ID)] == [
                s.content_hash for s in DOCUMENT.sections
            ]
            assert await store.findings(DOC_ID) == FINDINGS
            assert await store.reviewed_sections(DOC_ID) == {"s002"}  # backfilled by v4
            # v5: how a section was reviewed is unknown for older reviews.
            [review] = await store.section_reviews(DOC_ID)
            assert (review.section_id, review.framework_id, review.model) == ("s002", "", "")
            assert review.attempts_json == "[]"
            events = await store.events(DOC_ID)
            assert [e.seq for e in events] == [1, 2]
            assert [dataclasses.replace(e, seq=None) for e in events] == list(EVENTS)
            cached = await store.get(CACHE_KEY)
            assert cached is not None
            assert (cached.findings, cached.model) == (CACHE_REVIEW.findings, CACHE_REVIEW.model)
            assert cached.attempts_json == "[]"  # v1/v2 did not keep the attempt log
            assert await store.all_health() == (HEALTH,)
            [queued] = await store.pending()
            assert (queued.section_id, queued.attempts, queued.last_error) == ("s003", 0, "")
            assert queued.payload_json == '{"framework": "hawkeye"}'
            assert await store.get_setting("ui.theme") == "dark"
            chat = await store.chat_history(DOC_ID)
            if version >= 2:
                assert [(c.role, c.text, c.model) for c in chat] == [
                    ("user", "Is the timeline complete?", ""),
                    ("assistant", "No.", "model-a"),
                ]
            else:
                assert chat == ()
            # The upgraded database takes new data of every kind.
            await store.record_failure(queued.id, "timeout")
            await store.append_chat(DOC_ID, ChatRecord(role="user", text="again"))
            appended = await store.append(DOC_ID, make_event("f-s002-1", Action.REVERT))
            assert appended.seq == 3
            await store.put(CacheKey("h2", "hawkeye@1", "review/3", "offline"), CACHE_REVIEW)
            await store.save_findings(
                DOC_ID, "s003", (), review=SectionReview("hawkeye", "model-a", "[]")
            )
            reviews = {r.section_id: r for r in await store.section_reviews(DOC_ID)}
            assert (reviews["s003"].framework_id, reviews["s003"].model) == ("hawkeye", "model-a")
        finally:
            await store.close()

    asyncio.run(check())
    if version > 0:
        assert any(p.name.startswith(f"aiprism-v{version}-") for p in paths.backup_dir.iterdir())
    with SyncStore.open(paths) as store:  # and it reopens cleanly
        assert store.integrity_problems() == []
