"""The facts about a part that need a look at the whole tree: read off the walker's one pass
over the part (``part_scan``), so they cost no traversal of their own."""

from __future__ import annotations

from dataclasses import dataclass

from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.part_scan import W_ALT_CHUNK, PartScan


@dataclass
class Survey:
    """What one part holds."""

    alt_chunks: int = 0
    has_insertions: bool = False
    has_deletions: bool = False
    has_comment_ranges: bool = False


def survey(scan: PartScan) -> Survey:
    """Survey a part from its scan."""
    markup = scan.markup
    return Survey(
        alt_chunks=markup.get(W_ALT_CHUNK, 0),
        has_insertions=n.W_INS in markup or n.W_MOVE_TO in markup,
        has_deletions=n.W_DEL in markup or n.W_MOVE_FROM in markup,
        has_comment_ranges=n.W_COMMENT_RANGE_START in markup,
    )
