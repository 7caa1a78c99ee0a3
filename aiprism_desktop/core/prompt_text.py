"""Text helpers for prompts: splitting long sections, rendering the outline, fencing text.

Nothing here truncates silently: a section longer than the limit is split into parts that,
joined, give back exactly the original text, and the prompt says which part it carries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aiprism_desktop.core.document import Document, Section

MAX_OUTLINE_ENTRIES = 120
MAX_TITLE_CHARS = 160
_SENTENCE_END = re.compile(r"[.!?;:][\"')\]]*\s+")


def _cut_position(window: str) -> int:
    """Where to end a part inside ``window``: after a line break, else a sentence end, else a
    space, preferring cuts in the second half so parts stay reasonably full."""
    half = len(window) // 2
    newline = window.rfind("\n")
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    sentence = sentence_ends[-1] if sentence_ends else -1
    space = max(window.rfind(" "), window.rfind("\t"))
    for minimum in (half, 1):
        if newline + 1 > minimum:
            return newline + 1
        if sentence > minimum:
            return sentence
        if space + 1 > minimum:
            return space + 1
    return len(window)


def split_section_text(text: str, max_chars: int) -> tuple[str, ...]:
    """Split ``text`` into consecutive parts of at most ``max_chars`` characters.

    Cuts fall on line breaks, then sentence ends, then spaces; ``"".join(parts) == text``.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    if len(text) <= max_chars:
        return (text,)
    parts: list[str] = []
    position = 0
    while len(text) - position > max_chars:
        cut = _cut_position(text[position : position + max_chars])
        parts.append(text[position : position + cut])
        position += cut
    parts.append(text[position:])
    return tuple(parts)


def short_title(title: str) -> str:
    """A section title on one line, capped for the outline."""
    line = " ".join(title.split()) or "(untitled)"
    return line if len(line) <= MAX_TITLE_CHARS else line[: MAX_TITLE_CHARS - 1] + "…"


def render_outline(document: Document, current_id: str | None) -> str:
    """The outline, one section per line, indented by level, the current one marked with »."""
    sections: Sequence[Section] = document.sections
    index = next((i for i, s in enumerate(sections) if s.id == current_id), None)
    start, end = 0, len(sections)
    if len(sections) > MAX_OUTLINE_ENTRIES:  # keep a window around the current section
        centre = index or 0
        start = max(0, min(centre - MAX_OUTLINE_ENTRIES // 2, len(sections) - MAX_OUTLINE_ENTRIES))
        end = start + MAX_OUTLINE_ENTRIES
    lines = [f"  … {start} earlier sections" if start else ""]
    for i in range(start, end):
        section = sections[i]
        marker = "» " if i == index else "  "
        indent = "  " * max(0, section.level - 1)
        lines.append(f"{marker}{indent}{i + 1}. {short_title(section.title)}")
    if end < len(sections):
        lines.append(f"  … {len(sections) - end} later sections")
    return "\n".join(line for line in lines if line)


def fence(text: str, tag: str) -> str:
    """Wrap text in <tag>…</tag>, lengthening the tag until the text cannot close it early."""
    while f"</{tag}>" in text or f"<{tag}>" in text:
        tag += "_"
    return f"<{tag}>\n{text}\n</{tag}>"
