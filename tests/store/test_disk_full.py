"""A full disk (or a file-size limit) and a read-only data folder are told apart from damage.

The child processes get a real limit: ``RLIMIT_FSIZE`` (any POSIX machine), or a tiny tmpfs
(where the test may mount one: root in a container or CI). Each case checks the message a
reviewer gets, that it makes no false claim (a damaged database, a backup that does not exist),
and that the database is intact and usable once there is room again.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from aiprism_desktop.store import AppPaths, SyncStore
from tests.commands.conftest import SAMPLE
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")

FALSE_CLAIMS = ("damaged", "corrupt", "backups folder", "copy was saved", "Restore a copy")


def file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def run_child(
    args: list[str], *, limit: int | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        preexec_fn=None if limit is None else file_size_limit(limit),
        timeout=120,
        check=False,
    )


def store_until_refused(data_dir: Path, documents: int, limit: int | None = None) -> Any:
    result = run_child(
        ["-m", "tests.store.limited_child", str(data_dir), str(documents)], limit=limit
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return dict(json.loads(result.stdout))


def assert_no_room_message(message: str, folder: Path) -> None:
    assert "full" in message
    assert str(folder) in message
    for claim in FALSE_CLAIMS:
        assert claim not in message


def assert_intact_and_usable(data_dir: Path, documents: int) -> None:
    with SyncStore.open(AppPaths.resolve(data_dir=data_dir)) as store:
        assert store.integrity_problems() == []
        assert len(store.recent_documents(limit=1000)) == documents
        store.set_setting("ui.theme", "dark")  # writes again once there is room


@pytest.mark.parametrize("limit", [4096, 20_000, 40_000, 100_000])
def test_no_room_for_a_new_database_is_reported_as_a_full_disk(tmp_path: Path, limit: int) -> None:
    data_dir = tmp_path / "data"
    outcome = store_until_refused(data_dir, 1, limit=limit)
    assert outcome["saved"] == 0
    assert outcome["error"]["code"] == "STORE_DISK_FULL", outcome
    assert_no_room_message(outcome["error"]["message"], data_dir)
    assert not (data_dir / "backups").exists()
    assert_intact_and_usable(data_dir, 0)


def test_running_out_of_room_mid_review_keeps_every_saved_document(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert store_until_refused(data_dir, 2) == {"saved": 2, "error": None}
    grown = max(p.stat().st_size for p in data_dir.glob("aiprism.sqlite3*"))
    outcome = store_until_refused(data_dir, 200, limit=grown + 150_000)
    assert 0 < outcome["saved"] < 200
    assert outcome["error"]["code"] == "STORE_DISK_FULL", outcome
    assert_no_room_message(outcome["error"]["message"], data_dir)
    assert_intact_and_usable(data_dir, outcome["saved"])  # the first two are among them


def test_cli_on_a_full_disk_exits_7_with_the_reason(tmp_path: Path) -> None:
    env = {**os.environ, "AIPRISM_DATA_DIR": str(tmp_path / "data")}
    result = run_child(
        ["-m", "aiprism_desktop.cli", "findings", str(SAMPLE)], limit=20_000, env=env
    )
    assert result.returncode == 7, result.stderr
    assert "Traceback" not in result.stderr
    assert "full" in result.stderr
    for claim in FALSE_CLAIMS:
        assert claim not in result.stderr


@contextlib.contextmanager
def mounted_tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mount.returncode != 0:
        pytest.skip("mounting a small file system is not allowed here")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB file system of its own (a real ENOSPC), where mounting one is allowed."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    with mounted_tmpfs(tmp_path / "disk", "1m") as disk:
        yield disk


def test_a_really_full_disk_is_reported_as_full_and_loses_nothing(small_disk: Path) -> None:
    data_dir = small_disk / "data"
    other_files = small_disk / "other files"
    other_files.write_bytes(os.urandom(256 * 1024))  # what the reviewer deletes to make room
    outcome = store_until_refused(data_dir, 200)
    assert 0 < outcome["saved"] < 200
    assert outcome["error"]["code"] == "STORE_DISK_FULL", outcome
    assert_no_room_message(outcome["error"]["message"], data_dir)
    other_files.unlink()
    assert_intact_and_usable(data_dir, outcome["saved"])


def test_a_read_only_data_folder_is_not_reported_as_damage(small_disk: Path) -> None:
    data_dir = small_disk / "data"
    assert store_until_refused(data_dir, 1) == {"saved": 1, "error": None}
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    outcome = store_until_refused(data_dir, 1)
    assert outcome["error"]["code"] == "STORE_NOT_WRITABLE", outcome
    message = outcome["error"]["message"]
    assert "may not write" in message
    assert str(data_dir) in message
    for claim in FALSE_CLAIMS:
        assert claim not in message
