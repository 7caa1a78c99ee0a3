"""The reader's one-pass part scan agrees with the direct definitions on every corpus file."""

from __future__ import annotations

import zipfile

import pytest

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml.container import ZIP_READ_ERRORS
from aiprism_desktop.core.ooxml.xmlsafe import parse_xml
from tests.corpus.locate import corpus_files, require_corpus
from tests.support.reader_checks import check_scan

_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml", "word/comments.xml")


@pytest.mark.timeout(20)
@pytest.mark.parametrize("name", corpus_files())
def test_scan_matches_paragraph_text_and_properties(name: str) -> None:
    path = require_corpus(name)
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_READ_ERRORS:
        return  # not a readable zip: refused before any scan (test_corpus_read checks how)
    with archive:
        names = {info.filename for info in archive.infolist()}
        for part in _PARTS:
            if part not in names:
                continue
            try:
                root = parse_xml(archive.read(part), part)
            except (DocumentError, *ZIP_READ_ERRORS):
                continue  # refused parts are covered by test_corpus_read
            check_scan(root)
