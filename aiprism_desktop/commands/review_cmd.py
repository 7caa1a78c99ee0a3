"""``aiprism review`` and ``aiprism export``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from dataclasses import asdict
from typing import Any

from aiprism_desktop.app.decisions_file import apply_decisions, read_decisions
from aiprism_desktop.app.errors import DecisionsFileError
from aiprism_desktop.app.exporting import ExportResult, check_output_paths
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.commands.common import (
    ExitCode,
    NotReviewedError,
    RunUnfinishedError,
    emit_json,
    fail,
    info,
    open_session,
    pick_sections,
)
from aiprism_desktop.commands.progress import ProgressPrinter
from aiprism_desktop.core import engine_events as ev


async def run_review(args: argparse.Namespace, services: AppServices) -> int:
    """Analyze, apply decisions, export; exit 4 when sections failed or are queued."""
    # What can be checked before analysis is: a bad name or a broken decisions file must not
    # cost a whole analysis.
    check_output_paths(args.file, args.out, args.report, force=args.force)
    entries = None
    if args.decisions:
        try:
            entries = read_decisions(args.decisions)
        except DecisionsFileError as error:
            raise DecisionsFileError(f"{error.message} Nothing was analysed or applied.") from None
    # The reviewer (boto3, the rule pack) is built while the document is read: both take time.
    reviewer = asyncio.ensure_future(
        services.reviewer(args.provider, region=args.region, concurrency=args.concurrency)
    )
    try:
        session = await open_session(
            services, args.file, framework_id=args.framework, actor=args.reviewer
        )
    except BaseException:
        reviewer.cancel()  # the document's error is the one to report
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reviewer
        raise
    await reviewer  # a configuration error (no region, say) is reported here
    document = session.document
    section_ids = pick_sections(document, args.sections)
    for warning in document.warnings:
        info(f"note: {warning.message}")
    printer = ProgressPrinter(document, verbose=args.verbose)
    session.subscribe(printer)
    run = await session.analyze(
        section_ids,
        use_cache=not args.no_cache,
        provider=args.provider,
        region=args.region,
        concurrency=args.concurrency,
    )
    if run.finished == 0 and (run.failed or run.queued):
        raise RunUnfinishedError(_unfinished_message(run))
    try:
        if args.accept_all:
            accepted = await session.accept_all_pending()
            info(f"Accepted {accepted} pending finding(s).")
        elif entries is not None:
            applied = await apply_decisions(session, entries)
            already = f" ({applied.unchanged} already in effect)" if applied.unchanged else ""
            info(f"Applied {applied.recorded} decision(s) from {args.decisions}{already}.")
    except DecisionsFileError as error:
        raise DecisionsFileError(f"{error.message} Nothing from the file was applied.") from None
    result = await session.export(
        args.out, reports=args.report, tracked_changes=args.tracked_changes
    )
    _print_result(args, session, result, run)
    if run.failed or run.queued:
        fail(_unfinished_message(run))
        return ExitCode.PROVIDER
    return ExitCode.OK


async def run_export(args: argparse.Namespace, services: AppServices) -> int:
    """Export the stored review of a document again (no provider call)."""
    check_output_paths(args.file, args.out, args.report, force=args.force)
    session = await open_session(services, args.file)
    state = session.state
    if not state.analyzed_sections and not state.events:
        raise NotReviewedError(
            f"{args.file} has not been reviewed yet: run `aiprism review` first."
        )
    result = await session.export(
        args.out, reports=args.report, tracked_changes=args.tracked_changes, s3=args.s3
    )
    _print_result(args, session, result, None)
    for uri in result.uploaded:
        info(f"Uploaded {uri}")
    return ExitCode.OK


def _unfinished_message(run: ev.RunFinished) -> str:
    parts = []
    if run.failed:
        parts.append(f"{run.failed} section(s) could not be reviewed (see above)")
    if run.queued:
        parts.append(
            f"{run.queued} section(s) are queued until the provider can be reached; "
            "run the same command again then"
        )
    return "; ".join(parts) + "."


def _print_result(
    args: argparse.Namespace,
    session: ReviewSession,
    result: ExportResult,
    run: ev.RunFinished | None,
) -> None:
    stats = session.statistics()
    docx = result.docx
    if args.json:
        data: dict[str, Any] = {
            "document": str(session.document.path),
            "output": str(docx.output),
            "reports": [str(p) for p in result.reports],
            "export": {
                "comments_added": docx.comments_added,
                "span_anchored": docx.span_anchored,
                "block_anchored": docx.block_anchored,
                "note_anchored": len(docx.note_anchored_ids),
                "unplaced": list(docx.unplaced_ids),
                "replacements_applied": docx.replacements_applied,
                "warnings": list(docx.warnings),
            },
            "statistics": stats.to_dict(),
        }
        if run is not None:
            data["run"] = asdict(run)
        emit_json(data)
        return
    print(f"Reviewed document: {docx.output}")
    for report in result.reports:
        print(f"Report: {report}")
    print(
        f"{docx.comments_added} comment(s) written ({docx.span_anchored} on the quoted text, "
        f"{docx.block_anchored} on a whole paragraph)"
        + (f"; {docx.replacements_applied} tracked change(s)" if docx.replacements_applied else "")
    )
    for warning in docx.warnings:
        print(f"note: {warning}")
    if docx.unplaced_ids:
        print(f"warning: {len(docx.unplaced_ids)} finding(s) could not be placed in the document")
