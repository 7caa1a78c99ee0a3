"""Document benchmark: open+split and reviewed-docx export against same-run baselines.

Generates a ~300-page document (about 3,000 paragraphs in 40 Heading 1 sections, 60 tables of
10x4) and measures, as the median of several repetitions in one run:

* floor     lxml parsing the document's word/document.xml bytes alone
* open      our ``read_document`` (safe open + sections)        target: ≤ 4× the floor
* baseline  python-docx open + save                             (the export baseline)
* export    our export with 1,000 accepted findings anchored on real quotes
                                                                target: ≤ 4× the baseline

and, once and capped, for information, the two python-docx traps the design avoids: the
per-paragraph ``paragraph.style.name`` walk (vs the floor) and ``add_comment`` ×1,000 (vs
open+save).

Run: ``.venv/bin/python -m bench.document [--repeat N]``
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import docx
from lxml import etree

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.document import (
    Block,
    BlockKind,
    BlockLocation,
    Document,
    Section,
    SectionKind,
)
from aiprism_desktop.core.export.comment_text import export_items
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.findings import Finding, FindingType, Risk
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.ooxml.text import paragraph_text

SECTIONS = 40
PARAGRAPHS = 3000
TABLES = 60
FINDINGS = 1000
OPEN_TARGET = 4.0
EXPORT_TARGET = 4.0
STYLE_WALK_CAP = 1000  # paragraphs walked with python-docx's style.name (scaled to all)
ADD_COMMENT_BUDGET_S = 20.0

_WORDS = [
    "the",
    "incident",
    "was",
    "reported",
    "by",
    "night",
    "shift",
    "operator",
    "after",
    "alarm",
    "valve",
    "pressure",
    "investigation",
    "root",
    "cause",
    "timeline",
    "evidence",
    "witness",
    "statement",
    "procedure",
    "control",
    "barrier",
    "failure",
    "maintenance",
    "record",
    "shows",
    "that",
    "inspection",
    "interval",
    "had",
    "been",
    "extended",
    "without",
    "review",
    "approval",
    "management",
    "change",
    "risk",
    "assessment",
    "corrective",
    "action",
    "owner",
    "deadline",
    "verification",
    "effectiveness",
    "lessons",
    "learned",
    "communication",
    "team",
    "site",
]
MAIN = "word/document.xml"
_W = f'xmlns:w="{n.W_NS}"'


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph_xml(rng: random.Random) -> str:
    # Three runs with different formatting, as real documents have.
    parts = [_sentence(rng, rng.randint(8, 14)) for _ in range(3)]
    runs = (
        f'<w:r><w:t xml:space="preserve">{escape(parts[0])} </w:t></w:r>'
        f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{escape(parts[1])} </w:t></w:r>'
        f'<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">{escape(parts[2])}</w:t></w:r>'
    )
    return f"<w:p><w:pPr/>{runs}</w:p>"


def _table_xml(rng: random.Random) -> str:
    rows = "".join(
        "<w:tr>"
        + "".join(
            f'<w:tc><w:p><w:r><w:t xml:space="preserve">{escape(_sentence(rng, 4))}</w:t></w:r>'
            "</w:p></w:tc>"
            for _ in range(4)
        )
        + "</w:tr>"
        for _ in range(10)
    )
    return f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr>{rows}</w:tbl>'


def generate(
    path: Path,
    seed: int = 7,
    *,
    sections: int = SECTIONS,
    paragraphs: int = PARAGRAPHS,
    tables: int = TABLES,
) -> None:
    """Write the benchmark document: python-docx's template with a generated body."""
    rng = random.Random(seed)
    per_section = paragraphs // sections
    tables_at = set(rng.sample(range(paragraphs), tables))
    body: list[str] = []
    count = 0
    for section in range(sections):
        body.append(
            '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>'
            f"<w:r><w:t>Section {section + 1}: {escape(_sentence(rng, 3))}</w:t></w:r></w:p>"
        )
        for _ in range(per_section - 1):
            body.append(_paragraph_xml(rng))
            if count in tables_at:
                body.append(_table_xml(rng))
            count += 1
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as template:
        members = [(info, template.read(info.filename)) for info in template.infolist()]
    root = etree.fromstring(next(data for info, data in members if info.filename == MAIN))
    body_element = root.find(n.W_BODY)
    assert body_element is not None
    sect_pr = body_element.find(n.w("sectPr"))
    for child in list(body_element):
        body_element.remove(child)
    for child in etree.fromstring(f"<w:body {_W}>{''.join(body)}</w:body>"):
        body_element.append(child)
    if sect_pr is not None:
        body_element.append(sect_pr)
    main = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, main if info.filename == MAIN else data)


def _fallback_document(path: Path) -> Document:
    """A Document following the block contracts, for when the reader is not available."""
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read(MAIN))
    sections: list[Section] = []
    blocks: list[Block] = []
    title = "Preamble"
    for index, paragraph in enumerate(root.iter(n.W_P)):
        style = paragraph.find(f"{n.W_PPR}/{n.w('pStyle')}")
        heading = style is not None and style.get(n.W_VAL) == "Heading1"
        text = paragraph_text(paragraph)
        block = Block(f"p{index}", BlockKind.PARAGRAPH, text, BlockLocation(MAIN, index))
        if heading and blocks:
            sections.append(Section(f"s{len(sections)}", title, 1, SectionKind.BODY, tuple(blocks)))
            blocks = []
        if heading:
            title = text
        blocks.append(block)
    sections.append(Section(f"s{len(sections)}", title, 1, SectionKind.BODY, tuple(blocks)))
    return Document(path, hashlib.sha256(data).hexdigest(), path.stem, tuple(sections))


def _findings(document: Document, count: int) -> list[Finding]:
    """``count`` findings quoting real text (spanning runs) in different paragraphs."""
    candidates = [
        (section, block)
        for section in document.sections
        for block in section.blocks
        if len(block.text.split(". ")) >= 3
    ]
    step = max(len(candidates) // count, 1)
    findings = []
    for index, (section, block) in enumerate(candidates[::step][:count]):
        words = block.text.split(" ")
        middle = len(words) // 2
        quote = " ".join(words[middle - 6 : middle + 6])  # crosses into a neighbouring run
        anchor = anchor_quote(section, quote, hint_block_id=block.id)
        assert anchor is not None, quote
        findings.append(
            Finding(
                id=f"b{index}",
                section_id=section.id,
                origin="model:bench",
                type=FindingType.IMPORTANT,
                risk=Risk.MEDIUM,
                category="Evidence",
                description="The evidence for this statement is not given.",
                suggestion="Cite the record.",
                questions=("Which record?",),
                framework_refs=(11,),
                quote=quote,
                anchor=anchor,
            )
        )
    return findings


def _median(function: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _style_walk_seconds(path: Path) -> tuple[float, int, int]:
    document = docx.Document(str(path))
    paragraphs = document.paragraphs
    walked = paragraphs[:STYLE_WALK_CAP]
    started = time.perf_counter()
    for paragraph in walked:
        _ = paragraph.style.name if paragraph.style is not None else ""
    elapsed = time.perf_counter() - started
    return elapsed * len(paragraphs) / max(len(walked), 1), len(walked), len(paragraphs)


def _add_comment_seconds(path: Path, count: int) -> tuple[float, int]:
    document = docx.Document(str(path))
    paragraphs = [p for p in document.paragraphs if p.runs][:count]
    started = time.perf_counter()
    done = 0
    for paragraph in paragraphs:
        document.add_comment(paragraph.runs, text="Bench comment", author="Bench")
        done += 1
        if time.perf_counter() - started > ADD_COMMENT_BUDGET_S:
            break
    document.save(io.BytesIO())
    return time.perf_counter() - started, done


def _ratio_line(label: str, value: float, base: float, target: float | None) -> str:
    ratio = value / base if base else float("inf")
    verdict = ""
    if target is not None:
        verdict = "  OK" if ratio <= target else f"  MISSES TARGET (≤ {target:g}×)"
    return f"  {label:<58} {value * 1000:9.1f} ms  {ratio:7.2f}×{verdict}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per measurement")
    args = parser.parse_args(argv)
    repeat = max(args.repeat, 1)

    with tempfile.TemporaryDirectory(prefix="aiprism-bench-") as folder:
        work = Path(folder)
        source = work / "bench.docx"
        generate(source)
        with zipfile.ZipFile(source) as archive:
            main_xml = archive.read(MAIN)
        paragraphs = sum(1 for _ in etree.fromstring(main_xml).iter(n.W_P))
        print(
            f"document: {source.stat().st_size / 1e6:.1f} MB, document.xml "
            f"{len(main_xml) / 1e6:.1f} MB, {paragraphs} w:p (table cells included), "
            f"{SECTIONS} sections, {TABLES} tables; median of {repeat}"
        )

        floor = _median(lambda: etree.fromstring(main_xml), repeat)

        try:
            document = read_document(source)
            open_split: float | None = _median(lambda: read_document(source), repeat)
        except ImportError as exc:
            print(f"  open+split: reader not available ({exc}); export uses a fallback splitter")
            document = _fallback_document(source)
            open_split = None

        def open_save() -> None:
            docx.Document(str(source)).save(io.BytesIO())

        baseline = _median(open_save, repeat)

        started = time.perf_counter()
        findings = _findings(document, FINDINGS)
        anchoring = time.perf_counter() - started
        items = export_items(findings)
        out = work / "reviewed.docx"
        summary = export_reviewed_docx(source, document, items, out)
        assert summary.span_anchored == len(findings), summary
        export = _median(lambda: export_reviewed_docx(source, document, items, out), repeat)

        print("vs the lxml floor:")
        print(_ratio_line("lxml parse of document.xml (floor)", floor, floor, None))
        if open_split is not None:
            print(_ratio_line("open+split (read_document)", open_split, floor, OPEN_TARGET))
        else:
            print("  open+split (read_document)                    missing")
        walk, walked, total = _style_walk_seconds(source)
        print(
            _ratio_line(
                f"trap: python-docx style.name walk (×{total}; {walked} timed)", walk, floor, None
            )
        )
        print("vs python-docx open+save (baseline):")
        print(_ratio_line("python-docx open+save (baseline)", baseline, baseline, None))
        print(
            _ratio_line(
                f"export, {len(findings)} span-anchored comments", export, baseline, EXPORT_TARGET
            )
        )
        add_comment, done = _add_comment_seconds(source, FINDINGS)
        capped = "" if done == FINDINGS else f", capped at {done}"
        print(
            _ratio_line(
                f"trap: python-docx add_comment ×{done}+save{capped}", add_comment, baseline, None
            )
        )
        print(f"  (anchoring the {len(findings)} quotes: {anchoring * 1000:.1f} ms, once)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
