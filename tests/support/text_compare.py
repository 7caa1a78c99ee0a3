"""Compare our text of a document with LibreOffice's: bag-of-words recall.

Words are runs of letters or runs of digits (LibreOffice glues a note's number to the word
before it, "Ouch1", and writes multi-level list labels without their dots); each CJK character
is a word (those scripts put no spaces between words). LibreOffice's text shows deleted
tracked-change text, which the reader leaves out (accept-all view), so the words of deleted
and moved-from text are taken off LibreOffice's bag first.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

from aiprism_desktop.core.document import BlockKind, Document
from aiprism_desktop.core.ooxml import names as n

_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\W\d_]+|\d+")
_DELETED_TEXT = (n.W_DEL_TEXT, n.W_DEL_INSTR_TEXT)


def words(text: str) -> Counter[str]:
    return Counter(word.lower() for word in _WORD.findall(text))


def document_text(document: Document) -> str:
    return "\n".join(
        block.display_text for section in document.sections for block in section.blocks
    )


def deleted_words(path: Path) -> Counter[str]:
    """Words of deleted or moved-from text in any XML part of a .docx-family package."""
    found: Counter[str] = Counter()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if not name.endswith(".xml"):
                    continue
                try:
                    root = etree.fromstring(archive.read(name), parser)
                except etree.XMLSyntaxError:
                    continue
                for element in root.iter(*_DELETED_TEXT):
                    found += words(element.text or "")
                for moved in root.iter(n.W_MOVE_FROM):
                    found += words("".join(t.text or "" for t in moved.iter(n.W_T)))
    except (zipfile.BadZipFile, OSError):
        pass
    return found


def note_marks(document: Document) -> set[str]:
    """The numbers shown for footnotes and endnotes ("1", "ii"), lower-cased."""
    return {
        block.label.lower()
        for section in document.sections
        for block in section.blocks
        if block.kind in (BlockKind.FOOTNOTE, BlockKind.ENDNOTE) and block.label
    }


def recall(
    reference: Counter[str], ours: Counter[str], marks: frozenset[str] | set[str] = frozenset()
) -> float:
    """Share of the reference's words (with multiplicity) that our text has too.

    A reference word that is one of our words with a note mark glued on ("ouch1", where our
    text has "ouch" and a footnote numbered 1), or two of our words glued together (LibreOffice
    drops some line breaks: "new" + "line"), counts as found.
    """
    total = sum(reference.values())
    if not total:
        return 1.0
    found = sum((reference & ours).values())
    for word, count in (reference - ours).items():
        if any(word.endswith(mark) and word[: -len(mark)] in ours for mark in marks) or any(
            word[:cut] in ours and word[cut:] in ours for cut in range(1, len(word))
        ):
            found += count
    return found / total
