"""Same findings as before: the offline reviewer's output compared with another revision's.

A speed change to the offline reviewer must not change what it finds. This bench reviews a
fixed set of documents with the code of this checkout and with the code of a git revision
(extracted with ``git archive`` into a temporary folder and run in its own process), and
compares every finding draft field by field (rule, quote, section, type, risk, description,
suggestion, ...), in order; the engine numbers findings by that order, so the same list means
the same ids. The documents:

* the ten evaluation postmortems (``bench/quality``), clean and planted, under every framework;
* the bundled sample report;
* the 40-section bench document of ``bench.rules`` (postmortem sentences, real facts);
* the realistic 40-section document of ``bench.realistic``;
* a 100 KB single paragraph (the long-input path).

Prints one line per document (findings, same or the first difference) and exits 1 on any
difference. ``--dump FILE`` only writes this checkout's findings as JSON (what the other
revision's process runs).

    .venv/bin/python -m bench.offline_findings [--against REV]   (default: main)
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.frameworks import load_frameworks
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.prompts import build_review_prompt
from aiprism_desktop.core.resources import resources_dir
from aiprism_desktop.core.reviewer import SectionReviewRequest
from aiprism_desktop.providers.offline.reviewer import OfflineReviewer

Findings = list[dict[str, Any]]


def _documents(folder: Path) -> Iterator[tuple[str, Document, bool]]:
    """(name, document, review under every framework) for every document of the set."""
    from bench import realistic
    from bench.postmortems import load_postmortems, markdown_to_docx
    from bench.rules import bench_document, paragraph_document

    for item in load_postmortems():
        for version, markdown in (("clean", item.clean), ("planted", item.planted)):
            path = folder / f"{item.name}-{version}.docx"
            markdown_to_docx(markdown, path)
            yield f"{item.name} ({version})", read_document(path), True
    yield "sample", read_document(resources_dir() / "samples" / "investigation_report.docx"), True
    yield "bench.rules document", bench_document(), False
    yield "realistic document", read_document(realistic.generate(folder / "realistic.docx")), False
    yield "100 KB paragraph", paragraph_document(100), False


async def _review(reviewer: OfflineReviewer, document: Document, framework: Any) -> Findings:
    found: Findings = []
    for section in document.sections:
        prompt = build_review_prompt(document, section, framework)
        result = await reviewer.review_section(
            SectionReviewRequest(document, section, framework, prompt)
        )
        notes = [attempt.message for attempt in result.attempts if attempt.message]
        for draft in result.drafts:
            found.append({"section": section.id, **dataclasses.asdict(draft)})
        found += [{"section": section.id, "note": note} for note in notes]
    return found


def dump() -> dict[str, Findings]:
    """This checkout's findings on every document of the set, by document and framework."""
    reviewer = OfflineReviewer()
    frameworks = load_frameworks(None)
    results: dict[str, Findings] = {}
    with tempfile.TemporaryDirectory() as directory:
        for name, document, every_framework in _documents(Path(directory)):
            chosen = sorted(frameworks) if every_framework else ["hawkeye"]
            for framework_id in chosen:
                findings = asyncio.run(_review(reviewer, document, frameworks[framework_id]))
                # JSON round trip: tuples become lists, as in the other revision's dump.
                results[f"{name} [{framework_id}]"] = json.loads(json.dumps(findings))
    return results


def _other_revision(revision: str) -> dict[str, Findings]:
    """The findings of ``revision``'s code, computed in a process of its own."""
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as directory:
        tree = Path(directory) / "tree"
        tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", revision], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        out = Path(directory) / "findings.json"
        # This bench's own code runs on the other revision's package (PYTHONPATH comes first).
        env = {**os.environ, "PYTHONPATH": str(tree)}
        check = "import aiprism_desktop as p, sys; sys.exit(not p.__file__.startswith(sys.argv[1]))"
        subprocess.run([sys.executable, "-c", check, str(tree)], env=env, cwd=tree, check=True)
        script = Path(__file__).resolve()
        subprocess.run(
            [sys.executable, str(script), "--dump", str(out)], env=env, cwd=tree, check=True
        )
        loaded: dict[str, Findings] = json.loads(out.read_text(encoding="utf-8"))
        return loaded


def _first_difference(old: Findings, new: Findings) -> str:
    for index, (before, after) in enumerate(zip(old, new, strict=False)):
        if before != after:
            keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
            field = keys[0]
            return (
                f"finding {index + 1} differs in {', '.join(keys)}: "
                f"{before.get(field)!r} -> {after.get(field)!r}"
            )
    return f"{len(old)} findings before, {len(new)} now"


def compare(old: dict[str, Findings], new: dict[str, Findings]) -> bool:
    """Print the comparison; True when every document gives the same findings."""
    same = old.keys() == new.keys()
    if not same:
        print(f"documents differ: {sorted(old.keys() ^ new.keys())}")
    width = max(len(name) for name in new)
    for name in new:
        before, after = old.get(name, []), new[name]
        verdict = "same" if before == after else _first_difference(before, after)
        same &= before == after
        print(f"  {name:<{width}} {len(after):5d} findings  {verdict}")
    total = sum(len(found) for found in new.values())
    verdict = "all the same" if same else "DIFFERENT"
    print(f"\n{total} findings on {len(new)} documents: {verdict}")
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--against", default="main", help="git revision to compare with")
    parser.add_argument("--dump", type=Path, help="only write this checkout's findings here")
    args = parser.parse_args(argv)
    if args.dump:
        args.dump.write_text(json.dumps(dump()), encoding="utf-8")
        return 0
    print(f"offline findings: this checkout against {args.against}")
    old = _other_revision(args.against)
    return 0 if compare(old, dump()) else 1


if __name__ == "__main__":
    sys.exit(main())
