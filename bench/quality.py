"""Benchmark: how useful the offline reviewer is on published postmortems.

For each of the ten postmortems in ``bench/quality`` (sources and licences there), builds the
clean and the planted .docx, reads them with the application's reader and reviews every section
with the offline reviewer (Hawkeye framework, as a new user gets). Prints, for the development
half and the held-out half separately and together:

* recall per defect kind on the planted versions (a planted defect counts as found when a
  finding of one of its kind's rules quotes its text, or is quoted by it);
* findings per 1,000 words on the clean versions, per rule;
* repeated quotes (the same quote twice in one section), clean and planted.

Targets: recall >= 90% over all kinds (every kind >= 75%), <= 8 findings per 1,000 words on
the clean texts, 0 repeated quotes. ``--findings`` lists every clean-text finding (for judging).

    .venv/bin/python -m bench.quality [--findings]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.frameworks import load_frameworks
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.prompts import build_review_prompt
from aiprism_desktop.core.reviewer import SectionReviewRequest
from aiprism_desktop.providers.offline.reviewer import OfflineReviewer
from bench.postmortems import KIND_RULES, Postmortem, load_postmortems, markdown_to_docx, word_count

RECALL_TARGET = 0.90
KIND_RECALL_TARGET = 0.75
DENSITY_TARGET = 8.0


@dataclass(frozen=True)
class Found:
    section: str
    rule: str
    quote: str
    description: str


def review(reviewer: OfflineReviewer, document: Document) -> list[Found]:
    """Every finding of the offline reviewer on every section."""
    framework = load_frameworks(None)["hawkeye"]

    async def run() -> list[Found]:
        found = []
        for section in document.sections:
            prompt = build_review_prompt(document, section, framework)
            request = SectionReviewRequest(document, section, framework, prompt)
            result = await reviewer.review_section(request)
            found += [
                Found(section.title, d.origin.removeprefix("rule:"), d.quote, d.description)
                for d in result.drafts
            ]
        return found

    return asyncio.run(run())


def reviewed(reviewer: OfflineReviewer, markdown: str, folder: Path, name: str) -> list[Found]:
    path = folder / f"{name}.docx"
    markdown_to_docx(markdown, path)
    return review(reviewer, read_document(path))


def repeated_quotes(found: Iterable[Found]) -> int:
    counts = Counter((f.section, f.quote) for f in found if f.quote)
    return sum(count - 1 for count in counts.values())


def _caught(found: list[Found], kind: str, anchors: tuple[str, ...]) -> bool:
    rules = KIND_RULES[kind]
    return any(
        f.rule in rules and f.quote and any(f.quote in a or a in f.quote for a in anchors)
        for f in found
    )


@dataclass
class Tally:
    """What one half (or the whole) of the evaluation found."""

    words: int = 0
    clean: list[tuple[str, Found]] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)
    repeated_clean: int = 0
    repeated_planted: int = 0
    missed: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Fold another half into this one."""
        self.words += other.words
        self.clean += other.clean
        self.hits += other.hits
        self.totals += other.totals
        self.repeated_clean += other.repeated_clean
        self.repeated_planted += other.repeated_planted
        self.missed += other.missed


def evaluate(reviewer: OfflineReviewer, postmortems: list[Postmortem], folder: Path) -> Tally:
    tally = Tally()
    for item in postmortems:
        clean = reviewed(reviewer, item.clean, folder, f"{item.name}-clean")
        planted = reviewed(reviewer, item.planted, folder, f"{item.name}-planted")
        tally.words += word_count(item.clean)
        tally.clean += [(item.name, f) for f in clean]
        tally.repeated_clean += repeated_quotes(clean)
        tally.repeated_planted += repeated_quotes(planted)
        for defect in item.defects:
            tally.totals[defect.kind] += 1
            caught = _caught(planted, defect.kind, defect.anchors)
            tally.hits[defect.kind] += caught
            if not caught:
                tally.missed.append(f"{item.name}: {defect.kind} {defect.anchors[0]!r}")
    return tally


def report(label: str, tally: Tally) -> bool:
    print(
        f"\n== {label}: {tally.words} words (clean), {sum(tally.totals.values())} planted defects"
    )
    print(f"  {'defect kind':<20} {'found':>7} {'recall':>7}")
    ok = True
    for kind in sorted(tally.totals):
        recall = tally.hits[kind] / tally.totals[kind]
        ok &= recall >= KIND_RECALL_TARGET
        print(f"  {kind:<20} {tally.hits[kind]:>3}/{tally.totals[kind]:<3} {recall:>7.0%}")
    overall = sum(tally.hits.values()) / max(sum(tally.totals.values()), 1)
    ok &= overall >= RECALL_TARGET
    found, planted = sum(tally.hits.values()), sum(tally.totals.values())
    print(f"  {'all kinds':<20} {found:>3}/{planted:<3} {overall:>7.0%}")
    per_rule = Counter(found.rule for _, found in tally.clean)
    density = len(tally.clean) / tally.words * 1000
    ok &= density <= DENSITY_TARGET and tally.repeated_clean == 0 and tally.repeated_planted == 0
    print(f"  clean findings: {len(tally.clean)}, {density:.1f} per 1,000 words; per rule:")
    for rule, count in per_rule.most_common():
        print(f"    {rule:<28} {count:>3}  {count / tally.words * 1000:5.2f} /1k words")
    print(f"  repeated quotes: clean {tally.repeated_clean}, planted {tally.repeated_planted}")
    for missed in tally.missed:
        print(f"  missed: {missed}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--findings", action="store_true", help="list the clean-text findings")
    parser.add_argument(
        "--split", choices=("dev", "holdout", "all"), default="all", help="which half to run"
    )
    args = parser.parse_args(argv)
    reviewer = OfflineReviewer()
    postmortems = load_postmortems()
    ok = True
    with tempfile.TemporaryDirectory(prefix="aiprism-quality-") as folder:
        halves = {}
        for split in ("dev", "holdout") if args.split == "all" else (args.split,):
            chosen = [p for p in postmortems if p.split == split]
            halves[split] = evaluate(reviewer, chosen, Path(folder))
            ok &= report(f"{split} ({len(chosen)} postmortems)", halves[split])
        combined = Tally()
        for tally in halves.values():
            combined.add(tally)
        ok &= report(f"all ({len(postmortems)} postmortems)", combined)
    if args.findings:
        print("\nclean-text findings:")
        for number, (name, found) in enumerate(combined.clean, start=1):
            print(f"{number:3}. [{name} / {found.section}] {found.rule}: “{found.quote[:90]}”")
            print(f"       {found.description[:220]}")
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
