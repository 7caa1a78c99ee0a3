"""Packages Word repairs silently are read with a warning, and exported repaired.

Each generated case (``tests.support.repair_fixtures``) is refused by python-docx as it is
(except the traversal one, which python-docx opens and would pass on); we read it, say what was
repaired, and the reviewed copy opens in python-docx, re-reads without any repair warning, and
holds the comment on the quoted text. LibreOffice opening the same copies is checked in
``tests/corpus/test_libreoffice_formats.py``.
"""

from __future__ import annotations

import random
import string
import zipfile
from pathlib import Path

import docx
import pytest

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.export.comment_text import export_items
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.ooxml import errors as e
from aiprism_desktop.core.ooxml.part_names import invalid_part_name
from aiprism_desktop.core.ooxml.reader import read_document
from tests.support.export_factory import finding
from tests.support.repair_fixtures import (
    BODY_TEXT,
    REPAIR_CASES,
    TRAVERSAL_NAMES,
    make_strict,
    make_traversal_members,
)

REPAIR_CODES = {"STRICT_OOXML", "PACKAGE_REPAIRED", "UNSAFE_PARTS_DROPPED"}


def export_one_comment(source: Path, document: Document, out: Path) -> Path:
    """Export one finding quoting part of BODY_TEXT; returns ``out``."""
    quote = "inspected on the night shift"
    section = next(s for s in document.sections if anchor_quote(s, quote) is not None)
    item = finding("f1", section.id, quote=quote, anchor=anchor_quote(section, quote))
    summary = export_reviewed_docx(source, document, export_items([item]), out)
    assert summary.span_anchored == 1
    return out


@pytest.mark.parametrize("case", sorted(REPAIR_CASES))
def test_repairable_package_is_read_and_exported_repaired(case: str, tmp_path: Path) -> None:
    make, code = REPAIR_CASES[case]
    source = make(tmp_path / f"{case}.docx")
    if case != "traversal_members":
        with pytest.raises(Exception):  # noqa: B017, PT011 - what python-docx raises varies
            docx.Document(str(source))
    document = read_document(source)
    assert code in {warning.code for warning in document.warnings}
    assert BODY_TEXT in [block.text for section in document.sections for block in section.blocks]

    out = export_one_comment(source, document, tmp_path / "reviewed.docx")
    reviewed = docx.Document(str(out))  # opens: no dangling or mis-cased relationship
    assert [c.text.split("\n")[0] for c in reviewed.comments]
    reread = read_document(out)
    assert not REPAIR_CODES & {warning.code for warning in reread.warnings}
    assert [c.anchored_text for c in reread.comments] == ["inspected on the night shift"]


def test_strict_export_is_transitional(tmp_path: Path) -> None:
    source = make_strict(tmp_path / "strict.docx")
    out = export_one_comment(source, read_document(source), tmp_path / "out.docx")
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            assert b"purl.oclc.org/ooxml" not in archive.read(name), name
        assert b"conformance" not in archive.read("word/document.xml")


def test_traversal_members_are_never_written(tmp_path: Path) -> None:
    """Issue 14 item 4: they used to be copied verbatim into the reviewed copy."""
    source = make_traversal_members(tmp_path / "evil.docx")
    document = read_document(source)
    [warning] = [w for w in document.warnings if w.code == "UNSAFE_PARTS_DROPPED"]
    assert f"{len(TRAVERSAL_NAMES)} items" in warning.message
    out = export_one_comment(source, document, tmp_path / "out.docx")
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    assert not set(TRAVERSAL_NAMES) & set(names)
    assert all(invalid_part_name(name) is None for name in names)


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("word/document.xml", True),
        ("[Content_Types].xml", True),
        ("../../x", False),
        ("/abs/x", False),
        ("word/../../evil.xml", False),
        ("word\\x.xml", False),
        ("C:/x.xml", False),
        ("word//x.xml", False),
        ("word/x.", False),
        ("word/%2e%2e%2fx", False),
    ],
)
def test_part_name_rules(name: str, valid: bool) -> None:
    assert (invalid_part_name(name) is None) is valid


def test_missing_text_part_is_still_refused(tmp_path: Path) -> None:
    """A header named in the body but missing loses text: refused, not repaired."""
    from tests.support.fixtures_hostile import make_missing_related_part

    with pytest.raises(e.MissingPartError):
        read_document(make_missing_related_part(tmp_path / "x.docx"))


def test_huge_text_run_is_refused_as_too_long_not_too_deep(tmp_path: Path) -> None:
    """Issue 14 item 8: a run of more than 10 MB was refused as "nested too deeply"."""
    from tests.support.docx_factory import write_body_xml

    rng = random.Random(14)  # varied words: compresses like text, not like a zip bomb
    vocabulary = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(5000)
    ]
    words = " ".join(rng.choices(vocabulary, k=1_900_000))[:11_000_000]
    source = write_body_xml(tmp_path / "long.docx", f"<w:p><w:r><w:t>{words}</w:t></w:r></w:p>")
    with pytest.raises(DocumentError) as caught:
        read_document(source)
    assert caught.value.code == "DOC_TEXT_TOO_LONG"
    assert "nested" not in caught.value.message
    assert "10 MB" in caught.value.message


def test_damaged_part_without_text_is_dropped(tmp_path: Path) -> None:
    """A theme whose CRC fails is left out (Word and LibreOffice open such files)."""
    from tests.support.fixtures_hostile import make_bad_crc

    source = make_bad_crc(tmp_path / "theme.docx", theme="word/theme/theme1.xml")
    document = read_document(source)
    [warning] = [w for w in document.warnings if w.code == "PACKAGE_REPAIRED"]
    assert "1 damaged part without text" in warning.message
    out = tmp_path / "out.docx"
    export_reviewed_docx(source, document, [], out)
    with zipfile.ZipFile(out) as archive:
        assert "word/theme/theme1.xml" not in archive.namelist()
        assert archive.testzip() is None
    docx.Document(str(out))
