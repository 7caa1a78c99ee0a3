"""The ``aiprism`` command: the same engine as the desktop app, from a terminal.

    aiprism review FILE.docx [--provider offline|bedrock|backend] [--framework ID]
                   [--sections SPEC] [--accept-all | --decisions FILE] --out OUT.docx
                   [--report OUT.json] [--tracked-changes] [--force]
    aiprism sections FILE.docx          the document's sections
    aiprism findings FILE.docx          the stored findings and their decisions
    aiprism export FILE.docx --out ...  export a stored review again
    aiprism stats FILE.docx             statistics of the stored review
    aiprism chat FILE.docx --section N "question"
    aiprism models                      the Bedrock model chain and each model's state
    aiprism doctor                      versions, paths, keyring, providers
    aiprism outbox [--run]              requests queued while the provider was unreachable
    aiprism sync FILE.docx              send the review's decisions to the team backend
    aiprism config list|get|set|unset   non-secret settings
    aiprism credentials status|set-keys|set-api-key|set-backend-token|delete|test

Progress goes to stderr; results to stdout (``--json`` for machine-readable output). Exit codes
are distinct per failure class (see ``ExitCode``).
"""

from __future__ import annotations

import argparse
import importlib
import io
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from aiprism_desktop import __version__
from aiprism_desktop.commands.common import (
    ExitCode,
    UsageError,
    emit_json,
    error_report,
    exit_code_for,
    fail,
)
from aiprism_desktop.core.errors import AIPrismError

if TYPE_CHECKING:
    from aiprism_desktop.app.services import AppServices

Handler = Callable[[argparse.Namespace, "AppServices"], Awaitable[int]]
FileHandler = Callable[[argparse.Namespace], int]

# The dispatch table: subcommand → "module:function" under aiprism_desktop.commands. A handler's
# module is imported only when its subcommand runs, so `aiprism --version` and `aiprism sections`
# never pay for boto3 or the rule pack.
COMMANDS: dict[str, str] = {
    "review": "review_cmd:run_review",
    "findings": "inspect_cmds:run_findings",
    "stats": "inspect_cmds:run_stats",
    "export": "review_cmd:run_export",
    "chat": "chat_cmd:run_chat",
    "models": "models_cmd:run_models",
    "enable-model": "models_cmd:run_enable_model",
    "doctor": "doctor:run_doctor",
    "config": "config_cmd:run_config",
    "credentials": "config_cmd:run_credentials",
    "outbox": "outbox_cmd:run_outbox",
    "sync": "sync_cmd:run_sync",
}
# Subcommands that only read the file they are given: no services, no event loop.
FILE_COMMANDS: dict[str, str] = {
    "sections": "sections_cmd:run_sections",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="aiprism",
        description="Review Word documents against a checklist framework.",
    )
    parser.add_argument("--version", action="version", version=f"aiprism {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the review database and logs here (portable use); default: the user data dir",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every model attempt")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    review = commands.add_parser("review", help="review a document and export the result")
    review.add_argument("file", type=Path)
    _add_provider_options(review)
    review.add_argument(
        "--sections",
        metavar="SPEC",
        help="which sections: numbers and ranges (1,3-5) or section ids; default: all",
    )
    decisions = review.add_mutually_exclusive_group()
    decisions.add_argument(
        "--accept-all", action="store_true", help="accept every pending finding before export"
    )
    decisions.add_argument(
        "--decisions", type=Path, metavar="FILE", help="apply decisions from a JSON file"
    )
    review.add_argument("--out", type=Path, required=True, help="the reviewed .docx to write")
    review.add_argument(
        "--report",
        type=Path,
        action="append",
        default=[],
        help="also write a report (.json, .csv or .md); may be repeated",
    )
    review.add_argument(
        "--tracked-changes",
        action="store_true",
        help="write suggested rewrites as tracked changes",
    )
    review.add_argument("--reviewer", default=None, help="your name, for decisions and comments")
    review.add_argument(
        "--no-cache", action="store_true", help="ask the provider again even for cached sections"
    )
    _add_force_option(review)

    sections = commands.add_parser("sections", help="list the sections of a document")
    sections.add_argument("file", type=Path)

    findings = commands.add_parser("findings", help="list the stored findings of a document")
    findings.add_argument("file", type=Path)

    export = commands.add_parser("export", help="export the stored review of a document")
    export.add_argument("file", type=Path)
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--report", type=Path, action="append", default=[])
    export.add_argument("--tracked-changes", action="store_true")
    export.add_argument("--s3", action="store_true", help="also upload to the configured bucket")
    _add_force_option(export)

    stats = commands.add_parser("stats", help="statistics of the stored review of a document")
    stats.add_argument("file", type=Path)

    chat = commands.add_parser("chat", help="ask a question about a document (streamed)")
    chat.add_argument("file", type=Path)
    chat.add_argument("question")
    chat.add_argument("--section", help="section number or id the question is about")
    chat.add_argument("--selection", default="", help="selected text the question is about")
    _add_provider_options(chat)

    commands.add_parser("models", help="the Bedrock model chain and the state of each model")
    enable = commands.add_parser("enable-model", help="re-enable a disabled model of the chain")
    enable.add_argument("model", help="the model key shown by `aiprism models`")
    commands.add_parser("doctor", help="versions, paths, keyring backend, reachable providers")
    sync = commands.add_parser("sync", help="send a review's decisions to the team backend")
    sync.add_argument("file", type=Path)
    sync.add_argument("--backend-url", default=None, metavar="URL")
    outbox = commands.add_parser("outbox", help="requests queued while the provider was offline")
    outbox.add_argument("--run", action="store_true", help="run them now if the provider is back")

    config = commands.add_parser("config", help="show or change settings (not secrets)")
    config_actions = config.add_subparsers(dest="config_action", required=True)
    config_actions.add_parser("list", help="every setting with its value")
    for action in ("get", "unset"):
        config_actions.add_parser(action).add_argument("key")
    config_set = config_actions.add_parser("set")
    config_set.add_argument("key")
    config_set.add_argument("value")

    credentials = commands.add_parser(
        "credentials",
        help="AWS credentials and the team backend token in the OS keyring (hidden prompt)",
    )
    credential_actions = credentials.add_subparsers(dest="credentials_action", required=True)
    credential_actions.add_parser("status", help="which credentials are saved, and where")
    for action, text in (
        ("set-keys", "save an access key (+ optional session token) and use it"),
        ("set-api-key", "save a Bedrock API key and use it"),
        ("set-backend-token", "save the team backend's token"),
    ):
        secret = credential_actions.add_parser(action, help=text)
        secret.add_argument(
            "--stdin", action="store_true", help="read the values from stdin, one per line"
        )
    credential_actions.add_parser("delete", help="delete every saved secret")
    test = credential_actions.add_parser("test", help="test the connection to Bedrock")
    test.add_argument("--region", default=None)
    return parser


def _add_force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force", action="store_true", help="replace output files that already exist"
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _add_provider_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--provider",
        choices=("offline", "bedrock", "backend"),
        default=None,
        help="who reviews: the offline rules (default), Claude on Bedrock, or the team backend",
    )
    parser.add_argument("--framework", default="hawkeye", help="checklist framework id")
    parser.add_argument("--region", default=None, help="AWS region (default: AWS_REGION / config)")
    parser.add_argument(
        "--concurrency",
        type=_positive_int,
        default=None,
        help="most model calls at once (≥ 1; default 8, lowered by itself when throttled)",
    )
    parser.add_argument(
        "--backend-url",
        default=None,
        metavar="URL",
        help="the team backend to use for this command (default: the backend.url setting)",
    )


def handler_for(command: str) -> Handler:
    """The function that runs a subcommand."""
    return cast(Handler, _function(COMMANDS[command]))


def _function(target: str) -> object:
    module_name, function = target.split(":")
    module = importlib.import_module(f"aiprism_desktop.commands.{module_name}")
    return getattr(module, function)


def run_file_command(args: argparse.Namespace) -> int:
    """Run a subcommand that needs nothing but its file."""
    handler = cast(FileHandler, _function(FILE_COMMANDS[args.command]))
    try:
        return handler(args)
    except AIPrismError as error:
        return _failed(args, error)


async def run_command(args: argparse.Namespace) -> int:
    """Open the services, run the subcommand, map errors to messages and exit codes."""
    from aiprism_desktop.app.services import AppServices

    handler = handler_for(args.command)
    data_dir: Path | None = args.data_dir
    level = logging.DEBUG if args.verbose else logging.INFO
    try:
        services = await AppServices.open(data_dir, log_level=level)
    except AIPrismError as error:
        return _failed(args, error)
    try:
        return await handler(args, services)
    except AIPrismError as error:
        if not isinstance(error, UsageError):
            logging.getLogger(__name__).warning(
                "%s failed: %s (%s)", args.command, error, error.detail
            )
        return _failed(args, error)
    finally:
        await services.close()


def _failed(args: argparse.Namespace, error: AIPrismError) -> int:
    """Say why on stderr (and, with --json, as an object on stdout); the exit code."""
    code = exit_code_for(error)
    fail(error.message)
    if args.json:
        emit_json(error_report(error, code))
    return code


def escape_unprintable_output() -> None:
    """Print any text, never fail on it: what the output encoding cannot hold is escaped.

    A file name that is not UTF-8 reaches us with lone surrogates (``os.fsdecode``), which a
    strict UTF-8 stream refuses with a traceback. Escaped, it prints as ``caf\\udce9.docx``,
    which inside ``--json`` output is the JSON escape of that very character: the JSON stays
    valid UTF-8 and names the file losslessly.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``aiprism`` console script; returns the exit code."""
    escape_unprintable_output()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exit_.code or 0)
    try:
        if args.command in FILE_COMMANDS:
            return run_file_command(args)
        import asyncio  # ~45 ms: not for --version, --help or the file commands

        return asyncio.run(run_command(args))
    except KeyboardInterrupt:
        fail("Cancelled. Sections that finished are kept and will not be asked again.")
        # The store is closed by now. A model call already running in a worker thread cannot
        # be interrupted, and the interpreter would wait for it (up to the read timeout) before
        # exiting; its answer is no longer wanted, so leave without waiting.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(ExitCode.CANCELLED)
    except BrokenPipeError:
        # stdout went away (e.g. `aiprism findings x.docx | head`): not an error worth a trace.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
