"""Which zip members are parts: OPC part-name rules applied to the archive's item names.

ISO/IEC 29500-2 §6.2.2 (and Annex A, the zip mapping) allow a part name made of non-empty
segments separated by "/", none of them "." or ".." or ending in ".", with no leading "/" in
the zip item name, no backslash and no control character; and a part name may not be derived
from another by appending segments ("word/document.xml/image1.gif" beside "word/document.xml").

A member whose name breaks these rules is not a part: it is never read, never written to the
reviewed copy (``../../x`` or ``/abs/x`` would be a path-traversal payload for whoever unzips
the copy), and the reader reports how many were left out. Directory entries are not parts
either, and are skipped silently.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\\]|%(?:2f|5c)", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:")


def invalid_part_name(name: str) -> str | None:
    """Why ``name`` (a zip item name) is not a valid part name, or None when it is."""
    if not name:
        return "empty name"
    if name.startswith("/"):
        return "absolute path"
    if _DRIVE.match(name):
        return "drive letter"
    if _FORBIDDEN.search(name):
        return "backslash, control character or encoded slash"
    for segment in name.split("/"):
        if segment in ("", ".", ".."):
            return "empty, '.' or '..' segment"
        if segment.endswith("."):
            return "segment ending in '.'"
    return None


@dataclass(frozen=True, slots=True)
class MemberSplit:
    """The archive's members sorted into parts and the members that are left out."""

    parts: tuple[zipfile.ZipInfo, ...]
    dropped: tuple[tuple[str, str], ...]  # (item name, why it is not a part)


def split_members(infos: Iterable[zipfile.ZipInfo]) -> MemberSplit:
    """Parts (in archive order) and the members that are not parts, with the reason."""
    candidates: list[zipfile.ZipInfo] = []
    dropped: list[tuple[str, str]] = []
    for info in infos:
        name = info.filename
        if info.is_dir():
            if invalid_part_name(name.rstrip("/")) is not None:
                dropped.append((name, "folder entry with an unsafe name"))
            continue
        reason = invalid_part_name(name)
        if reason is not None:
            dropped.append((name, reason))
        else:
            candidates.append(info)
    names = {info.filename.lower() for info in candidates}
    parts: list[zipfile.ZipInfo] = []
    for info in candidates:
        lowered = info.filename.lower()
        prefix = lowered.rpartition("/")[0]
        derived = False
        while prefix:
            if prefix in names:
                derived = True
                break
            prefix = prefix.rpartition("/")[0]
        if derived:
            dropped.append((info.filename, "name derived from another part's name"))
        else:
            parts.append(info)
    return MemberSplit(tuple(parts), tuple(dropped))
