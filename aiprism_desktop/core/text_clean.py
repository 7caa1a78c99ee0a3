"""Cleaning untrusted text (model output, user files) before it reaches the UI, the store or a
Word file: control characters, lone surrogates and bidirectional overrides are removed.

Lone surrogates would make UTF-8 encoding fail later (SQLite, XML); control characters are
invalid in XML 1.0; bidi overrides can make displayed text read differently from what it is.
"""

from __future__ import annotations

import os
import re
import unicodedata

_KEEP = frozenset("\n\t")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DROP_CATEGORIES = frozenset({"Cc", "Cs", "Co"})
_SPACES = re.compile(r"\s+")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _keep(ch: str) -> bool:
    if ch in _KEEP:
        return True
    if ch in _BIDI_CONTROLS or ch in "\ufffe\uffff":
        return False
    return unicodedata.category(ch) not in _DROP_CATEGORIES


def clean_text(text: str) -> str:
    """Multi-line text without control characters; line ends normalized; ends trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii() and text.isprintable():
        return text.strip()  # the common case, without a per-character pass
    return "".join(ch for ch in text if _keep(ch)).strip()


def clean_line(text: str) -> str:
    """Single-line text (titles, categories): cleaned and with whitespace runs collapsed."""
    return _SPACES.sub(" ", clean_text(text)).strip()


def path_text(path: str | os.PathLike[str]) -> str:
    """A file name or path as text a person can read and any UTF-8 writer can encode.

    File names are bytes on Linux and UTF-16 on Windows; bytes that are not UTF-8 (kept by
    ``os.fsdecode`` as lone surrogates) and unpaired UTF-16 surrogates become U+FFFD, the way
    a file manager shows them. For opening the file again keep the ``Path`` itself.
    """
    return _SURROGATES.sub("\ufffd", os.fspath(path))
