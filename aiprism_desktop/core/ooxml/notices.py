"""Document warnings: what the reviewer should know about how the document was read.

Stable codes (the UI and reports key on them): TRACKED_CHANGES, TEXT_BOXES, ALT_CHUNKS,
MACROS_PRESENT, TEMPLATE, STRICT_OOXML, CONVERTED, PACKAGE_REPAIRED, UNSAFE_PARTS_DROPPED,
EXISTING_COMMENTS, NO_HEADINGS, HEURISTIC_SECTIONS, EMPTY_DOCUMENT,
CORE_PROPERTIES_UNREADABLE.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiprism_desktop.core.document import DocumentWarning
from aiprism_desktop.core.ooxml.package import Package
from aiprism_desktop.core.ooxml.survey import Survey


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def tracked_changes(surveys: Iterable[Survey]) -> DocumentWarning | None:
    surveys = list(surveys)
    inserted = any(found.has_insertions for found in surveys)
    deleted = any(found.has_deletions for found in surveys)
    if not inserted and not deleted:
        return None
    kinds = " and ".join(
        kind for kind, present in (("insertions", inserted), ("deletions", deleted)) if present
    )
    return DocumentWarning(
        "TRACKED_CHANGES",
        f"This document has tracked changes ({kinds}). You are reviewing it as if all "
        "changes were accepted: inserted text is shown, deleted text is not.",
    )


def text_boxes(count: int) -> DocumentWarning | None:
    if not count:
        return None
    return DocumentWarning(
        "TEXT_BOXES",
        f"Text from {_plural(count, 'text box')} is included, right after the paragraph each "
        "box is anchored to.",
    )


def alt_chunks(count: int) -> DocumentWarning | None:
    if not count:
        return None
    return DocumentWarning(
        "ALT_CHUNKS",
        f"{_plural(count, 'embedded block')} of imported content (HTML, RTF or another "
        "document pasted as a whole) cannot be read and are not part of the review. Open the "
        "document in Word and save it to turn them into normal text.",
    )


def package_format(package: Package) -> list[DocumentWarning]:
    warnings: list[DocumentWarning] = []
    has_vba = any(name.lower().endswith("vbaproject.bin") for name in package.part_names())
    if package.source_format in ("docm", "dotm") or has_vba:
        warnings.append(
            DocumentWarning(
                "MACROS_PRESENT",
                "This document contains macros. They are never run; the reviewed copy is "
                "exported as a plain .docx without macros.",
            )
        )
    if package.converted_from is not None:
        warnings.append(
            DocumentWarning(
                "CONVERTED",
                f"This .{package.converted_from} file was converted to a Word document (.docx) "
                "with LibreOffice to be reviewed. The original is not changed; the reviewed "
                "copy is a .docx, so check its layout, which conversion can change.",
            )
        )
    if package.strict:
        warnings.append(
            DocumentWarning(
                "STRICT_OOXML",
                "This document is saved as Strict Open XML. It was read as usual; the reviewed "
                "copy is saved as a standard Word document (Transitional), which every "
                "version of Word opens.",
            )
        )
    warnings.extend(_package_repairs(package))
    if package.source_format in ("dotx", "dotm"):
        warnings.append(
            DocumentWarning(
                "TEMPLATE",
                "This is a Word template. Its text is reviewed like a document; the reviewed "
                "copy is exported as a plain .docx document.",
            )
        )
    return warnings


def _package_repairs(package: Package) -> list[DocumentWarning]:
    warnings: list[DocumentWarning] = []
    log = package.repairs
    fixes: list[str] = []
    missing = log.missing_targets()
    if missing:
        shown = ", ".join(missing[:3]) + (", …" if len(missing) > 3 else "")
        fixes.append(f"{_plural(len(missing), 'missing part')} without text ({shown})")
    if log.damaged:
        fixes.append(f"{_plural(len(log.damaged), 'damaged part')} without text")
    if log.renamed_count():
        fixes.append(f"{_plural(log.renamed_count(), 'part name')} in the wrong letter case")
    if log.external_count():
        fixes.append(f"{_plural(log.external_count(), 'link')} not marked as external")
    if fixes:
        warnings.append(
            DocumentWarning(
                "PACKAGE_REPAIRED",
                "This file has faults that Word repairs without asking: "
                + "; ".join(fixes)
                + ". It was read as Word reads it, and the reviewed copy is saved repaired.",
            )
        )
    if package.dropped_members:
        example = package.dropped_members[0][0]
        warnings.append(
            DocumentWarning(
                "UNSAFE_PARTS_DROPPED",
                f"{_plural(len(package.dropped_members), 'item')} in this file "
                f"(such as '{example[:80]}') have names a Word document may not contain, as "
                "in files made to harm whoever unpacks them. They were not read and are not "
                "in the reviewed copy.",
            )
        )
    return warnings


def existing_comments(count: int) -> DocumentWarning | None:
    if not count:
        return None
    return DocumentWarning(
        "EXISTING_COMMENTS",
        f"This document already has {_plural(count, 'comment')}. They are listed for "
        "reference and kept in the exported copy.",
    )


def empty_document() -> DocumentWarning:
    return DocumentWarning(
        "EMPTY_DOCUMENT",
        "No text was found in this document (it may hold only images, charts or empty "
        "pages), so there is nothing to review.",
    )


def no_headings(heuristic: bool) -> DocumentWarning:
    if heuristic:
        return DocumentWarning(
            "HEURISTIC_SECTIONS",
            "This document uses no Word heading styles; sections were found from numbered or "
            "bold short lines. Applying Heading styles in Word gives more reliable sections.",
        )
    return DocumentWarning(
        "NO_HEADINGS",
        "This document has no headings, so it is reviewed as a single section. Applying "
        "Heading styles in Word splits it into sections.",
    )
