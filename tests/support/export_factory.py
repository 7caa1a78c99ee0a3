"""Builders for export tests: .docx files with exact body XML, and a Document that follows the
shared contracts (BlockLocation = part + ordinal in ``root.iter(w:p)``; block text =
``paragraph_text``) without needing the reader.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import docx
from lxml import etree

from aiprism_desktop.core.document import (
    Block,
    BlockKind,
    BlockLocation,
    Document,
    Section,
    SectionKind,
)
from aiprism_desktop.core.findings import Anchor, Finding, FindingType, Risk
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.text import paragraph_text

W_DECL = f'xmlns:w="{n.W_NS}" xmlns:r="{n.R_NS}" xmlns:w14="{n.W14_NS}" xmlns:mc="{n.MC_NS}"'
MAIN = "word/document.xml"


def para(*runs: str, style: str | None = None, extra_ppr: str = "") -> str:
    """A ``w:p`` with a pPr (style) and the given run-level XML snippets."""
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    return f"<w:p><w:pPr>{ppr}{extra_ppr}</w:pPr>{''.join(runs)}</w:p>"


def run(text: str, *, bold: bool = False, italic: bool = False, color: str | None = None) -> str:
    """A ``w:r`` with formatting and one preserved ``w:t`` (text must be XML-escaped already)."""
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    if color:
        props += f'<w:color w:val="{color}"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def table(rows: Sequence[Sequence[str]]) -> str:
    """A simple table whose cells each hold one paragraph of plain text."""
    body = "".join(
        "<w:tr>" + "".join(f"<w:tc>{para(run(cell))}</w:tc>" for cell in row) + "</w:tr>"
        for row in rows
    )
    return f"<w:tbl><w:tblPr/>{body}</w:tbl>"


def write_docx(path: Path, body_xml: str, *, template: Path | None = None) -> Path:
    """A .docx made by python-docx (styles, settings, sectPr) whose body is ``body_xml``."""
    base = template
    if base is None:
        buffer = io.BytesIO()
        docx.Document().save(buffer)
        data = buffer.getvalue()
    else:
        data = base.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    root = etree.fromstring(next(d for i, d in members if i.filename == MAIN))
    body = root.find(n.W_BODY)
    assert body is not None
    sect_pr = body.find(n.w("sectPr"))
    for child in list(body):
        body.remove(child)
    wrapper = etree.fromstring(f"<w:body {W_DECL}>{body_xml}</w:body>")
    for child in list(wrapper):
        body.append(child)
    if sect_pr is not None:
        body.append(sect_pr)
    new_main = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in members:
            target.writestr(info, new_main if info.filename == MAIN else content)
    return path


def _heading_level(paragraph: etree._Element) -> int | None:
    style = paragraph.find(f"{n.W_PPR}/{n.w('pStyle')}")
    value = style.get(n.W_VAL, "") if style is not None else ""
    if value.startswith("Heading") and value[7:].isdigit():
        return int(value[7:])
    return 1 if value == "Title" else None


def contract_document(path: Path) -> Document:
    """A Document of the main part's paragraphs, split on Heading N styles (heading included
    as the section's first block), ids "p<ordinal>" unless the paragraph has a w14:paraId."""
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read(MAIN))
    sections: list[Section] = []
    blocks: list[Block] = []
    title, level, heading_id = "Preamble", 0, None

    def close() -> None:
        if blocks or heading_id is not None:
            kind = SectionKind.PREAMBLE if heading_id is None else SectionKind.BODY
            sections.append(
                Section(f"s{len(sections)}", title, level, kind, tuple(blocks), heading_id)
            )

    for index, paragraph in enumerate(root.iter(n.W_P)):
        if any(a.tag == n.MC_FALLBACK for a in paragraph.iterancestors()):
            continue
        text = paragraph_text(paragraph)
        block_id = paragraph.get(n.W14_PARA_ID) or f"p{index}"
        heading = _heading_level(paragraph)
        in_table = any(a.tag == n.W_TC for a in paragraph.iterancestors())
        kind = (
            BlockKind.HEADING
            if heading
            else BlockKind.TABLE_CELL
            if in_table
            else BlockKind.PARAGRAPH
        )
        block = Block(block_id, kind, text, BlockLocation(MAIN, index), heading_level=heading)
        if heading is not None:
            close()
            blocks = []
            title, level, heading_id = text, heading, block_id
        blocks.append(block)
    close()
    return Document(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        title=path.stem,
        sections=tuple(sections),
    )


def finding(
    finding_id: str,
    section_id: str,
    *,
    quote: str = "",
    anchor: Anchor | None = None,
    origin: str = "model:anthropic.claude-test",
    description: str = "Something to fix.",
    replacement: str | None = None,
    author: str = "",
    refs: Iterable[int] = (11,),
) -> Finding:
    return Finding(
        id=finding_id,
        section_id=section_id,
        origin=origin,
        type=FindingType.IMPORTANT,
        risk=Risk.MEDIUM,
        category="Evidence",
        description=description,
        suggestion="Say more.",
        questions=("Who decided?",),
        framework_refs=tuple(refs),
        quote=quote,
        replacement=replacement,
        anchor=anchor,
        author=author,
    )


# --- reading an export back -----------------------------------------------------------------


def python_docx_comments(path: Path) -> list[tuple[int, str, str | None, str]]:
    """(id, author, initials, text) of every comment, as python-docx reads them."""
    document = docx.Document(str(path))
    return [(c.comment_id, c.author, c.initials, c.text) for c in document.comments]


def docx2python_comments(path: Path) -> list[tuple[str, str, str, str]]:
    """(anchored text, author, date, text) of every comment, as docx2python reads them."""
    from docx2python import docx2python

    with docx2python(path) as result:
        return [tuple(c) for c in result.comments]  # type: ignore[misc]


def part_xml(path: Path, name: str = MAIN) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def paragraph_texts(path: Path) -> list[str]:
    return [paragraph_text(p) for p in part_xml(path).iter(n.W_P)]


def assert_comment_markup_is_sound(path: Path) -> None:
    """Every comment has start < end < reference, the reference run is a direct child of its
    paragraph, and nothing sits before a paragraph's ``w:pPr``."""
    root = part_xml(path)
    elements = list(root.iter())  # keeps the proxies alive so id() stays meaningful
    order = {id(element): index for index, element in enumerate(elements)}
    starts = {e.get(n.W_ID): e for e in root.iter(n.W_COMMENT_RANGE_START)}
    ends = {e.get(n.W_ID): e for e in root.iter(n.W_COMMENT_RANGE_END)}
    references = {e.get(n.W_ID): e for e in root.iter(n.W_COMMENT_REFERENCE)}
    assert set(starts) == set(ends) == set(references)
    for comment_id, start in starts.items():
        end, reference = ends[comment_id], references[comment_id]
        assert order[id(start)] < order[id(end)] < order[id(reference)], comment_id
        reference_run = reference.getparent()
        assert reference_run is not None
        assert reference_run.tag == n.W_R
        parent = reference_run.getparent()
        assert parent is not None
        assert parent.tag == n.W_P, f"reference {comment_id} nested"
    for paragraph in root.iter(n.W_P):
        ppr = paragraph.find(n.W_PPR)
        if ppr is not None:
            assert paragraph.index(ppr) == 0, "something was inserted before w:pPr"


def tiny_png() -> bytes:
    """A valid 2x2 red PNG, for documents with an image."""
    import struct
    import zlib

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def macro_package(tmp_path: Path, main_type: str, name: str) -> Path:
    """A python-docx document turned into a macro-enabled package (VBA project, vbaData,
    attached template) by editing its parts."""
    plain = write_docx(tmp_path / "plain.docx", para(run("Macro document text here.")))
    with zipfile.ZipFile(plain) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    types = members["[Content_Types].xml"].decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        main_type,
    )
    types = types.replace(
        "</Types>",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        '<Override PartName="/word/vbaData.xml" ContentType="application/vnd.ms-word.vbaData+xml"/>'
        "</Types>",
    )
    members["[Content_Types].xml"] = types.encode()
    rels = members["word/_rels/document.xml.rels"].decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/'
        'vbaProject" Target="vbaProject.bin"/></Relationships>',
    )
    members["word/_rels/document.xml.rels"] = rels.encode()
    members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0fake vba project"
    members["word/_rels/vbaProject.bin.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/'
        b'wordVbaData" Target="vbaData.xml"/></Relationships>'
    )
    members["word/vbaData.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<wne:vbaSuppData xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"/>'
    )
    settings = members["word/settings.xml"].decode()
    settings = settings.replace("<w:zoom ", '<w:attachedTemplate r:id="rIdTpl"/><w:zoom ', 1)
    if 'xmlns:r="' not in settings.split(">", 2)[1]:
        settings = settings.replace("<w:settings ", f'<w:settings xmlns:r="{n.R_NS}" ', 1)
    members["word/settings.xml"] = settings.encode()
    members["word/_rels/settings.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rIdTpl" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/attachedTemplate" Target="file:///C:/Templates/Team.dotm" '
        b'TargetMode="External"/></Relationships>'
    )
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path
