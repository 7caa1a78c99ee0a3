"""Reader timing: open+split (``read_document``) against the lxml floor, per document.

The floor is lxml parsing the main part's bytes alone. Both are measured in the same run as
the minimum CPU time (``time.process_time``) of interleaved repetitions, which is stable on a
shared machine. Documents: a generated 3,000-paragraph report (``tests.support.docx_factory``), the
``bench.document`` benchmark document, and the largest real files of the shared corpus when
it is there (Word-written XML is heavier per paragraph, which shows in the ratio).

Run: ``.venv/bin/python -m bench.reader [--repeat N]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

from aiprism_desktop.core.ooxml.package import open_package
from aiprism_desktop.core.ooxml.reader import read_document
from bench.document import generate
from tests.support.docx_factory import long_document_xml, write_body_xml

CORPUS_FILES = (
    "poi__test-data__integration__stress010.docx",
    "poi__test-data__integration__stress004.docx",
    "poi__test-data__document__bug57031.docx",
    "docx2python__tests__resources__libreoffice_conversion.docx",
)


def _corpus() -> Path:
    configured = os.environ.get("AIPRISM_CORPUS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "public"


def measure(path: Path, repeat: int) -> tuple[float, float, int]:
    """(floor s, open+split s, blocks) as minimum CPU times over ``repeat`` rounds."""
    with open_package(path) as package:
        data = package.read_part(package.main_part)
    floors, reads = [], []
    blocks = 0
    for _ in range(repeat):
        started = time.process_time()
        etree.fromstring(data)
        floors.append(time.process_time() - started)
        started = time.process_time()
        document = read_document(path)
        reads.append(time.process_time() - started)
        blocks = sum(len(section.blocks) for section in document.sections)
    return min(floors), min(reads), blocks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aiprism-reader-") as folder:
        documents = [
            (
                "generated report, 3,000 paragraphs",
                write_body_xml(Path(folder) / "r.docx", long_document_xml()),
            ),
        ]
        bench_document = Path(folder) / "bench.docx"
        generate(bench_document)
        documents.append(("bench.document (5,400 w:p)", bench_document))
        corpus = _corpus()
        documents += [
            (name[:40], corpus / name) for name in CORPUS_FILES if (corpus / name).is_file()
        ]
        print(f"{'document':42} {'blocks':>7} {'floor ms':>9} {'open+split ms':>14} {'ratio':>6}")
        for label, path in documents:
            floor, read, blocks = measure(path, max(args.repeat, 1))
            print(
                f"{label:42} {blocks:7d} {floor * 1000:9.1f} {read * 1000:14.1f}"
                f" {read / floor:6.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
