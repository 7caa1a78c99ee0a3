"""Legacy formats: refused for safety before any converter runs; without LibreOffice, a
refusal naming both fixes; the soffice runner's time limit and failures.

The real conversions (LibreOffice-made .doc/.rtf/.odt reviewed and exported) are in
``tests/corpus/test_libreoffice_formats.py``.
"""

from __future__ import annotations

import stat
import time
import zipfile
from pathlib import Path

import pytest

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml import errors as e
from aiprism_desktop.core.ooxml.legacy import legacy_format
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.ooxml.soffice import SofficeConverter, default_converter
from tests.support.fixtures_hostile import make_legacy_doc, make_rtf_renamed, write_cfb

_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class RefusingConverter:
    """A converter that records being asked: the safety checks must refuse first."""

    def __init__(self) -> None:
        self.calls = 0

    def convert(self, data: bytes, source_format: str) -> bytes:
        self.calls += 1
        raise AssertionError("the converter ran on a file refused for safety")


def _odt(path: Path, members: dict[str, bytes], bomb: bool = False) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _ODT_MIMETYPE)
        for name, data in members.items():
            archive.writestr(name, data)
        if bomb:
            with archive.open("Pictures/blob.bin", "w") as member:
                for _ in range(64):
                    member.write(b"\x00" * (1024 * 1024))
    return path


_CONTENT = b'<?xml version="1.0"?><office:document-content xmlns:office="urn:o"/>'


def _encrypted_doc(path: Path) -> Path:
    fib = bytearray(b"\xec\xa5" + b"\x00" * 30)
    fib[10:12] = (0x0100).to_bytes(2, "little")  # FibBase.fEncrypted
    return write_cfb(path, {"WordDocument": bytes(fib), "1Table": b"\x00" * 16})


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_encrypted_doc, e.EncryptedDocumentError),
        (
            lambda p: _odt(
                p, {"content.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'}
            ),
            e.XmlEntitiesError,
        ),
        (
            lambda p: _odt(p, {"META-INF/manifest.xml": b"<m><manifest:encryption-data/></m>"}),
            e.EncryptedDocumentError,
        ),
        (lambda p: _odt(p, {"content.xml": _CONTENT}, bomb=True), e.ZipBombError),
    ],
    ids=["encrypted_doc", "odt_entities", "encrypted_odt", "odt_zip_bomb"],
)
def test_no_converter_runs_on_a_file_refused_for_safety(
    make: object, expected: type[DocumentError], tmp_path: Path
) -> None:
    converter = RefusingConverter()
    path = make(tmp_path / "legacy.bin")  # type: ignore[operator]
    with pytest.raises(expected):
        read_document(path, converter=converter)
    assert converter.calls == 0


@pytest.mark.parametrize(
    ("make", "code", "named"),
    [
        (make_legacy_doc, "DOC_LEGACY_DOC", "Word 97-2003"),
        (make_rtf_renamed, "DOC_UNSUPPORTED", "RTF"),
        (lambda p: _odt(p, {"content.xml": _CONTENT}), "DOC_UNSUPPORTED", "OpenDocument"),
    ],
)
def test_without_libreoffice_the_refusal_names_both_fixes(
    make: object, code: str, named: str, tmp_path: Path
) -> None:
    path = make(tmp_path / "old.docx")  # type: ignore[operator]
    with pytest.raises(DocumentError) as caught:
        read_document(path, converter=None)
    assert caught.value.code == code
    assert named in caught.value.message
    assert "Word Document (*.docx)" in caught.value.message
    assert "install LibreOffice" in caught.value.message


def test_legacy_formats_are_recognised_by_content(tmp_path: Path) -> None:
    assert legacy_format(make_legacy_doc(tmp_path / "a.docx").read_bytes()) == "doc"
    assert legacy_format(make_rtf_renamed(tmp_path / "b.docx").read_bytes()) == "rtf"
    assert legacy_format(_odt(tmp_path / "c.docx", {"content.xml": _CONTENT}).read_bytes()) == "odt"


def _script(path: Path, body: str) -> str:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_a_stuck_converter_is_killed_with_its_process_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    binary = _script(tmp_path / "soffice", f"sleep 60 & echo $! > {pid_file}; wait")
    converter = SofficeConverter(binary, timeout_s=1.0)
    started = time.monotonic()
    with pytest.raises(e.ConversionFailedError) as caught:
        converter.convert(b"{\\rtf1 x}", "rtf")
    assert time.monotonic() - started < 10
    assert "too long" in caught.value.message
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert not _running(child)  # the background child went with the group


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan killed here may wait for a reaper that never runs)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "Z" not in state.split()[1]


def test_a_failing_converter_is_a_clear_refusal(tmp_path: Path) -> None:
    converter = SofficeConverter(_script(tmp_path / "soffice", "echo broken >&2; exit 3"))
    with pytest.raises(e.ConversionFailedError) as caught:
        converter.convert(b"{\\rtf1 x}", "rtf")
    assert "exit 3" in (caught.value.detail or "")
    assert caught.value.code == "DOC_CONVERSION_FAILED"


def test_soffice_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIPRISM_SOFFICE", "none")
    assert default_converter() is None
