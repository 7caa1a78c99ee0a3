"""Where the application keeps its files.

Defaults come from platformdirs (app "AI-Prism", author "AI-Prism"). For portable use and tests
the data dir can be moved with ``AIPRISM_DATA_DIR`` (or an explicit argument); then the cache,
logs and, unless ``AIPRISM_CONFIG_DIR`` says otherwise, the config move beneath it as well, so a
portable install writes nothing outside its own folder.

Everything we create is private to the user: directories 0o700, files 0o600. The review
database holds the documents' text and the reviewer's decisions.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

from aiprism_desktop.store.errors import DataDirError

APP_NAME = "AI-Prism"
APP_AUTHOR = "AI-Prism"
DATA_DIR_ENV = "AIPRISM_DATA_DIR"
CONFIG_DIR_ENV = "AIPRISM_CONFIG_DIR"
DB_FILENAME = "aiprism.sqlite3"

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


@dataclass(frozen=True, slots=True)
class AppPaths:
    """The four directories the application writes to."""

    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path

    @classmethod
    def resolve(
        cls,
        data_dir: Path | str | None = None,
        config_dir: Path | str | None = None,
        *,
        env: Mapping[str, str] | None = None,
    ) -> AppPaths:
        """Work out the paths: explicit arguments, then environment variables, then platformdirs.

        Nothing is created; call ``ensure()`` for that.
        """
        environ = os.environ if env is None else env
        data_override = data_dir if data_dir is not None else environ.get(DATA_DIR_ENV) or None
        config_override = (
            config_dir if config_dir is not None else environ.get(CONFIG_DIR_ENV) or None
        )
        if data_override is not None:
            data = Path(data_override).expanduser().absolute()
            config = (
                Path(config_override).expanduser().absolute()
                if config_override is not None
                else data / "config"
            )
            return cls(
                data_dir=data, config_dir=config, cache_dir=data / "cache", log_dir=data / "logs"
            )
        dirs = PlatformDirs(appname=APP_NAME, appauthor=APP_AUTHOR)
        config = (
            Path(config_override).expanduser().absolute()
            if config_override is not None
            else Path(dirs.user_config_dir)
        )
        return cls(
            data_dir=Path(dirs.user_data_dir),
            config_dir=config,
            cache_dir=Path(dirs.user_cache_dir),
            log_dir=Path(dirs.user_log_dir),
        )

    @property
    def db_path(self) -> Path:
        """The review database."""
        return self.data_dir / DB_FILENAME

    @property
    def backup_dir(self) -> Path:
        """Copies of the database taken before each schema upgrade."""
        return self.data_dir / "backups"

    def ensure(self) -> AppPaths:
        """Create the directories (0o700) if missing; return self for chaining.

        ``DataDirError`` (a ``StoreError``) when one cannot be created, e.g. because a file
        already has its name.
        """
        for directory in (self.data_dir, self.config_dir, self.cache_dir, self.log_dir):
            try:
                ensure_private_dir(directory)
                if not directory.is_dir():
                    raise NotADirectoryError(f"{directory} is not a folder")
            except OSError as exc:
                raise DataDirError(
                    f"The data folder {self.data_dir} cannot be used: {_why(directory, exc)} "
                    "Choose another folder with --data-dir or AIPRISM_DATA_DIR.",
                    detail=f"{directory}: {exc}",
                ) from exc
        return self


def _why(directory: Path, exc: OSError) -> str:
    """A reviewer-facing reason for a folder that cannot be created."""
    blocker = next((p for p in (directory, *directory.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        return f"{blocker} is a file, not a folder."
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return "you may not write there."
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full."
    return f"{exc.strerror or exc}."


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` and missing parents; the ones we create get mode 0o700.

    An existing directory keeps its mode: the user may have pointed us at a folder of theirs.
    """
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    directory.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    for created in missing:
        # mkdir's mode is filtered by the umask, and parents=True ignores it for parents.
        os.chmod(created, PRIVATE_DIR_MODE)


def ensure_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0o600 if missing; tighten its mode if it exists.

    SQLite gives its -wal and -shm files the database file's mode, so creating the database
    file ourselves first makes all three private.
    """
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE)
    os.close(fd)
    os.chmod(path, PRIVATE_FILE_MODE)
