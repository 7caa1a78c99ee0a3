"""What every subcommand shares: exit codes, output helpers, error mapping."""

from __future__ import annotations

import json
import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiprism_desktop.app.errors import DecisionsFileError, OutputPathError
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

if TYPE_CHECKING:  # the command modules import these when they run
    from aiprism_desktop.app.services import AppServices
    from aiprism_desktop.app.session import ReviewSession
    from aiprism_desktop.core.document import Document, Section


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
    if isinstance(error, DocumentError | DecisionsFileError):
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


class RunUnfinishedError(ProviderError):
    """No section could be reviewed (they failed, or wait in the queue)."""

    code = "RUN_UNFINISHED"


class NotReviewedError(DocumentError):
    """An export was asked of a document that has no stored review."""

    code = "NOT_REVIEWED"


class CredentialsNotKeptError(CredentialsError):
    """A secret could only be kept for this process, which is about to end."""

    code = "CREDENTIALS_NOT_KEPT"


def error_report(error: AIPrismError, exit_code: int) -> dict[str, Any]:
    """What ``--json`` prints on stdout for a failed command (the message also goes to stderr)."""
    return {"error": {"code": error.code, "message": error.message}, "exit_code": int(exit_code)}


def report_damaged_events(session: ReviewSession) -> None:
    """Say which stored decisions could not be read (they are left out, never deleted)."""
    for damaged in session.damaged_events:
        info(
            f"note: saved decision #{damaged.seq} ({damaged.action}, {damaged.at}) of this "
            f"document cannot be read and is left out of the review: {damaged.problem}. It "
            "stays in the database's audit log; redo that decision if you still want it."
        )


async def open_session(
    services: AppServices,
    path: Path,
    *,
    framework_id: str | None = None,
    actor: str | None = None,
) -> ReviewSession:
    """Open a document and its stored review, saying what the reviewer should know."""
    from aiprism_desktop.app.session import ReviewSession

    session = await ReviewSession.open(services, path, framework_id=framework_id, actor=actor)
    for note in session.notes:
        info(f"note: {note}")
    report_damaged_events(session)
    return session
