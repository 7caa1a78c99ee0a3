"""Build test .docx files with python-docx + lxml: one place, shared by reader and export tests.

Typical use::

    b = DocBuilder()
    b.heading("Scope", 1)
    p = b.paragraph("Plain ", ("bold", {"bold": True}), " text.")
    b.footnote(p, "A footnote.")
    b.comment(p.runs[0], "Looks fine", author="Ann")
    b.insertion(p, " added", author="Bob")
    b.table([["a", "b"], ["c", "d"]])
    path = b.save(tmp_path / "doc.docx")

Everything python-docx cannot do (footnotes, endnotes, tracked changes, text boxes, content
controls, paraIds, numbering definitions, custom styles based on headings) is done with lxml on
python-docx's element tree, so the result is a real package that Word, LibreOffice, python-docx
and docx2python open. ``write_body_xml`` builds large documents quickly from raw body XML.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
V_NS = "urn:schemas-microsoft-com:vml"
NSDECL = (
    f'xmlns:w="{W_NS}" xmlns:w14="{W14_NS}" xmlns:mc="{MC_NS}" xmlns:wps="{WPS_NS}" '
    f'xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" xmlns:v="{V_NS}"'
)
DATE = "2024-01-02T03:04:05Z"

RunSpec = str | tuple[str, dict[str, Any]]


def w(local: str) -> str:
    return f"{{{W_NS}}}{local}"


def _el(xml: str) -> Any:
    """An element parsed with python-docx's parser (so it gets python-docx's classes)."""
    return parse_xml(xml)


def run_xml(text: str, *, bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def paragraph_xml(text: str, *, style: str | None = None, para_id: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    attr = f' w14:paraId="{para_id}"' if para_id else ""
    return f"<w:p{attr}>{ppr}{run_xml(text) if text else ''}</w:p>"


class DocBuilder:
    """A python-docx Document plus helpers for the parts python-docx does not write."""

    def __init__(self) -> None:
        self.doc = docx.Document()
        self._footnotes: Any = None
        self._endnotes: Any = None
        self._next_note_id = {"footnote": 1, "endnote": 1}
        self._next_revision_id = 9000
        self._next_shape_id = 1

    # -- text ----------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1) -> Any:
        return self.doc.add_heading(text, level)

    def title(self, text: str) -> Any:
        return self.doc.add_paragraph(text, style="Title")

    def paragraph(self, *runs: RunSpec, style: str | None = None) -> Any:
        """A paragraph with one run per spec: "text" or ("text", {"bold": True, ...})."""
        paragraph = self.doc.add_paragraph(style=style)
        for spec in runs:
            text, props = (spec, {}) if isinstance(spec, str) else spec
            run = paragraph.add_run(text)
            for name, value in props.items():
                setattr(run, name, value)
        return paragraph

    def empty_paragraph(self) -> Any:
        return self.doc.add_paragraph()

    def list_items(self, items: Sequence[str], style: str = "List Number") -> list[Any]:
        """Items in a list style of the default template ("List Number", "List Bullet")."""
        return [self.doc.add_paragraph(text, style=style) for text in items]

    def table(self, rows: Sequence[Sequence[str]]) -> Any:
        table = self.doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        return table

    # -- styles & numbering --------------------------------------------------------------

    def custom_style(
        self,
        name: str,
        *,
        based_on: str | None = "Heading 1",
        style_id: str | None = None,
        outline_level: int | None = None,
    ) -> Any:
        """A paragraph style (e.g. a localized or house heading) based on another style."""
        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if based_on:
            style.base_style = self.doc.styles[based_on]
        if style_id:
            style.element.set(w("styleId"), style_id)
        if outline_level is not None:
            ppr = style.element.get_or_add_pPr()
            ppr.append(_el(f'<w:outlineLvl {NSDECL} w:val="{outline_level}"/>'))
        return style

    def numbering_definition(self, levels: Sequence[tuple[str, str]], start: int = 1) -> str:
        """Add an abstractNum with (numFmt, lvlText) per level and a num; return its numId."""
        numbering = self.doc.part.numbering_part.element
        abstract_ids = [int(a.get(w("abstractNumId"))) for a in numbering.iter(w("abstractNum"))]
        num_ids = [int(n.get(w("numId"))) for n in numbering.iter(w("num"))]
        abstract_id = max(abstract_ids, default=0) + 1
        num_id = max(num_ids, default=0) + 1
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{escape(text)}"/></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        abstract = _el(
            f'<w:abstractNum {NSDECL} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'
        )
        first_num = next(numbering.iter(w("num")), None)
        if first_num is not None:
            first_num.addprevious(abstract)  # abstractNums must precede nums
        else:
            numbering.append(abstract)
        numbering.append(
            _el(
                f'<w:num {NSDECL} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                "</w:num>"
            )
        )
        return str(num_id)

    def restart_numbering(self, num_id: str, level: int = 0, start: int = 1) -> str:
        """A new num on the same abstractNum that restarts at ``start``; returns its numId."""
        numbering = self.doc.part.numbering_part.element
        source = next(n for n in numbering.iter(w("num")) if n.get(w("numId")) == num_id)
        abstract_id = source.find(w("abstractNumId")).get(w("val"))
        new_id = max(int(n.get(w("numId"))) for n in numbering.iter(w("num"))) + 1
        numbering.append(
            _el(
                f'<w:num {NSDECL} w:numId="{new_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/>'
                "</w:lvlOverride></w:num>"
            )
        )
        return str(new_id)

    def numbered(self, text: str, num_id: str, level: int = 0) -> Any:
        """A paragraph in list ``num_id`` at ``level`` (direct numPr)."""
        paragraph = self.doc.add_paragraph(text)
        self.set_numbering(paragraph, num_id, level)
        return paragraph

    @staticmethod
    def set_numbering(paragraph: Any, num_id: str, level: int = 0) -> None:
        """Put an existing paragraph (e.g. a heading) in list ``num_id`` at ``level``."""
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(
            _el(f'<w:numPr {NSDECL}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
        )

    @staticmethod
    def outline_level(paragraph: Any, level: int) -> None:
        """Give a paragraph its own outline level (0 = level-1 heading, 9 = body text)."""
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(_el(f'<w:outlineLvl {NSDECL} w:val="{level}"/>'))

    @staticmethod
    def para_id(paragraph: Any, value: str) -> None:
        paragraph._p.set(f"{{{W14_NS}}}paraId", value)

    # -- notes ---------------------------------------------------------------------------

    def _notes_root(self, kind: str) -> Any:
        attr = "_footnotes" if kind == "footnote" else "_endnotes"
        root = getattr(self, attr)
        if root is None:
            tag = f"{kind}s"
            root = _el(
                f'<w:{tag} {NSDECL}><w:{kind} w:type="separator" w:id="-1"><w:p><w:r>'
                f'<w:separator/></w:r></w:p></w:{kind}><w:{kind} w:type="continuationSeparator"'
                f' w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>'
                f"</w:{tag}>"
            )
            content_type = CT.WML_FOOTNOTES if kind == "footnote" else CT.WML_ENDNOTES
            rel_type = RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES
            part = XmlPart(PackURI(f"/word/{tag}.xml"), content_type, root, self.doc.part.package)
            self.doc.part.relate_to(part, rel_type)
            setattr(self, attr, root)
        return root

    def footnote(self, paragraph: Any, *texts: str, kind: str = "footnote") -> int:
        """Add a note (one paragraph per text) referenced at the end of ``paragraph``."""
        root = self._notes_root(kind)
        note_id = self._next_note_id[kind]
        self._next_note_id[kind] += 1
        paras = "".join(
            f"<w:p><w:r><w:{kind}Ref/></w:r>{run_xml(' ' + text)}</w:p>"
            if i == 0
            else f"<w:p>{run_xml(text)}</w:p>"
            for i, text in enumerate(texts)
        )
        root.append(_el(f'<w:{kind} {NSDECL} w:id="{note_id}">{paras}</w:{kind}>'))
        paragraph._p.append(
            _el(
                f'<w:r {NSDECL}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:{kind}Reference w:id="{note_id}"/></w:r>'
            )
        )
        return note_id

    def endnote(self, paragraph: Any, *texts: str) -> int:
        return self.footnote(paragraph, *texts, kind="endnote")

    # -- comments & tracked changes ------------------------------------------------------

    def comment(self, runs: Any, text: str, *, author: str = "Reviewer", initials: str = "") -> Any:
        """A real Word comment on a run or a (first, last) run sequence (python-docx 1.2)."""
        return self.doc.add_comment(runs, text=text, author=author, initials=initials)

    def _revision(self, tag: str, text: str, author: str) -> Any:
        self._next_revision_id += 1
        text_tag = "delText" if tag == "del" else "t"
        return _el(
            f'<w:{tag} {NSDECL} w:id="{self._next_revision_id}" w:author="{escape(author)}" '
            f'w:date="{DATE}"><w:r><w:{text_tag} xml:space="preserve">{escape(text)}'
            f"</w:{text_tag}></w:r></w:{tag}>"
        )

    def insertion(self, paragraph: Any, text: str, *, author: str = "Editor") -> None:
        paragraph._p.append(self._revision("ins", text, author))

    def deletion(self, paragraph: Any, text: str, *, author: str = "Editor") -> None:
        paragraph._p.append(self._revision("del", text, author))

    # -- text boxes & content controls ---------------------------------------------------

    def text_box(self, paragraph: Any, *texts: str, fallback: bool = True) -> None:
        """A floating text box anchored in ``paragraph``: DrawingML in mc:Choice, VML copy in
        mc:Fallback (as Word writes it), one paragraph per text."""
        shape_id = self._next_shape_id
        self._next_shape_id += 1
        content = "".join(paragraph_xml(text) for text in texts)
        choice = (
            '<mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" '
            'distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" '
            'layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
            '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset>'
            '</wp:positionV><wp:extent cx="1828800" cy="457200"/><wp:wrapSquare '
            f'wrapText="bothSides"/><wp:docPr id="{shape_id}" name="Text Box {shape_id}"/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
            'wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm>'
            '<a:off x="0" y="0"/><a:ext cx="1828800" cy="457200"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr><wps:txbx>'
            f"<w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
            "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        )
        fallback_xml = (
            f'<mc:Fallback><w:pict><v:shape id="TextBox{shape_id}" type="#_x0000_t202" '
            'style="width:144pt;height:36pt"><v:textbox><w:txbxContent>'
            f"{content}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
            if fallback
            else ""
        )
        paragraph._p.append(
            _el(
                f"<w:r {NSDECL}><mc:AlternateContent>{choice}{fallback_xml}"
                "</mc:AlternateContent></w:r>"
            )
        )

    def content_control(self, *texts: str, tag: str = "field") -> Any:
        """A block-level content control (w:sdt) holding one paragraph per text."""
        content = "".join(paragraph_xml(text) for text in texts)
        sdt = _el(
            f'<w:sdt {NSDECL}><w:sdtPr><w:alias w:val="{tag}"/><w:tag w:val="{tag}"/>'
            f"</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"
        )
        self.doc.element.body.sectPr.addprevious(sdt)
        return sdt

    def inline_content_control(self, paragraph: Any, text: str) -> None:
        """A run-level content control inside ``paragraph``."""
        paragraph._p.append(
            _el(
                f'<w:sdt {NSDECL}><w:sdtPr><w:tag w:val="inline"/></w:sdtPr><w:sdtContent>'
                f"{run_xml(text)}</w:sdtContent></w:sdt>"
            )
        )

    def raw_body_xml(self, xml: str) -> None:
        """Insert raw block-level XML (w:p, w:tbl, w:sdt ...) at the end of the body."""
        wrapper = _el(f"<w:body {NSDECL}>{xml}</w:body>")
        anchor = self.doc.element.body.sectPr
        for child in list(wrapper):
            anchor.addprevious(child)

    def save(self, path: Path) -> Path:
        self.doc.save(str(path))
        return path


def _default_package() -> dict[str, bytes]:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_package(path: Path, replace: dict[str, bytes], drop: Sequence[str] = ()) -> Path:
    """python-docx's default package with parts replaced/added (``replace``) or removed."""
    parts = _default_package()
    parts.update(replace)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name not in drop:
                archive.writestr(name, data)
    return path


def replace_parts(path: Path, replace: dict[str, bytes], drop: Sequence[str] = ()) -> Path:
    """Rewrite a saved package in place with parts replaced/added or removed."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts.update(replace)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name not in drop:
                archive.writestr(name, data)
    return path


def read_part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def write_body_xml(path: Path, body_xml: str) -> Path:
    """A package whose document body is ``body_xml`` (fast: no python-docx per paragraph)."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NSDECL} '
        'mc:Ignorable="w14"><w:body>'
        f"{body_xml}<w:sectPr/></w:body></w:document>"
    )
    return write_package(path, {"word/document.xml": document.encode("utf-8")})


def long_document_xml(
    paragraphs: int = 3000, sections: int = 40, tables: int = 60, rows: int = 4
) -> str:
    """Body XML of a long report: headings, multi-run paragraphs, tables, spread evenly."""
    out: list[str] = []
    per_section = max(paragraphs // max(sections, 1), 1)
    table_every = max(paragraphs // max(tables, 1), 1)
    made_tables = 0
    for i in range(paragraphs):
        if i % per_section == 0 and i // per_section < sections:
            level = 1 if (i // per_section) % 4 == 0 else 2
            out.append(paragraph_xml(f"Section {i // per_section + 1}", style=f"Heading{level}"))
        out.append(
            '<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr>'
            + run_xml(f"Paragraph {i} states the finding ")
            + run_xml("in bold", bold=True)
            + run_xml(" and ends with a sentence about the evidence and its source.")
            + "</w:p>"
        )
        if i % table_every == table_every - 1 and made_tables < tables:
            made_tables += 1
            out.append(table_xml([[f"r{r}c{c}" for c in range(3)] for r in range(rows)]))
    return "".join(out)


def table_xml(rows: Sequence[Sequence[str]]) -> str:
    body = "".join(
        "<w:tr>" + "".join(f"<w:tc>{paragraph_xml(cell)}</w:tc>" for cell in row) + "</w:tr>"
        for row in rows
    )
    columns = max(len(row) for row in rows)
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(columns))
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"


def body_element(path: Path) -> Any:
    """The parsed w:body of a saved package (for assertions)."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return root.find(w("body"))
