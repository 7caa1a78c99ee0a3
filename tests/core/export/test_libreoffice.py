"""LibreOffice headless opens our exports: PDF with the comments as annotations, and the
comments anchored on the right text (checked in the flat ODF LibreOffice writes).

All cases are exported once, then converted in two batched soffice runs (PDF with notes, and
.fodt) with a private profile, because each soffice start costs seconds. These tests FAIL when
soffice is missing: the export promise includes "LibreOffice opens it".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from lxml import etree

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.export.comment_text import export_items
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.findings import Finding
from tests.support.export_factory import (
    contract_document,
    finding,
    macro_package,
    para,
    run,
    table,
    write_docx,
)
from tests.support.soffice import convert_with_soffice

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

NOW = "2025-03-04T05:06:07Z"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
DC = "http://purl.org/dc/elements/1.1/"
_PDF_PREFIX = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'


@dataclass(frozen=True)
class Case:
    name: str
    expected_refs: list[str]  # anchored text of every comment, in document order
    expected_authors: list[str]
    expected_first_lines: list[str]


def _findings_for(source: Path, quotes: list[str], replacements: dict[str, str]) -> list[Finding]:
    document = contract_document(source)
    found = []
    for index, quote in enumerate(quotes):
        section = next(s for s in document.sections if anchor_quote(s, quote) is not None)
        found.append(
            finding(
                f"f{index}",
                section.id,
                quote=quote,
                anchor=anchor_quote(section, quote),
                replacement=replacements.get(quote),
            )
        )
    return found


def _export(source: Path, out: Path, findings: list[Finding], tracked: bool = False) -> None:
    export_reviewed_docx(
        source,
        contract_document(source),
        export_items(findings),
        out,
        tracked_changes=tracked,
        now=NOW,
    )


_HEADLINE = "[IMPORTANT · Medium risk] Evidence"


def _build_cases(work: Path) -> list[Case]:
    cases: list[Case] = []

    spans = write_docx(
        work / "spans-src.docx",
        para(run("Intro"), style="Heading1")
        + para(run("The quick "), run("brown fox", bold=True), run(" jumps &amp; &lt;runs&gt;."))
        + table([["cell alpha", "cell beta"]])
        + para(
            run("See "),
            f'<w:hyperlink w:anchor="x">{run("the linked report")}</w:hyperlink>',
            run(" today."),
        )
        + para(run("Last paragraph here."))
        + para(
            run("Before "),
            '<w:ins w:id="501" w:author="Ann" w:date="2024-01-01T00:00:00Z">'
            + run("inserted words")
            + "</w:ins>",
            run(" after."),
        ),
    )
    quotes = [
        "quick brown",
        "& <runs>",
        "alpha",
        "report today. Last paragraph",
        "linked",
        "inserted",
    ]
    _export(spans, work / "spans.docx", _findings_for(spans, quotes, {}))
    cases.append(
        Case(
            "spans",
            [
                "quick brown",
                "& <runs>",
                "alpha",
                "linked",
                "report today.Last paragraph",
                "inserted",
            ],
            ["AI-Prism"] * 6,
            [_HEADLINE] * 6,
        )
    )

    original = docx.Document()
    target = original.add_paragraph("Existing comment lives here.")
    original.add_paragraph("A new comment goes here.")
    original.add_comment(target.runs, text="Old note", author="Alice", initials="A")
    existing = work / "existing-src.docx"
    original.save(str(existing))
    _export(existing, work / "existing.docx", _findings_for(existing, ["new comment"], {}))
    cases.append(
        Case(
            "existing",
            ["Existing comment lives here.", "new comment"],
            ["Alice", "AI-Prism"],
            ["Old note", _HEADLINE],
        )
    )

    tracked = write_docx(work / "tracked-src.docx", para(run("The valve was probably broken.")))
    _export(
        tracked,
        work / "tracked.docx",
        _findings_for(tracked, ["probably broken"], {"probably broken": "failed"}),
        tracked=True,
    )
    cases.append(Case("tracked", ["failed"], ["AI-Prism"], [_HEADLINE]))

    block = write_docx(
        work / "block-src.docx",
        para(run("Scope"), style="Heading1") + para(run("Body text.")),
    )
    document = contract_document(block)
    _export(block, work / "block.docx", [finding("u", document.sections[0].id, quote="nowhere")])
    cases.append(Case("block", ["Scope"], ["AI-Prism"], [_HEADLINE]))

    macro_src = macro_package(
        work, "application/vnd.ms-word.document.macroEnabled.main+xml", "macro-src.docm"
    )
    _export(macro_src, work / "macro.docx", _findings_for(macro_src, ["document text"], {}))
    cases.append(Case("macro", ["document text"], ["AI-Prism"], [_HEADLINE]))
    return cases


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Case]]:
    work = tmp_path_factory.mktemp("libreoffice")
    cases = _build_cases(work)
    files = [work / f"{case.name}.docx" for case in cases]
    convert_with_soffice(_PDF_PREFIX, files, work / "pdf", work / "lo-profile", timeout=240)
    convert_with_soffice("fodt", files, work / "fodt", work / "lo-profile", timeout=240)
    return work, cases


def _pdf_string(token: bytes) -> str:
    if token.startswith(b"<"):
        raw = bytes.fromhex(token[1:-1].decode("ascii"))
    else:
        raw = re.sub(rb"\\([()\\])", rb"\1", token[1:-1])
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be")
    return raw.decode("latin-1")


def _pdf_text_annotations(pdf: Path) -> list[tuple[str, str]]:
    """(author, contents) of every /Text (comment) annotation in a LibreOffice PDF."""
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    notes = []
    string = rb"(<[0-9A-Fa-f]*>|\((?:\\.|[^\\)])*\))"
    for obj in re.findall(rb"\d+ 0 obj\s*<<(.*?)>>\s*endobj", data, re.S):
        if not re.search(rb"/Subtype\s*/Text\b", obj):
            continue
        author = re.search(rb"/T\s*" + string, obj, re.S)
        contents = re.search(rb"/Contents\s*" + string, obj, re.S)
        assert contents is not None
        notes.append(
            (_pdf_string(author.group(1)) if author else "", _pdf_string(contents.group(1)))
        )
    return notes


def _change_ids(root: etree._Element, kind: str) -> set[str]:
    """Ids of the tracked-change regions of one kind ("deletion" / "insertion")."""
    return {
        region.get(f"{{{TEXT}}}id", "")
        for region in root.iter(f"{{{TEXT}}}changed-region")
        if region.find(f"{{{TEXT}}}{kind}") is not None
    }


def _fodt_annotations(fodt: Path) -> list[tuple[str, str, str]]:
    """(anchored text, author, first paragraph) of every annotation, in document order.

    Anchored text is the accept-all view: text in deletion regions (which LibreOffice keeps
    inline between change-start and change-end) is left out; paragraphs join with nothing,
    as docx2python joins them.
    """
    root = etree.parse(str(fodt)).getroot()
    body = root.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    assert body is not None
    deletions = _change_ids(root, "deletion")
    opened: dict[str, list[str]] = {}
    anchored: dict[str, str] = {}
    heads: list[tuple[str, str, str]] = []  # (name, author, first paragraph)
    state = {"deleting": False}
    paragraph_tags = {f"{{{TEXT}}}p", f"{{{TEXT}}}h"}

    def add(text: str | None, in_paragraph: bool) -> None:
        if text and in_paragraph and not state["deleting"]:
            for pieces in opened.values():
                pieces.append(text)

    def walk(element: etree._Element, in_paragraph: bool) -> None:
        tag = element.tag
        inside = in_paragraph or tag in paragraph_tags
        if tag == f"{{{OFFICE}}}annotation":
            name = element.get(f"{{{OFFICE}}}name", f"point{len(heads)}")
            first = element.find(f"{{{TEXT}}}p")
            first_text = "".join(str(t) for t in first.itertext()) if first is not None else ""
            heads.append((name, element.findtext(f"{{{DC}}}creator") or "", first_text))
            opened[name] = []
        elif tag == f"{{{OFFICE}}}annotation-end":
            name = element.get(f"{{{OFFICE}}}name", "")
            anchored[name] = "".join(opened.pop(name))
        elif tag == f"{{{TEXT}}}change-start":
            if element.get(f"{{{TEXT}}}change-id") in deletions:
                state["deleting"] = True
        elif tag == f"{{{TEXT}}}change-end":
            if element.get(f"{{{TEXT}}}change-id") in deletions:
                state["deleting"] = False
        elif tag == f"{{{TEXT}}}tracked-changes":
            pass
        elif tag == f"{{{TEXT}}}s":
            add(" " * int(element.get(f"{{{TEXT}}}c", "1")), inside)
        elif tag == f"{{{TEXT}}}tab":
            add("\t", inside)
        else:
            add(element.text, inside)
            for child in element:
                walk(child, inside)
        add(element.tail, in_paragraph)

    walk(body, False)
    return [(anchored.get(name, ""), author, first) for name, author, first in heads]


CASE_NAMES = ["spans", "existing", "tracked", "block", "macro"]


def _case(converted: tuple[Path, list[Case]], name: str) -> tuple[Path, Case]:
    work, cases = converted
    return work, next(case for case in cases if case.name == name)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_pdf_has_every_comment(converted: tuple[Path, list[Case]], name: str) -> None:
    work, case = _case(converted, name)
    notes = _pdf_text_annotations(work / "pdf" / f"{name}.pdf")
    assert len(notes) == len(case.expected_refs)
    assert sorted(contents.split("\n")[0] for _, contents in notes) == sorted(
        case.expected_first_lines
    )
    assert all(author.startswith(tuple(case.expected_authors)) for author, _ in notes)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_libreoffice_anchors_comments_on_the_quoted_text(
    converted: tuple[Path, list[Case]], name: str
) -> None:
    work, case = _case(converted, name)
    annotations = _fodt_annotations(work / "fodt" / f"{name}.fodt")
    assert [a[0] for a in annotations] == case.expected_refs
    assert [a[1] for a in annotations] == case.expected_authors
    assert [a[2] for a in annotations] == case.expected_first_lines


def test_libreoffice_sees_the_tracked_change(converted: tuple[Path, list[Case]]) -> None:
    work, _ = converted
    fodt = work / "fodt" / "tracked.fodt"
    root = etree.parse(str(fodt)).getroot()
    [deletion] = _change_ids(root, "deletion")
    [insertion] = _change_ids(root, "insertion")
    raw = fodt.read_text(encoding="utf-8")

    def region_text(change_id: str) -> str:
        pattern = (
            f'<text:change-start text:change-id="{change_id}"/>(.*?)'
            f'<text:change-end text:change-id="{change_id}"/>'
        )
        match = re.search(pattern, raw, re.S)
        assert match is not None
        without_notes = re.sub(
            r"<office:annotation .*?</office:annotation>", "", match[1], flags=re.S
        )
        return re.sub(r"<[^>]+>", "", without_notes)

    assert region_text(deletion) == "probably broken"
    assert region_text(insertion) == "failed"
