"""``aiprism sections``: how a document is split, read straight from the file.

It needs nothing the other commands open (the review database, logging, the keyring, an event
loop), so it opens none of them: it answers in the time it takes to read the document.
"""

from __future__ import annotations

import argparse

from aiprism_desktop.commands.common import ExitCode, emit_json
from aiprism_desktop.core.ooxml.reader import read_document


def run_sections(args: argparse.Namespace) -> int:
    """List the sections the document is split into."""
    document = read_document(args.file)
    rows = [
        {
            "number": number,
            "id": section.id,
            "title": section.title,
            "level": section.level,
            "kind": section.kind.value,
            "blocks": len(section.blocks),
            "characters": len(section.text),
            "empty": section.is_empty,
        }
        for number, section in enumerate(document.sections, start=1)
    ]
    if args.json:
        emit_json(
            {
                "document": str(document.path),
                "title": document.title,
                "sha256": document.sha256,
                "warnings": [{"code": w.code, "message": w.message} for w in document.warnings],
                "existing_comments": len(document.comments),
                "sections": rows,
            }
        )
        return ExitCode.OK
    print(f"{document.title} — {len(rows)} section(s)")
    for warning in document.warnings:
        print(f"note: {warning.message}")
    for row in rows:
        indent = "  " * max(0, int(row["level"]) - 1)
        marks = " (empty)" if row["empty"] else ""
        print(f"{row['number']:>3}. {indent}{row['title']}{marks}  [{row['characters']} chars]")
    return ExitCode.OK
