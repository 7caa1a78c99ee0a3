"""File names that are not UTF-8 (``caf\\xe9.docx``: any byte string is a legal name on Linux).

The names are passed as the raw bytes a shell would pass, and the output is read as bytes: the
command must neither crash nor write text that is not UTF-8 where JSON is promised.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands.conftest import SAMPLE
from tests.support.docx_factory import DocBuilder

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows names are UTF-16")

LATIN1_NAME = b"caf\xe9"  # "café" saved by a Latin-1 system: not valid UTF-8


def odd(folder: Path, stem: bytes, suffix: str) -> Path:
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + stem + suffix.encode()))


def run(cli_env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[bytes]:
    # Strict UTF-8 output, as under a desktop locale such as en_US.UTF-8 (C.UTF-8 would be
    # lenient and let undecodable bytes through to stdout unchanged).
    return subprocess.run(
        [sys.executable, "-m", "aiprism_desktop.cli", *map(os.fsencode, args)],
        capture_output=True,
        env={**cli_env, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
        check=False,
    )


def assert_clean(result: subprocess.CompletedProcess[bytes]) -> None:
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "Logging error" not in stderr


def test_review_of_a_non_utf8_file_name_writes_every_output(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    source = odd(tmp_path, LATIN1_NAME, ".docx")
    shutil.copyfile(SAMPLE, source)
    out = odd(tmp_path / "out", LATIN1_NAME + b"-reviewed", ".docx")
    reports = [odd(tmp_path / "out", LATIN1_NAME, suffix) for suffix in (".json", ".md", ".csv")]
    args: list[str | Path] = ["-v", "review", source, "--accept-all", "--out", out]
    for report in reports:
        args += ["--report", report]
    result = run(cli_env, *args)
    assert_clean(result)
    assert out.is_file()
    assert all(report.is_file() for report in reports)
    report = json.loads(reports[0].read_bytes().decode("utf-8"))  # strict: valid UTF-8
    assert report["document"]["file_name"] == "caf\ufffd.docx"
    assert "caf\ufffd.docx" in reports[1].read_bytes().decode("utf-8")

    stats = run(cli_env, "--json", "stats", source)  # found again by content, under its name
    assert_clean(stats)
    assert json.loads(stats.stdout.decode("utf-8"))["sections_analyzed"] == 12


def test_sections_json_names_the_file_losslessly_in_valid_utf8(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    source = odd(tmp_path, LATIN1_NAME, ".docx")
    shutil.copyfile(SAMPLE, source)
    result = run(cli_env, "--json", "sections", source)
    assert_clean(result)
    listed = json.loads(result.stdout.decode("utf-8"))  # strict: valid UTF-8
    assert os.fsencode(listed["document"]) == os.fsencode(source)  # a \\udce9 JSON escape
    assert len(listed["sections"]) == 12

    plain = run(cli_env, "sections", source)  # the human-readable listing
    assert_clean(plain)
    assert plain.stdout.decode("utf-8")  # printable text, not raw Latin-1 bytes


def test_an_untitled_document_takes_a_readable_title_from_its_odd_name(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    builder = DocBuilder()
    builder.paragraph("The payment run of 3 May was approved without a second signature.")
    source = builder.save(odd(tmp_path, LATIN1_NAME, ".docx"))
    report = tmp_path / "report.json"
    result = run(cli_env, "review", source, "--out", tmp_path / "out.docx", "--report", report)
    assert_clean(result)
    assert json.loads(report.read_text(encoding="utf-8"))["document"]["title"] == "caf\ufffd"
