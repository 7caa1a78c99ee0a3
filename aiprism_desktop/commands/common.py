"""What every subcommand shares: exit codes, output helpers, error mapping."""

from __future__ import annotations

import json
import sys
from enum import IntEnum
from typing import Any

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.session import OutputPathError, ReviewSession, review_framework_id
from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.errors import (
    AIPrismError,
    ConfigError,
    CredentialsError,
    DocumentError,
    ExportError,
    ProviderError,
    ReviewCancelledError,
    StoreError,
)


class ExitCode(IntEnum):
    """Distinct exit codes so scripts can tell failures apart."""

    OK = 0
    INTERNAL = 1  # a bug: the log has the details
    USAGE = 2  # bad command line (argparse uses 2 as well)
    BAD_INPUT = 3  # the document cannot be opened or a decisions file is invalid
    PROVIDER = 4  # the reviewer failed (or requests are queued until it is back)
    CANCELLED = 5
    EXPORT = 6  # writing the output failed
    CONFIG = 7  # settings, credentials or the local database


def exit_code_for(error: AIPrismError) -> ExitCode:
    """The exit code of an application error."""
    if isinstance(error, UsageError | OutputPathError):
        return ExitCode.USAGE
    if isinstance(error, DocumentError):
        return ExitCode.BAD_INPUT
    if isinstance(error, ProviderError):
        return ExitCode.PROVIDER
    if isinstance(error, ReviewCancelledError):
        return ExitCode.CANCELLED
    if isinstance(error, ExportError):
        return ExitCode.EXPORT
    if isinstance(error, ConfigError | CredentialsError | StoreError):
        return ExitCode.CONFIG
    return ExitCode.INTERNAL


def fail(message: str) -> None:
    """A one-line message for the user on stderr."""
    print(f"aiprism: {message}", file=sys.stderr, flush=True)


def info(message: str) -> None:
    """Progress and notes go to stderr, so stdout stays clean for results."""
    print(message, file=sys.stderr, flush=True)


def emit_json(data: Any) -> None:
    """Machine-readable result on stdout."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def pick_sections(document: Document, spec: str | None) -> list[str] | None:
    """Section ids from a spec like ``1,3-5`` (1-based numbers) or ``s002,s004``; None = all.

    A spec that names no section at all (``","``), or a range with a missing end (``2-``), is
    a usage error rather than a silent "review nothing" or "review only section 2".
    """
    if spec is None:
        return None
    numbered = {index: section for index, section in enumerate(document.sections, start=1)}
    by_id = {section.id: section for section in document.sections}
    chosen: list[str] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        if part in by_id:
            chosen.append(part)
            continue
        first, dash, last = part.partition("-")
        try:
            low = int(first)
            high = int(last) if dash else low
        except ValueError:
            raise UsageError(
                f"'{part}' is neither a section number, a range (like 3-5) nor an id."
            ) from None
        if low < 1 or high > len(numbered) or low > high:
            raise UsageError(
                f"Section {part} does not exist: the document has {len(numbered)} sections."
            )
        chosen.extend(numbered[i].id for i in range(low, high + 1))
    if not chosen:
        raise UsageError(f"--sections '{spec}' names no section: give numbers, ranges or ids.")
    return list(dict.fromkeys(chosen))


def pick_section(document: Document, spec: str) -> Section:
    """One section by number or id."""
    ids = pick_sections(document, spec) or []
    if len(ids) != 1:
        raise UsageError("Name exactly one section (a number or an id).")
    return document.section(ids[0])


class UsageError(AIPrismError):
    """The command line asks for something impossible."""

    code = "USAGE"


def report_damaged_events(session: ReviewSession) -> None:
    """Say which stored decisions could not be read (they are left out, never deleted)."""
    for damaged in session.damaged_events:
        info(
            f"note: saved decision #{damaged.seq} ({damaged.action}, {damaged.at}) of this "
            f"document cannot be read and is left out of the review: {damaged.problem}. It "
            "stays in the database's audit log; redo that decision if you still want it."
        )


async def open_stored_session(services: AppServices, document: Document) -> ReviewSession:
    """The stored review of a document, with the framework it was reviewed with.

    Falls back to the configured framework when the review's framework is unknown (never
    reviewed, or a framework file that is no longer installed).
    """
    framework_id = await review_framework_id(services.store, document.sha256)
    framework = services.frameworks.get(framework_id) if framework_id else None
    if framework is None:
        framework = services.framework(None)
        if framework_id:
            info(
                f"note: this document was reviewed with the framework '{framework_id}', which "
                f"is not installed; showing framework titles from '{framework.id}'."
            )
    session = ReviewSession(services.store, document, framework)
    await session.reload()
    report_damaged_events(session)
    return session
