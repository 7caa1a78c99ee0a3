"""Comment markers and bodies: the writing half of the export (``docx_writer`` decides where).

Comment ids continue after the largest id already used in the comments part and the main
part; bodies are appended to the existing comments part, or to a new one registered in the
package (relationship + content type) on the first comment.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from aiprism_desktop.core.export import comment_xml as cx
from aiprism_desktop.core.export.docx_model import ExportItem, Placement
from aiprism_desktop.core.export.package_writer import CT_COMMENTS, Package
from aiprism_desktop.core.export.placement import Target
from aiprism_desktop.core.export.run_split import (
    SplitError,
    insert_after_pprop,
    insert_at_end,
    insert_at_start,
    top_level_child,
)
from aiprism_desktop.core.ooxml import names as n


@dataclass(slots=True)
class Placed:
    item: ExportItem
    part: str
    start: etree._Element
    end: etree._Element
    single_paragraph: bool


class CommentWriter:
    """Places comment markers and appends comment bodies, ids allocated in one pass."""

    def __init__(self, package: Package, main_part: str, date: str) -> None:
        self.package = package
        self.date = date
        existing_part = package.related_part(main_part, n.RT_COMMENTS)
        if existing_part is not None and package.has(existing_part):
            self.part = existing_part
            self.root = package.xml(existing_part)
        else:
            self.part = _free_name(package, "word/comments.xml")
            self.root = cx.new_comments_root()
        self.existing = sum(1 for _ in self.root.iter(n.W_COMMENT))
        used = cx.comment_ids_in(self.root) + cx.comment_ids_in(package.xml(main_part))
        self.next_id = cx.max_numeric_id(used) + 1
        self.main_part = main_part
        self._pending: list[str] = []
        self._registered = existing_part is not None and package.has(existing_part)

    def flush(self) -> None:
        """Append the comment bodies placed so far to the comments part."""
        if self._pending:
            cx.append_comments(self.root, self._pending)
            self._pending = []
            self.package.mark_dirty(self.part)

    def _register(self) -> None:
        if self._registered:
            return
        self.package.add_xml(self.part, self.root)
        self.package.add_relationship(self.main_part, n.RT_COMMENTS, self.part)
        self.package.set_override(self.part, CT_COMMENTS)
        self._registered = True

    def place(
        self, item: ExportItem, target: Target, start_p: etree._Element, end_p: etree._Element
    ) -> Placed:
        comment_id = self.next_id
        start = cx.range_start(comment_id)
        end = cx.range_end(comment_id)
        if target.placement is Placement.SPAN:
            insert_at_start(start_p, start, target.start_offset)
            try:
                insert_at_end(end_p, end, target.end_offset)
            except SplitError:
                start.getparent().remove(start)  # type: ignore[union-attr]
                raise
        else:
            insert_after_pprop(start_p, start)
            end_p.append(end)
        top_level_child(end_p, end).addnext(cx.reference_run(comment_id))
        return self._add_body(item, target.part, start, end, start_p is end_p)

    def place_on_run(self, item: ExportItem, run: etree._Element, part: str) -> Placed:
        """Comment the run (a note's reference mark) as a whole."""
        comment_id = self.next_id
        start = cx.range_start(comment_id)
        end = cx.range_end(comment_id)
        # Markers may sit beside the run inside w:dir, w:bdo, w:ins, ...; a hyperlink is taken
        # whole, because readers such as docx2python fail on markers inside links.
        link = next(run.iterancestors(n.W_HYPERLINK), None)
        outer = link if link is not None else run
        outer.addprevious(start)
        outer.addnext(end)
        end.addnext(cx.reference_run(comment_id))
        return self._add_body(item, part, start, end, single_paragraph=False)

    def _add_body(
        self,
        item: ExportItem,
        part: str,
        start: etree._Element,
        end: etree._Element,
        single_paragraph: bool,
    ) -> Placed:
        comment_id = self.next_id
        self._register()
        author = item.comment_author
        self._pending.append(
            cx.comment_xml(
                comment_id,
                author=author,
                initials=cx.initials_of(author),
                date=self.date,
                text=item.comment_text,
            )
        )
        self.next_id += 1
        return Placed(item, part, start, end, single_paragraph)


def _free_name(package: Package, wanted: str) -> str:
    if not package.has(wanted):
        return wanted
    stem, dot, extension = wanted.rpartition(".")
    number = 1
    while package.has(f"{stem}{number}{dot}{extension}"):
        number += 1
    return f"{stem}{number}{dot}{extension}"
