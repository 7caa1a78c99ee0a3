"""An export killed mid-write leaves a hidden temporary file; the next export removes it.

Only our own temporary files are removed, and only those no live writer holds: a file of
another program that looks similar, a recent one, or one an export in another process is
still writing stays where it is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aiprism_desktop.core.export.atomic_file import STALE_AFTER_S, atomic_replace
from tests.commands.conftest import SAMPLE
from tests.support.docx_factory import replace_parts
from tests.support.paths import REPO_ROOT

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX")


def our_temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


def age(path: Path, seconds: float) -> None:
    """What a later run sees: the file was last written ``seconds`` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def slow_to_export(tmp_path: Path) -> Path:
    """The sample with a large incompressible part: writing its copy takes a few seconds."""
    source = tmp_path / "large.docx"
    source.write_bytes(SAMPLE.read_bytes())
    return replace_parts(source, {"word/media/scan.bin": os.urandom(60 * 1024 * 1024)})


@posix_only
@pytest.mark.slow
def test_a_temporary_file_left_by_a_killed_export_is_removed_by_the_next(tmp_path: Path) -> None:
    cli_env = {**os.environ, "AIPRISM_DATA_DIR": str(tmp_path / "data")}
    source = slow_to_export(tmp_path)
    out_dir = tmp_path / "out"
    args = [sys.executable, "-m", "aiprism_desktop.cli", "review", str(source)]
    args += ["--out", str(out_dir / "reviewed.docx"), "--force"]
    child = subprocess.Popen(args, env=cli_env, cwd=REPO_ROOT, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not (out_dir.is_dir() and our_temp_files(out_dir)):
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        assert time.monotonic() < deadline, "the export never started writing"
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    (left,) = our_temp_files(out_dir)
    assert left.name.startswith(".reviewed.docx.")
    assert not (out_dir / "reviewed.docx").exists()

    age(left, STALE_AFTER_S + 1)
    again = subprocess.run(args, env=cli_env, cwd=REPO_ROOT, capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr.decode(errors="replace")
    assert our_temp_files(out_dir) == []
    assert (out_dir / "reviewed.docx").is_file()


@posix_only
def test_only_old_unlocked_files_of_our_naming_are_removed(tmp_path: Path) -> None:
    ours_stale = tmp_path / ".report.json.0123456789ab.tmp"
    ours_recent = tmp_path / ".report.md.0123456789ac.tmp"
    not_ours = [
        tmp_path / ".report.json.tmp",  # no token
        tmp_path / ".report.json.0123456789AB.tmp",  # not our (lower-case hex) token
        tmp_path / "report.json.0123456789ab.tmp",  # not hidden
        tmp_path / ".notes.txt.0123456789ab.tmp",  # not one of our output types
        tmp_path / ".report.json.0123456789ab.tmp.bak",
    ]
    for path in (ours_stale, ours_recent, *not_ours):
        path.write_bytes(b"partial")
        age(path, STALE_AFTER_S + 1)
    age(ours_recent, 1)

    with atomic_replace(tmp_path / "report.csv") as handle:
        handle.write(b"a,b\n")

    assert not ours_stale.exists()
    assert ours_recent.exists()
    assert all(path.exists() for path in not_ours)
    assert (tmp_path / "report.csv").read_bytes() == b"a,b\n"


WRITER = """
import sys
from pathlib import Path
from aiprism_desktop.core.export.atomic_file import atomic_replace

with atomic_replace(Path(sys.argv[1])) as handle:
    handle.write(b"first half")
    print("writing", flush=True)
    sys.stdin.readline()  # held open until the parent says so
    handle.write(b" second half")
"""


@posix_only
def test_a_file_another_export_is_still_writing_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "shared.docx"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "writing\n"
        (in_progress,) = our_temp_files(tmp_path)
        age(in_progress, STALE_AFTER_S + 1)  # old, but locked by a live writer

        with atomic_replace(tmp_path / "other.docx") as handle:
            handle.write(b"mine")
        assert in_progress.exists()
    finally:
        assert writer.stdin is not None
        writer.stdin.write("\n")
        writer.stdin.close()
        writer.wait(timeout=30)
    assert writer.returncode == 0
    assert target.read_bytes() == b"first half second half"
    assert our_temp_files(tmp_path) == []
