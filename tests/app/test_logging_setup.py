"""configure_logging: private rotating file, console, redaction on every handler, library levels."""

from __future__ import annotations

import io
import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiprism_desktop.app import logging_setup
from aiprism_desktop.app.logging_setup import (
    configure_logging,
    default_log_dir,
    remove_app_handlers,
)

SECRET = "log-secret-value-8d1f"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    library_levels = {n: logging.getLogger(n).level for n in logging_setup.NOISY_LOGGERS}
    yield
    remove_app_handlers()
    root.setLevel(level)
    for name, value in library_levels.items():
        logging.getLogger(name).setLevel(value)
    logging.captureWarnings(False)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_file_and_console_are_redacted_and_private(tmp_path: Path) -> None:
    console = io.StringIO()
    log_dir = tmp_path / "logs"
    path = configure_logging(log_dir, "INFO", lambda: [SECRET], console_stream=console)
    logging.getLogger("aiprism_desktop.test").info("token=%s", SECRET)
    logging.getLogger("aiprism_desktop.test").info("Authorization: Bearer %s", "unlisted-token-x")

    for handler in logging.getLogger().handlers:
        handler.flush()
    written = path.read_text(encoding="utf-8")
    for output in (written, console.getvalue()):
        assert "token=[REDACTED]" in output
        assert SECRET not in output
        assert "unlisted-token-x" not in output
    assert _mode(path) == 0o600
    assert _mode(log_dir) == 0o700


def test_a_file_name_that_is_not_utf8_is_logged_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = configure_logging(tmp_path, "INFO", console=False)
    logging.getLogger("aiprism_desktop.test").warning("cannot open %s", "/docs/caf\udce9.docx")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "cannot open /docs/caf\\udce9.docx" in path.read_text(encoding="utf-8")
    assert "Logging error" not in capsys.readouterr().err


def test_library_loggers_are_quiet_unless_debug(tmp_path: Path) -> None:
    configure_logging(tmp_path, logging.INFO, console=False)
    assert logging.getLogger("botocore").level == logging.WARNING
    assert logging.getLogger("urllib3").level == logging.WARNING
    configure_logging(tmp_path, logging.DEBUG, console=False)
    assert logging.getLogger("botocore").level == logging.DEBUG
    assert logging.getLogger("boto3").level == logging.DEBUG


def test_reconfiguring_replaces_our_handlers_only(tmp_path: Path) -> None:
    foreign = logging.NullHandler()
    logging.getLogger().addHandler(foreign)
    try:
        configure_logging(tmp_path, "INFO", console_stream=io.StringIO())
        configure_logging(tmp_path, "DEBUG", console_stream=io.StringIO())
        ours = [h for h in logging.getLogger().handlers if getattr(h, "_aiprism_handler", False)]
        assert len(ours) == 2
        assert foreign in logging.getLogger().handlers
    finally:
        logging.getLogger().removeHandler(foreign)


def test_rotated_files_stay_private(tmp_path: Path) -> None:
    path = configure_logging(tmp_path, "INFO", console=False)
    logging.getLogger("aiprism_desktop.test").info("before rotation")
    (handler,) = [h for h in logging.getLogger().handlers if getattr(h, "_aiprism_handler", False)]
    assert isinstance(handler, logging_setup.PrivateRotatingFileHandler)
    handler.doRollover()
    logging.getLogger("aiprism_desktop.test").info("after rotation")
    assert _mode(path) == 0o600
    assert _mode(path.with_name(path.name + ".1")) == 0o600


def test_default_log_dir_follows_xdg_state_home(isolated_app_dirs: Path) -> None:
    assert default_log_dir() == isolated_app_dirs / "state" / "AI-Prism" / "log"


def test_unknown_level_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown log level"):
        configure_logging(tmp_path, "CHATTY", console=False)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_log_file_on_a_full_disk_is_reported_once_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(tmp_path, "INFO", console=False)
    (handler,) = [h for h in logging.getLogger().handlers if getattr(h, "_aiprism_handler", False)]
    assert isinstance(handler, logging_setup.PrivateRotatingFileHandler)
    assert handler.stream is not None
    handler.stream.close()
    handler.stream = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 - every write: ENOSPC
    for n in range(3):
        logging.getLogger("aiprism_desktop.test").warning("record %d", n)
    remove_app_handlers()  # as on quit: closing flushes into the full disk once more
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert "cannot be written (No space left on device)" in err
