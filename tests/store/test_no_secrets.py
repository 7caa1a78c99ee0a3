"""Secrets never reach the database: no table for them, and settings refuse them."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiprism_desktop.store import AppPaths, SecretSettingError, SyncStore
from aiprism_desktop.store.tables.settings import looks_secret

SECRET_KEYS = [
    "aws_secret_access_key",
    "aws.secretKey",
    "backend.token",
    "auth_token",
    "refresh-token",
    "proxy.password",
    "PASSWORD",
    "bedrock.api_key",
    "apiKey",
    "aws_access_key_id",
    "credentials",
    "signing.private_key",
    "client_secret",
    "team.bearer",
]
PLAIN_KEYS = ["ui.theme", "bedrock.max_tokens", "tokenizer", "review.concurrency", "keyboard"]


@pytest.mark.parametrize("key", SECRET_KEYS)
def test_secret_looking_keys_are_refused(paths: AppPaths, key: str) -> None:
    with SyncStore.open(paths) as store:
        with pytest.raises(SecretSettingError) as info:
            store.set_setting(key, "hunter2-value")
        assert info.value.code == "STORE_SECRET_REFUSED"
        assert store.all_settings() == {}


@pytest.mark.parametrize("key", PLAIN_KEYS)
def test_ordinary_keys_are_accepted(key: str) -> None:
    assert not looks_secret(key, "dark")


@pytest.mark.parametrize(
    "value",
    [
        "AKIAIOSFODNN7EXAMPLE",
        {"nested": ["ASIAXXXXXXXXXXXXXXXX"]},
        "-----BEGIN RSA PRIVATE KEY-----\nMII...",
        "Bearer abcdefghijklmnopqrstuvwxyz",
    ],
)
def test_secret_values_are_refused_whatever_the_key(paths: AppPaths, value: object) -> None:
    with SyncStore.open(paths) as store, pytest.raises(SecretSettingError):
        store.set_setting("notes", value)


def test_no_table_or_column_can_hold_a_secret(paths: AppPaths) -> None:
    words = ("secret", "password", "token", "credential", "keyring")
    with SyncStore.open(paths) as store:
        names = [row[0] for row in store._conn.execute("SELECT name FROM sqlite_master")]
        for table in [n for n in names if not n.startswith("sqlite_")]:
            columns = [row[1] for row in store._conn.execute(f"PRAGMA table_info({table})")]
            for name in [table, *columns]:
                assert not any(w in name.lower() for w in words), name


def test_refused_secret_is_nowhere_in_the_files(paths: AppPaths) -> None:
    marker = "S3cr3t-MARKER-9f2c1d"
    with SyncStore.open(paths) as store:
        store.set_setting("ui.theme", "dark")
        with pytest.raises(SecretSettingError):
            store.set_setting("aws_secret_access_key", marker)
        store.checkpoint()
    for file in paths.data_dir.rglob("*"):
        if file.is_file():
            assert marker.encode() not in file.read_bytes(), file


def test_data_dir_holds_only_the_database(paths: AppPaths) -> None:
    SyncStore.open(paths).close()
    files = {p.name for p in Path(paths.data_dir).iterdir() if p.is_file()}
    assert files <= {"aiprism.sqlite3", "aiprism.sqlite3-wal", "aiprism.sqlite3-shm"}
