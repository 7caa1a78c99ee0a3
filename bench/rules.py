"""Benchmark: the offline reviewer's time on long paragraphs and on a realistic long document.

* one paragraph of ordinary sentences at 25, 50, 100, 200 and 400 KB (a pasted log or appendix):
  review time and its growth ratio per doubling (target <= 2.2: linear, not quadratic);
* the 40-section bench document (40 sections of about 30,000 characters, a 10x4 table every
  ten paragraphs, prose made of the evaluation postmortems' sentences so dates, times, figures
  and timelines are real): every section reviewed as the engine does (target <= 1.0 s);
* the longest stall of a 10 ms timer on the event loop during that review (the rules run in a
  worker thread; target <= 50 ms).

Each figure is min / median / max over ``--repeat`` runs (default 5), each on a fresh document
object so the per-document fact extraction is included.

    .venv/bin/python -m bench.rules [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiprism_desktop.core.document import (
    Block,
    BlockKind,
    BlockLocation,
    Document,
    Section,
    SectionKind,
    TableCellRef,
)
from aiprism_desktop.core.frameworks import load_frameworks
from aiprism_desktop.core.prompts import build_review_prompt
from aiprism_desktop.core.reviewer import SectionReviewRequest
from aiprism_desktop.providers.offline.reviewer import OfflineReviewer
from aiprism_desktop.providers.offline.rules.text import sentence_spans
from bench.postmortems import inline, load_postmortems

PARAGRAPH_KB = (25, 50, 100, 200, 400)
GROWTH_TARGET = 2.2
DOCUMENT_TARGET_S = 1.0
STALL_TARGET_MS = 50.0
SECTIONS = 40
SECTION_CHARS = 30_000
_TITLES = (
    "Summary",
    "Impact",
    "Timeline",
    "Root Cause",
    "Detection",
    "Resolution",
    "Lessons Learned",
    "Action Items",
)


def sentence_pool() -> list[str]:
    """Every sentence of the evaluation postmortems (clean versions)."""
    pool = []
    for item in load_postmortems():
        for line in item.clean.splitlines():
            text = inline(line.lstrip("#*->| "))
            pool += [text[a:b] for a, b in sentence_spans(text) if b - a > 20]
    return pool


def _block(index: int, kind: BlockKind, text: str, cell: TableCellRef | None = None) -> Block:
    location = BlockLocation("word/document.xml", index)
    level = 1 if kind is BlockKind.HEADING else None
    return Block(f"p{index}", kind, text, location, heading_level=level, table_cell=cell)


def bench_document(seed: int = 7) -> Document:
    """40 sections of ~30,000 characters, with tables, from the postmortems' sentences."""
    rng = random.Random(seed)
    pool = sentence_pool()
    sections, counter, tables = [], 0, 0
    for number in range(SECTIONS):
        title = f"{_TITLES[number % len(_TITLES)]} {number // len(_TITLES) + 1}"
        blocks = [_block(counter, BlockKind.HEADING, title)]
        counter += 1
        size, paragraphs = 0, 0
        while size < SECTION_CHARS:
            text = " ".join(rng.choice(pool) for _ in range(rng.randint(3, 7)))
            blocks.append(_block(counter, BlockKind.PARAGRAPH, text))
            counter, size, paragraphs = counter + 1, size + len(text), paragraphs + 1
            if paragraphs % 10 == 0:
                for row in range(10):
                    for column in range(4):
                        cell = (
                            rng.choice(pool)[:120]
                            if column
                            else f"{9 + row:02d}:{rng.randint(0, 59):02d}"
                        )
                        ref = TableCellRef(tables, row, column)
                        blocks.append(_block(counter, BlockKind.TABLE_CELL, cell, ref))
                        counter, size = counter + 1, size + len(cell)
                tables += 1
        sections.append(
            Section(f"s{number + 1:03d}", title, 1, SectionKind.BODY, tuple(blocks), blocks[0].id)
        )
    return _document(tuple(sections), f"bench-{seed}")


def paragraph_document(kilobytes: int, seed: int = 7) -> Document:
    """One section holding one paragraph of about ``kilobytes`` KB of ordinary sentences."""
    rng = random.Random(seed)
    pool = sentence_pool()
    parts: list[str] = []
    size = 0
    while size < kilobytes * 1000:
        sentence = rng.choice(pool)
        parts.append(sentence)
        size += len(sentence) + 1
    blocks = (
        _block(0, BlockKind.HEADING, "Appendix"),
        _block(1, BlockKind.PARAGRAPH, " ".join(parts)),
    )
    section = Section("s001", "Appendix", 1, SectionKind.BODY, blocks, "p0")
    return _document((section,), f"paragraph-{kilobytes}-{seed}")


def _document(sections: tuple[Section, ...], salt: str) -> Document:
    digest = hashlib.sha256((salt + "".join(s.text for s in sections)).encode()).hexdigest()
    return Document(Path(f"/bench/{salt}.docx"), digest, "Bench", sections)


async def review_all(reviewer: OfflineReviewer, document: Document) -> int:
    """Review every section in turn; the number of findings."""
    framework = load_frameworks(None)["hawkeye"]
    found = 0
    for section in document.sections:
        prompt = build_review_prompt(document, section, framework)
        result = await reviewer.review_section(
            SectionReviewRequest(document, section, framework, prompt)
        )
        found += len(result.drafts)
    return found


async def _with_probe(work: Callable[[], Awaitable[int]]) -> tuple[float, int, float, float]:
    """(seconds, findings, longest event-loop stall in ms, CPU seconds) while ``work`` runs.

    The CPU seconds tell a busy machine from slow code: on a machine shared with other work
    the wall time and the stalls grow, the CPU time does not."""
    stalls: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            stalls.append((now - last - 0.01) * 1000)
            last = now

    task = asyncio.create_task(probe())
    started, cpu = time.perf_counter(), time.process_time()
    found = await work()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    done.set()
    await task
    return elapsed, found, max(stalls, default=0.0), cpu


def _spread(values: list[float]) -> str:
    return f"{min(values):8.3f} {statistics.median(values):8.3f} {max(values):8.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    repeat = max(args.repeat, 1)
    reviewer = OfflineReviewer()
    ok = True
    print(f"one paragraph (seconds, min / median / max of {repeat}; ratio of medians per doubling)")
    print(f"  {'size':>7} {'min':>8} {'median':>8} {'max':>8} {'ratio':>6}")
    previous: float | None = None
    for kilobytes in PARAGRAPH_KB:
        times = []
        for run in range(repeat):
            document = paragraph_document(kilobytes, seed=run)
            started = time.perf_counter()
            asyncio.run(review_all(reviewer, document))
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        ratio = median / previous if previous else None
        verdict = ""
        if ratio is not None:
            ok &= ratio <= GROWTH_TARGET
            verdict = "  ok" if ratio <= GROWTH_TARGET else f"  OVER {GROWTH_TARGET}"
        shown = f"{ratio:6.2f}" if ratio is not None else f"{'-':>6}"
        print(f"  {kilobytes:>4} KB {_spread(times)} {shown}{verdict}")
        previous = median
    document = bench_document()
    chars = sum(len(b.text) for s in document.sections for b in s.blocks)
    print(f"\n{SECTIONS}-section document: {chars / 1e6:.2f} M characters")
    times, stalls, cpus, found = [], [], [], 0
    for run in range(repeat):
        fresh = bench_document(seed=run)

        async def work(document: Document = fresh) -> int:
            return await review_all(reviewer, document)

        elapsed, found, stall, cpu = asyncio.run(_with_probe(work))
        times.append(elapsed)
        stalls.append(stall)
        cpus.append(cpu)
    ok &= statistics.median(times) <= DOCUMENT_TARGET_S and max(stalls) <= STALL_TARGET_MS
    print(
        f"  review, seconds   {_spread(times)}   target <= {DOCUMENT_TARGET_S} s ({found} findings)"
    )
    print(f"  loop stall, ms    {_spread(stalls)}   target <= {STALL_TARGET_MS:g} ms")
    print(f"  CPU, seconds      {_spread(cpus)}   (load average now {os.getloadavg()[0]:.1f})")
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
