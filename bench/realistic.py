"""The document of the speed benches that look like real work: a long investigation report of
40 sections of about 30,000 characters each, tables included (about 300 pages).

Generated on demand (never committed): ``python -m bench.realistic OUT.docx`` writes it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench import document as document_bench

SECTIONS = 40
PARAGRAPHS = 4_300  # ~250 characters each, with the tables ~30,000 characters a section
TABLES = 80  # two 10×4 tables per section on average


def generate(path: Path, seed: int = 11) -> Path:
    """Write the realistic document to ``path``; return it."""
    document_bench.generate(path, seed, sections=SECTIONS, paragraphs=PARAGRAPHS, tables=TABLES)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "realistic.docx")
    generate(out)
    print(out)
