"""Where files go, overrides, and private permissions."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from aiprism_desktop.core.errors import StoreError
from aiprism_desktop.store import AppPaths, DataDirError
from aiprism_desktop.store.paths import ensure_private_dir, ensure_private_file

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_defaults_come_from_platformdirs(isolated_app_dirs: Path) -> None:
    paths = AppPaths.resolve()
    if sys.platform.startswith("linux"):
        # conftest points XDG_* at the test's home: platformdirs must follow them.
        assert paths.data_dir == isolated_app_dirs / "data" / "AI-Prism"
        assert paths.config_dir == isolated_app_dirs / "config" / "AI-Prism"
        assert paths.cache_dir == isolated_app_dirs / "cache" / "AI-Prism"
        assert paths.log_dir.is_relative_to(isolated_app_dirs / "state" / "AI-Prism")
    assert paths.db_path == paths.data_dir / "aiprism.sqlite3"
    assert paths.backup_dir == paths.data_dir / "backups"


def test_environment_moves_everything_under_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIPRISM_DATA_DIR", str(tmp_path / "portable"))
    paths = AppPaths.resolve()
    root = tmp_path / "portable"
    assert paths == AppPaths(root, root / "config", root / "cache", root / "logs")
    monkeypatch.setenv("AIPRISM_CONFIG_DIR", str(tmp_path / "cfg"))
    assert AppPaths.resolve().config_dir == tmp_path / "cfg"


def test_explicit_arguments_beat_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIPRISM_DATA_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("AIPRISM_CONFIG_DIR", str(tmp_path / "env-config"))
    paths = AppPaths.resolve(data_dir=tmp_path / "arg", config_dir=tmp_path / "arg-config")
    assert paths.data_dir == tmp_path / "arg"
    assert paths.config_dir == tmp_path / "arg-config"
    # An env mapping can be passed instead of os.environ.
    from_map = AppPaths.resolve(env={"AIPRISM_DATA_DIR": str(tmp_path / "m")})
    assert from_map.data_dir == tmp_path / "m"


def test_config_override_alone_keeps_platform_data_dir(
    tmp_path: Path, isolated_app_dirs: Path
) -> None:
    paths = AppPaths.resolve(config_dir=tmp_path / "cfg")
    assert paths.config_dir == tmp_path / "cfg"
    assert paths.data_dir == AppPaths.resolve().data_dir


@posix_only
def test_created_directories_are_private(tmp_path: Path) -> None:
    paths = AppPaths.resolve(data_dir=tmp_path / "a" / "b" / "data").ensure()
    for directory in (
        paths.data_dir,
        paths.config_dir,
        paths.cache_dir,
        paths.log_dir,
        tmp_path / "a",
        tmp_path / "a" / "b",
    ):
        assert directory.is_dir()
        assert mode(directory) == 0o700, directory


@posix_only
def test_existing_directory_keeps_its_mode(tmp_path: Path) -> None:
    mine = tmp_path / "users-folder"
    mine.mkdir(mode=0o755)
    os.chmod(mine, 0o755)
    ensure_private_dir(mine)
    assert mode(mine) == 0o755


@posix_only
def test_private_file_is_created_0600_and_tightened(tmp_path: Path) -> None:
    created = tmp_path / "new" / "file.db"
    ensure_private_file(created)
    assert mode(created) == 0o600
    loose = tmp_path / "loose.db"
    loose.write_bytes(b"kept")
    os.chmod(loose, 0o644)
    ensure_private_file(loose)
    assert mode(loose) == 0o600
    assert loose.read_bytes() == b"kept"


def test_a_file_in_place_of_the_data_dir_is_a_store_error(tmp_path: Path) -> None:
    in_the_way = tmp_path / "data.txt"
    in_the_way.write_text("a file, not a folder")
    with pytest.raises(DataDirError) as info:
        AppPaths.resolve(data_dir=in_the_way).ensure()
    assert isinstance(info.value, StoreError)
    assert info.value.code == "STORE_DATA_DIR"
    assert f"{in_the_way} is a file, not a folder" in info.value.message
