"""Opening the database: pragmas, permissions, refusing what we must not touch, backups."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from aiprism_desktop.store import (
    SCHEMA_VERSION,
    AppPaths,
    Store,
    StoreBusyError,
    StoreCorruptError,
    StoreForeignError,
    StoreMigrationError,
    StoreTooNewError,
    StoreWriteError,
    SyncStore,
)
from aiprism_desktop.store import db as db_module
from aiprism_desktop.store.migrations import APPLICATION_ID, migrate


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_wal_full_sync_foreign_keys_on(paths: AppPaths) -> None:
    with SyncStore.open(paths) as store:
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert store.schema_version() == SCHEMA_VERSION
        assert store.integrity_problems() == []
    # WAL is a property of the file: a plain connection sees it too.
    with raw(paths.db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_database_and_wal_files_are_private(paths: AppPaths) -> None:
    with SyncStore.open(paths) as store:
        store.set_setting("ui.theme", "dark")  # a write, so the -wal and -shm files exist
        files = [paths.db_path, Path(f"{paths.db_path}-wal"), Path(f"{paths.db_path}-shm")]
        for file in files:
            assert file.exists(), file
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert stat.S_IMODE(paths.data_dir.stat().st_mode) == 0o700


def test_fresh_database_makes_no_backup(paths: AppPaths) -> None:
    SyncStore.open(paths).close()
    assert not paths.backup_dir.exists() or not any(paths.backup_dir.iterdir())


def _v1_database_with_a_document(paths: AppPaths) -> None:
    paths.ensure()
    with raw(paths.db_path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        migrate(conn, target=1)
        conn.execute(
            "INSERT INTO documents VALUES ('doc', '/a.docx', 'A', 'docx', '[]', '2024-01-01')"
        )
    conn.close()


def test_backup_is_taken_before_upgrading(paths: AppPaths) -> None:
    _v1_database_with_a_document(paths)
    with SyncStore.open(paths) as store:
        assert store.schema_version() == SCHEMA_VERSION
    backups = list(paths.backup_dir.iterdir())
    assert len(backups) == 1
    assert backups[0].name.startswith("aiprism-v1-")
    if sys.platform != "win32":
        assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    with raw(backups[0]) as conn:  # the copy is the old schema, with the data
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT id FROM documents").fetchall() == [("doc",)]
    conn.close()
    # Opening the upgraded database again takes no further backup.
    SyncStore.open(paths).close()
    assert len(list(paths.backup_dir.iterdir())) == 1


def test_failed_migration_leaves_previous_version(paths: AppPaths) -> None:
    _v1_database_with_a_document(paths)
    with raw(paths.db_path) as conn:  # something in the way of migration 2
        conn.execute("CREATE TABLE chat_messages (x)")
    conn.close()
    with pytest.raises(StoreMigrationError) as info:
        SyncStore.open(paths)
    assert info.value.code == "STORE_MIGRATION_FAILED"
    with raw(paths.db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT id FROM documents").fetchall() == [("doc",)]
    conn.close()
    (backup,) = paths.backup_dir.iterdir()
    assert f"saved as {backup}" in info.value.message  # the copy that really exists


def test_database_from_a_newer_app_is_refused_untouched(paths: AppPaths) -> None:
    SyncStore.open(paths).close()
    with raw(paths.db_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = digest(paths.db_path)
    with pytest.raises(StoreTooNewError) as info:
        SyncStore.open(paths)
    assert info.value.code == "STORE_TOO_NEW"
    assert "newer version" in info.value.message
    assert digest(paths.db_path) == before
    assert not paths.backup_dir.exists() or not any(paths.backup_dir.iterdir())


def test_another_programs_database_is_refused(paths: AppPaths) -> None:
    paths.ensure()
    with raw(paths.db_path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.close()
    before = digest(paths.db_path)
    with pytest.raises(StoreForeignError):
        SyncStore.open(paths)
    assert digest(paths.db_path) == before


def test_garbage_file_is_reported_as_corrupt(paths: AppPaths) -> None:
    paths.ensure()
    paths.db_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreCorruptError) as info:
        SyncStore.open(paths)
    assert info.value.code == "STORE_CORRUPT"
    assert paths.db_path.read_bytes() == b"this is not a database" * 100
    # No copy exists, so none is promised: the advice is to move the file away.
    assert "There is no backup copy" in info.value.message
    assert f"Move {paths.db_path} away" in info.value.message


def test_corrupt_database_advice_names_the_newest_backup(paths: AppPaths) -> None:
    _v1_database_with_a_document(paths)
    SyncStore.open(paths).close()  # upgrading takes the backup
    (backup,) = paths.backup_dir.iterdir()
    for suffix in ("-wal", "-shm"):
        Path(f"{paths.db_path}{suffix}").unlink(missing_ok=True)
    paths.db_path.write_bytes(b"\0" * 8192)
    with pytest.raises(StoreCorruptError) as info:
        SyncStore.open(paths)
    assert f"The newest copy, taken before an upgrade, is {backup}" in info.value.message


def test_lock_held_too_long_is_a_busy_error(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    store = SyncStore.open(paths)
    other = raw(paths.db_path)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusyError) as info:
            store.set_setting("ui.theme", "dark")
        assert info.value.code == "STORE_BUSY"
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.set_setting("ui.theme", "dark")  # works once the lock is gone
    store.close()


def test_async_open_refuses_too_new_as_well(paths: AppPaths) -> None:
    SyncStore.open(paths).close()
    with raw(paths.db_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreTooNewError):
        asyncio.run(Store.open(paths))


def test_unusable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")  # even root cannot create a folder inside a file
    with pytest.raises(StoreWriteError) as info:
        SyncStore.open(AppPaths.resolve(data_dir=in_the_way / "data"))
    assert info.value.code == "STORE_DATA_DIR"
    assert f"{in_the_way} is a file, not a folder" in info.value.message
