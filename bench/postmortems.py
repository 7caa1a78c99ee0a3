"""The offline reviewer's evaluation set: published postmortems, clean and with planted defects.

The texts are committed as Markdown (``bench/quality/sources``, with their licences); the planted
versions are described by edits in ``bench/quality/truth/*.yaml``; both become small .docx files
at run time (python-docx, Word's built-in styles), read back by the application's own reader.

A truth file::

    split: dev            # dev: used while writing the rules; holdout: kept aside until done
    defects:
      - kind: timeline-order
        edits: [{find: "[09:27]", replace: "[09:17]"}]   # each find occurs exactly once
        anchors: ["[09:17]"]   # planted text a finding must quote (or be quoted by)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import docx
import yaml

QUALITY_DIR: Final = Path(__file__).resolve().parent / "quality"
SOURCES_DIR: Final = QUALITY_DIR / "sources"
TRUTH_DIR: Final = QUALITY_DIR / "truth"

# Defect kind -> the rules that report it.
KIND_RULES: Final[dict[str, frozenset[str]]] = {
    "date-conflict": frozenset({"event-date-conflict", "contradictory-dates"}),
    "figure-conflict": frozenset({"figure-conflict", "contradictory-figures"}),
    "duration-mismatch": frozenset({"duration-mismatch"}),
    "total-mismatch": frozenset({"total-mismatch"}),
    "timeline-order": frozenset({"timeline-out-of-order"}),
    "weekday-mismatch": frozenset({"weekday-mismatch"}),
    "missing-section": frozenset({"missing-referenced-section"}),
}


@dataclass(frozen=True)
class Defect:
    kind: str
    anchors: tuple[str, ...]


@dataclass(frozen=True)
class Postmortem:
    name: str
    split: str
    clean: str  # Markdown without the licence header
    planted: str
    defects: tuple[Defect, ...]


def _strip_header(text: str) -> str:
    return re.sub(r"\A<!--.*?-->\s*", "", text, flags=re.S)


def _apply(name: str, text: str, edits: list[dict[str, str]]) -> str:
    for edit in edits:
        count = text.count(edit["find"])
        if count != 1:
            raise ValueError(f"{name}: {edit['find']!r} occurs {count} times (must be once)")
        text = text.replace(edit["find"], edit["replace"])
    return text


def load_postmortems() -> list[Postmortem]:
    """Every source with its truth file, in name order."""
    found = []
    for source in sorted(SOURCES_DIR.glob("*.md")):
        truth: dict[str, Any] = yaml.safe_load((TRUTH_DIR / f"{source.stem}.yaml").read_text())
        clean = _strip_header(source.read_text(encoding="utf-8"))
        planted = clean
        defects = []
        for item in truth["defects"]:
            planted = _apply(source.stem, planted, item["edits"])
            defects.append(Defect(item["kind"], tuple(item["anchors"])))
        seen = inline(planted)
        for defect in defects:
            for anchor in defect.anchors:
                if anchor not in seen:
                    raise ValueError(f"{source.stem}: anchor {anchor!r} is not in the planted text")
        found.append(Postmortem(source.stem, truth["split"], clean, planted, tuple(defects)))
    return found


# --- Markdown -> .docx --------------------------------------------------------------------------

_LINK = re.compile(r"\[([^\]\n]+)\]\((?:[^()\s]|\([^()\s]*\))*\)|\[([^\]\n]+)\]\[[^\]\n]*\]")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])")
_CODE = re.compile(r"`([^`\n]*)`")
_HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def inline(text: str) -> str:
    """Markdown inline markup to the text a reader sees."""
    text = _CODE.sub(r"\1", text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text)
    return " ".join(text.replace("\\_", "_").split())


def _blocks(markdown: str) -> Iterator[tuple[str, Any]]:
    """("title"|"heading N"|"bullet"|"number"|"paragraph", text) and ("table", rows)."""
    lines = markdown.splitlines()
    index = 0
    paragraph: list[str] = []

    def flush() -> Iterator[tuple[str, Any]]:
        if paragraph:
            yield "paragraph", inline(" ".join(paragraph))
            paragraph.clear()

    while index < len(lines):
        line = lines[index].rstrip()
        stripped = line.strip().lstrip(">").strip()
        if not stripped or stripped.startswith("```"):
            yield from flush()
            index += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            yield from flush()
            level = len(heading.group(1))
            yield ("title" if level == 1 else f"heading {level - 1}"), inline(heading.group(2))
        elif stripped.startswith("|"):
            yield from flush()
            rows = []
            while index < len(lines) and lines[index].strip().startswith("|"):
                if not _TABLE_RULE.match(lines[index]):
                    cells = lines[index].strip().strip("|").split("|")
                    rows.append([inline(cell) for cell in cells])
                index += 1
            yield "table", rows
            continue
        elif _BULLET.match(line) or _NUMBERED.match(line):
            yield from flush()
            item = _BULLET.match(line) or _NUMBERED.match(line)
            assert item is not None
            style = "bullet" if _BULLET.match(line) else "number"
            text = [item.group(1)]
            while (
                index + 1 < len(lines)
                and lines[index + 1].strip()
                and not _BULLET.match(lines[index + 1])
                and not _NUMBERED.match(lines[index + 1])
                and not _HEADING.match(lines[index + 1])
            ):
                index += 1
                text.append(lines[index].strip())
            yield style, inline(" ".join(text))
        else:
            paragraph.append(stripped)
        index += 1
    yield from flush()


_STYLES: Final = {
    "title": "Title",
    "heading 1": "Heading 1",
    "heading 2": "Heading 2",
    "heading 3": "Heading 3",
    "bullet": "List Bullet",
    "number": "List Number",
    "paragraph": None,
}


def markdown_to_docx(markdown: str, path: Path) -> None:
    """Write ``markdown`` as a Word document with built-in heading, list and table styles."""
    document = docx.Document()
    for kind, content in _blocks(markdown):
        if kind == "table":
            width = max(len(row) for row in content)
            table = document.add_table(rows=len(content), cols=width)
            for r, row in enumerate(content):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        else:
            style = _STYLES[kind]
            document.add_paragraph(content, style=style) if style else document.add_paragraph(
                content
            )
    document.save(str(path))


def word_count(markdown: str) -> int:
    """Words a reader sees (for findings per 1,000 words)."""
    return sum(
        len(text.split()) if kind != "table" else sum(len(c.split()) for r in text for c in r)
        for kind, text in _blocks(markdown)
    )
