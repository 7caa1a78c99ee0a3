"""File names that are not valid UTF-8 (any byte string is a legal name on Linux)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from aiprism_desktop.store import AppPaths, Store
from tests.support.store_factories import make_document

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="Windows names are UTF-16")


@posix_only
def test_a_non_utf8_path_is_stored_and_read_back_byte_for_byte(paths: AppPaths) -> None:
    raw = b"/reports/caf\xe9 \xff\xfe.docx"  # Latin-1 é and bytes no encoding decodes
    document = dataclasses.replace(make_document(), path=Path(os.fsdecode(raw)))

    async def main() -> None:
        store = await Store.open(paths)
        try:
            await store.save_document(document)
            stored = await store.get_document(document.sha256)
            recent = await store.recent_documents()
        finally:
            await store.close()
        assert stored is not None
        assert os.fsencode(stored.path) == raw
        assert [os.fsencode(d.path) for d in recent] == [raw]

    asyncio.run(main())


def test_a_utf8_path_is_still_stored_as_text(paths: AppPaths) -> None:
    """Ordinary names stay readable with any SQLite tool."""
    document = dataclasses.replace(make_document(), path=Path("/reports/café — ✓.docx"))

    async def main() -> None:
        store = await Store.open(paths)
        try:
            await store.save_document(document)
            stored = await store.get_document(document.sha256)
        finally:
            await store.close()
        assert stored is not None
        assert stored.path == document.path

    asyncio.run(main())
    with sqlite3.connect(paths.db_path) as conn:
        (kind,) = conn.execute("SELECT typeof(path) FROM documents").fetchone()
    assert kind == "text"
