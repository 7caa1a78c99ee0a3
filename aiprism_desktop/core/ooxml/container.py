"""The container checks that come before any part is read: file, zip, and zip-bomb caps.

Caps are module constants, overridable per call with ``Limits`` (tests, settings). The bomb
checks use only the central directory (``ZipInfo.file_size`` / ``compress_size``), so nothing
is inflated before the package is known to be of a sane size; reads are later bounded by the
declared sizes (``Package.read_part``), so a lying header cannot inflate past them either.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from aiprism_desktop.core.ooxml.errors import (
    CorruptZipError,
    DocumentNotFoundError,
    DocumentTooLargeError,
    DocumentUnreadableError,
    EmptyFileError,
    TruncatedFileError,
    ZipBombError,
)
from aiprism_desktop.core.ooxml.sniff import ZIP_MAGICS, classify_non_zip

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
MAX_MEMBER_RATIO = 200.0
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # small members may compress well without harm
MAX_MEMBERS = 10_000
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource caps applied before a package is inflated (override in tests or settings)."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_total_uncompressed_bytes: int = MAX_TOTAL_UNCOMPRESSED_BYTES
    max_member_ratio: float = MAX_MEMBER_RATIO
    ratio_check_min_bytes: int = RATIO_CHECK_MIN_BYTES
    max_members: int = MAX_MEMBERS


DEFAULT_LIMITS = Limits()

ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    struct.error,
    NotImplementedError,
    RuntimeError,  # encrypted zip member
    IndexError,
    OverflowError,
)


def read_file(path: Path, limits: Limits) -> bytes:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise DocumentUnreadableError(
                "This is a folder, not a file. Choose a Word document (.docx).", detail=str(path)
            )
        if size > limits.max_file_bytes:
            raise DocumentTooLargeError(detail=f"{size} bytes, limit {limits.max_file_bytes} bytes")
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentNotFoundError(detail=str(path)) from None
    except OSError as exc:
        raise DocumentUnreadableError(detail=f"{path}: {exc}") from None
    return check_data(data, limits, path)


def check_data(data: bytes, limits: Limits, path: Path) -> bytes:
    """The bytes of a file (read from disk, or received by a server) if within the limits."""
    if not data:
        raise EmptyFileError(detail=str(path))
    if len(data) > limits.max_file_bytes:  # grew between stat and read, or sent too large
        raise DocumentTooLargeError(detail=f"{len(data)} bytes")
    return data


def open_zip(data: bytes) -> zipfile.ZipFile:
    if not data.startswith(ZIP_MAGICS):
        raise classify_non_zip(data)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        if "not a zip file" in str(exc).lower():  # no end-of-central-directory record
            raise TruncatedFileError(detail=str(exc)) from None
        raise CorruptZipError(detail=str(exc)) from None
    except ZIP_READ_ERRORS as exc:
        raise CorruptZipError(detail=f"{type(exc).__name__}: {exc}") from None


def check_bomb(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Zip-bomb caps from the central directory, before anything is inflated."""
    if len(infos) > limits.max_members:
        raise DocumentTooLargeError(
            "This file has an unusually large number of internal parts, so it was not opened.",
            detail=f"{len(infos)} zip members, limit {limits.max_members}",
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_uncompressed_bytes:
        raise ZipBombError(
            detail=f"unpacks to {total} bytes, limit {limits.max_total_uncompressed_bytes}"
        )
    for info in infos:
        if info.file_size <= limits.ratio_check_min_bytes:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_member_ratio:
            raise ZipBombError(
                detail=f"{info.filename}: {info.file_size} bytes from {info.compress_size} "
                f"(ratio {ratio:.0f}:1, limit {limits.max_member_ratio:.0f}:1)"
            )
