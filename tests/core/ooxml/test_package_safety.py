"""Refusing bad input: every hostile file gets its own DocumentError subclass, quickly."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml import errors as e
from aiprism_desktop.core.ooxml.package import Limits, open_package
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.ooxml.sniff import ole_stream_names
from tests.support.docx_factory import DocBuilder, paragraph_xml, write_body_xml
from tests.support.fixtures_hostile import (
    HOSTILE_CASES,
    STRESS_CASES,
    make_encrypted_docx,
    make_legacy_doc,
    make_zip_bomb,
)


@pytest.mark.timeout(10)
@pytest.mark.parametrize("case", sorted(HOSTILE_CASES))
def test_hostile_file_is_refused_with_its_own_error(case: str, tmp_path: Path) -> None:
    make, expected = HOSTILE_CASES[case]
    path = make(tmp_path / f"{case}.docx")
    with pytest.raises(DocumentError) as caught:
        read_document(path, converter=None)  # legacy files: the refusal without LibreOffice
    assert type(caught.value) is expected
    assert caught.value.code.startswith("DOC_")
    assert caught.value.code != DocumentError.code
    assert len(caught.value.message) > 40  # says what happened and what to do


@pytest.mark.timeout(10)
@pytest.mark.parametrize("case", sorted(STRESS_CASES))
def test_large_legitimate_files_are_read(case: str, tmp_path: Path) -> None:
    path = STRESS_CASES[case](tmp_path / f"{case}.docx")
    document = read_document(path)
    blocks = [block for section in document.sections for block in section.blocks]
    assert blocks
    if case == "50k_paragraphs":
        assert len(blocks) == 50_000
        assert blocks[-1].text == "Paragraph number 49999 of a very long file."
    if case == "2000_row_table":
        cells = [b for b in blocks if b.table_cell is not None]
        assert len(cells) == 2_000 * 4
        last_cell = cells[-1].table_cell
        assert last_cell is not None
        assert last_cell.row == 1_999
    if case == "300_page_report":
        assert len(document.sections) == 40


def test_error_codes_are_unique_and_messages_written_for_reviewers() -> None:
    codes = [cls.code for cls in e.ALL_DOCUMENT_ERRORS]
    assert len(codes) == len(set(codes))
    for cls in e.ALL_DOCUMENT_ERRORS:
        assert issubclass(cls, DocumentError)
        assert cls.code.startswith("DOC_")
        assert "." in cls.default_message  # full sentences, not a bare label


def test_encrypted_message_tells_how_to_remove_the_password(tmp_path: Path) -> None:
    with pytest.raises(e.EncryptedDocumentError) as caught:
        read_document(make_encrypted_docx(tmp_path / "secret.docx"))
    assert "password" in caught.value.message
    assert "File → Info" in caught.value.message


def test_generated_ole_files_have_the_streams_that_identify_them(tmp_path: Path) -> None:
    encrypted = ole_stream_names(make_encrypted_docx(tmp_path / "a.docx").read_bytes())
    legacy = ole_stream_names(make_legacy_doc(tmp_path / "b.doc").read_bytes())
    assert {"encryptioninfo", "encryptedpackage"} <= encrypted
    assert "worddocument" in legacy


@pytest.mark.timeout(10)
def test_zip_bomb_is_refused_before_anything_is_inflated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_zip_bomb(tmp_path / "bomb.docx")
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def recording_open(
        self: zipfile.ZipFile, name: str | zipfile.ZipInfo, *args: object, **kwargs: object
    ) -> object:
        opened.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    with pytest.raises(e.ZipBombError):
        read_document(path)
    assert opened == []  # refused from the central directory alone


def test_limits_can_be_tightened_per_call(tmp_path: Path) -> None:
    path = write_body_xml(tmp_path / "small.docx", paragraph_xml("Short text"))
    assert read_document(path).sections  # fine with the default caps
    with pytest.raises(e.DocumentTooLargeError):
        read_document(path, Limits(max_file_bytes=1_000))
    with pytest.raises(e.ZipBombError):
        read_document(path, Limits(max_total_uncompressed_bytes=10_000))
    with pytest.raises(e.ZipBombError):
        read_document(path, Limits(ratio_check_min_bytes=1_000, max_member_ratio=2.0))
    with pytest.raises(e.DocumentTooLargeError):
        read_document(path, Limits(max_members=3))


def test_missing_file_and_folder_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(e.DocumentNotFoundError):
        read_document(tmp_path / "nowhere.docx")
    with pytest.raises(e.DocumentUnreadableError):
        read_document(tmp_path)


def test_package_finds_main_part_through_relationships(tmp_path: Path) -> None:
    """The body may live anywhere: it is found via _rels/.rels, not at word/document.xml."""
    builder = DocBuilder()
    builder.paragraph("Body in an unusual place.")
    path = builder.save(tmp_path / "plain.docx")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    moved = tmp_path / "moved.docx"
    with zipfile.ZipFile(moved, "w") as archive:
        for name, data in parts.items():
            if name == "word/document.xml":
                name = "word/main.xml"
            elif name == "word/_rels/document.xml.rels":
                name = "word/_rels/main.xml.rels"
            elif name in ("_rels/.rels", "[Content_Types].xml"):
                data = data.replace(b"word/document.xml", b"word/main.xml")
            archive.writestr(name, data)
    with open_package(moved) as package:
        assert package.main_part == "word/main.xml"
    document = read_document(moved)
    block = document.sections[0].blocks[0]
    assert block.text == "Body in an unusual place."
    assert block.location.part == "word/main.xml"
    assert block.id.startswith("p:main:")


def _mutations(data: bytes, count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        if rng.random() < 0.3:
            mutated = mutated[: rng.randrange(len(mutated))]
        out.append(bytes(mutated))
    return out


@pytest.mark.timeout(60)
def test_corrupted_bytes_never_escape_as_raw_exceptions(tmp_path: Path) -> None:
    """Random damage to a real .docx: read fine or refused with a specific DocumentError."""
    builder = DocBuilder()
    builder.heading("Scope", 1)
    paragraph = builder.paragraph("Some ", ("bold", {"bold": True}), " text.")
    builder.footnote(paragraph, "A note.")
    builder.table([["a", "b"], ["c", "d"]])
    original = builder.save(tmp_path / "original.docx").read_bytes()
    target = tmp_path / "mutant.docx"
    refusals: list[type[DocumentError]] = []
    for mutant in _mutations(original, 150, seed=20241):
        target.write_bytes(mutant)
        try:
            read_document(target)
        except DocumentError as error:
            refusals.append(type(error))
    assert refusals  # the damage was real
    assert DocumentError not in refusals  # and every refusal named its cause


@pytest.mark.timeout(60)
def test_corrupted_xml_never_escapes_as_raw_exceptions(tmp_path: Path) -> None:
    """Valid zip, damaged document.xml: read fine or refused with a specific DocumentError."""
    builder = DocBuilder()
    builder.heading("Scope", 1)
    builder.paragraph("Some ", ("bold", {"bold": True}), " text.")
    builder.list_items(["one", "two"])
    builder.table([["a", "b"], ["c", "d"]])
    path = builder.save(tmp_path / "original.docx")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    document_xml = parts["word/document.xml"]
    target = tmp_path / "mutant.docx"
    refusals: list[type[DocumentError]] = []
    for mutant in _mutations(document_xml, 150, seed=99):
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, mutant if name == "word/document.xml" else data)
        try:
            read_document(target)
        except DocumentError as error:
            refusals.append(type(error))
    assert e.CorruptXmlError in refusals
    assert DocumentError not in refusals
