"""Reader timing: open+split (``read_document``) against the lxml floor, per document.

The floor is lxml parsing the main part's bytes alone. Both are measured in the same run as
the minimum CPU time (``time.process_time``) of interleaved repetitions, which is stable on a
shared machine. Documents: a generated 3,000-paragraph report (``tests.support.docx_factory``), the
``bench.document`` benchmark document, and the largest real files of the shared corpus when
it is there (Word-written XML is heavier per paragraph, which shows in the ratio).

Memory: the reader's peak on the generated 50,000-paragraph file, as the growth of the peak
resident set (``ru_maxrss``) of a fresh process across one ``read_document``, against the
file's uncompressed XML size (target: under 10×).

Run: ``.venv/bin/python -m bench.reader [--repeat N]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from lxml import etree

from aiprism_desktop.core.ooxml.package import open_package
from aiprism_desktop.core.ooxml.reader import read_document
from bench.document import generate
from tests.support.docx_factory import long_document_xml, write_body_xml
from tests.support.fixtures_hostile import make_many_paragraphs

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


MEMORY_TARGET = 10.0
_PEAK_PROBE = """
import resource, sys
from aiprism_desktop.core.ooxml.reader import read_document
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
document = read_document(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) * 1024, sum(len(s.blocks) for s in document.sections))
"""


def xml_bytes(path: Path) -> int:
    """Uncompressed size of the package's XML parts."""
    with zipfile.ZipFile(path) as archive:
        return sum(
            i.file_size for i in archive.infolist() if i.filename.endswith((".xml", ".rels"))
        )


def peak_memory(path: Path) -> tuple[int, int]:
    """(peak resident growth in bytes, blocks) of one read in a fresh interpreter."""
    completed = subprocess.run(
        [sys.executable, "-c", _PEAK_PROBE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    grown, blocks = completed.stdout.split()
    return int(grown), int(blocks)


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
        large = make_many_paragraphs(Path(folder) / "50k.docx")
        size = xml_bytes(large)
        peaks = sorted(peak_memory(large)[0] for _ in range(max(min(args.repeat, 5), 1)))
        middle = statistics.median(peaks)
        verdict = "OK" if middle / size < MEMORY_TARGET else f"MISSES TARGET (< {MEMORY_TARGET:g}×)"
        print(
            f"\npeak memory of read_document, 50,000 paragraphs ({size / 1e6:.1f} MB of XML), "
            f"{len(peaks)} fresh processes: min {peaks[0] / 1e6:.1f}  median {middle / 1e6:.1f}"
            f"  max {peaks[-1] / 1e6:.1f} MB = {middle / size:.1f}× the XML  {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
