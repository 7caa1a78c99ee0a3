"""Legacy formats made by LibreOffice itself, and every repair case, reviewed end to end.

A .docx with a heading, a paragraph, a table and a header is converted by LibreOffice to .doc,
.rtf and .odt (three soffice processes side by side). Those three and the generated repair
cases (``tests.support.repair_fixtures``: Strict, case-mismatched target, missing docProps,
``#fragment`` hyperlink, missing image, traversal members) are each read (legacy ones
converted back by the reader, with a CONVERTED warning), reviewed with one finding and exported;
every reviewed copy must open in python-docx with its comment, and in LibreOffice (one batch
conversion to flat ODF) with the body text and the comment. These tests FAIL without soffice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from lxml import etree

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.document import SectionKind
from aiprism_desktop.core.export.comment_text import export_items
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.resources import resources_dir
from tests.support.export_factory import finding
from tests.support.repair_fixtures import BODY_TEXT, HEADER_TEXT, REPAIR_CASES
from tests.support.soffice import convert_with_soffice

pytestmark = [pytest.mark.slow, pytest.mark.libreoffice]

QUOTE = "inspected on the night shift"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
LEGACY = ("doc", "rtf", "odt")
SAMPLE = resources_dir() / "samples" / "investigation_report.docx"


def _original(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Inspection", 1)
    document.add_paragraph(BODY_TEXT)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "valve"
    table.cell(1, 1).text = "pressure"
    document.sections[0].header.paragraphs[0].text = HEADER_TEXT
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    """case → (reviewed copy, warning codes of the read source)."""
    work = tmp_path_factory.mktemp("formats")
    original = _original(work / "original.docx")
    sample = Path(shutil.copy(SAMPLE, work / "sample.docx"))  # for the CLI test: has findings
    with ThreadPoolExecutor(max_workers=3) as pool:  # one soffice per format, side by side
        list(
            pool.map(
                lambda fmt: convert_with_soffice(
                    fmt, [original, sample], work / fmt, work / f"profile-{fmt}"
                ),
                LEGACY,
            )
        )
    sources = {fmt: work / fmt / f"original.{fmt}" for fmt in LEGACY}
    for case, (make, _) in REPAIR_CASES.items():
        sources[case] = make(work / f"{case}.docx")
    results: dict[str, tuple[Path, list[str]]] = {}
    for case, source in sources.items():
        document = read_document(source)
        body = next(s for s in document.sections if anchor_quote(s, QUOTE) is not None)
        item = finding("f1", body.id, quote=QUOTE, anchor=anchor_quote(body, QUOTE))
        out = work / "reviewed" / f"{case}.docx"
        summary = export_reviewed_docx(source, document, export_items([item]), out)
        assert summary.span_anchored == 1, case
        if case in LEGACY:
            assert summary.source_format == case
            headers = [s for s in document.sections if s.kind is SectionKind.HEADERS_FOOTERS]
            assert [b.text for b in headers[0].blocks] == [HEADER_TEXT], case
        results[case] = (out, [w.code for w in document.warnings])
    convert_with_soffice(
        "fodt", [out for out, _ in results.values()], work / "fodt", work / "profile-back"
    )
    return results


CASES = [*LEGACY, *sorted(REPAIR_CASES)]


@pytest.mark.parametrize("case", CASES)
def test_reviewed_copy_opens_in_python_docx(
    reviewed: dict[str, tuple[Path, list[str]]], case: str
) -> None:
    out, codes = reviewed[case]
    expected = "CONVERTED" if case in LEGACY else REPAIR_CASES[case][1]
    assert expected in codes
    copy = docx.Document(str(out))
    assert BODY_TEXT in [p.text for p in copy.paragraphs]
    assert len(list(copy.comments)) == 1


@pytest.mark.parametrize("case", CASES)
def test_reviewed_copy_opens_in_libreoffice(
    reviewed: dict[str, tuple[Path, list[str]]], case: str
) -> None:
    out, _ = reviewed[case]
    fodt = out.parent.parent / "fodt" / f"{case}.fodt"
    assert fodt.is_file(), f"LibreOffice could not open the reviewed {case} copy"
    root = etree.parse(str(fodt)).getroot()
    annotations = list(root.iter(f"{{{OFFICE}}}annotation"))
    assert len(annotations) == 1
    assert "Something to fix." in "".join(annotations[0].itertext())
    for annotation in annotations:  # the body text without the comment's own text
        for child in list(annotation):
            annotation.remove(child)
        annotation.text = None
    assert BODY_TEXT in "".join(str(t) for t in root.itertext())


def test_cli_reviews_a_doc_file_end_to_end(
    reviewed: dict[str, tuple[Path, list[str]]], tmp_path: Path
) -> None:
    """``aiprism review report.doc --out reviewed.docx``: converted, reviewed, exported."""
    work = reviewed["doc"][0].parent.parent
    out = tmp_path / "sample.reviewed.docx"
    env = {**os.environ, "AIPRISM_DATA_DIR": str(tmp_path / "data")}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "aiprism_desktop.cli",
            "--json",
            "review",
            work / "doc" / "sample.doc",
            "--accept-all",
            "--out",
            out,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    comments = list(docx.Document(str(out)).comments)
    assert comments, "the offline reviewer finds something in the sample report"
