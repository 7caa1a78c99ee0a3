"""Progress of an analysis run on stderr, one line per section."""

from __future__ import annotations

import sys
from typing import TextIO

from aiprism_desktop.app.events import AppEvent
from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.reviewer import Attempt


def attempt_line(attempt: Attempt) -> str:
    """One attempt of the attempt log, as the CLI prints it."""
    tokens = ""
    if attempt.input_tokens is not None or attempt.output_tokens is not None:
        tokens = f", tokens in/out {attempt.input_tokens or 0}/{attempt.output_tokens or 0}"
    error = f" [{attempt.error_code}] {attempt.message}" if attempt.error_code else ""
    return f"{attempt.model}: {attempt.outcome} in {attempt.latency_ms:.0f} ms{tokens}{error}"


class ProgressPrinter:
    """An engine event sink that prints what a user at a terminal wants to see."""

    def __init__(
        self, document: Document, *, verbose: bool = False, stream: TextIO | None = None
    ) -> None:
        self._titles = {s.id: s.title for s in document.sections}
        self._numbers = {s.id: i for i, s in enumerate(document.sections, start=1)}
        self._verbose = verbose
        self._stream = stream or sys.stderr
        self._total = 0
        self._done = 0
        self.attempts: dict[str, tuple[Attempt, ...]] = {}

    def _line(self, mark: str, section_id: str, text: str) -> None:
        number = self._numbers.get(section_id, 0)
        title = self._titles.get(section_id, section_id)
        print(
            f"[{self._done}/{self._total}] {mark} {number}. {title}: {text}",
            file=self._stream,
            flush=True,
        )

    def _attempts(self, section_id: str, attempts: tuple[Attempt, ...]) -> None:
        if attempts:
            self.attempts[section_id] = attempts
        if self._verbose:
            for attempt in attempts:
                print(f"      {attempt_line(attempt)}", file=self._stream, flush=True)

    def __call__(self, event: AppEvent) -> None:
        if isinstance(event, ev.RunStarted):
            self._total = event.total
            print(
                f"Reviewing {event.total} section(s) with the {event.provider} reviewer…",
                file=self._stream,
                flush=True,
            )
        elif isinstance(event, ev.Progress):
            self._done = event.done
        elif isinstance(event, ev.SectionFinished):
            self._done += 1
            source = "cached" if event.cached else event.model
            self._line("✓", event.section_id, f"{len(event.findings)} finding(s) ({source})")
            self._attempts(event.section_id, event.attempts)
        elif isinstance(event, ev.SectionSkipped):
            self._done += 1
            self._line("·", event.section_id, f"skipped: {event.reason}")
        elif isinstance(event, ev.SectionQueued):
            self._done += 1
            self._line("…", event.section_id, f"queued until the provider is back ({event.error})")
        elif isinstance(event, ev.SectionFailed):
            self._done += 1
            self._line("✗", event.section_id, str(event.error))
            self._attempts(event.section_id, event.attempts)
        elif isinstance(event, ev.RunFinished):
            if event.status == "cancelled":
                print("Cancelled: finished sections are kept.", file=self._stream, flush=True)
            if event.concurrency:
                levels = ", ".join(f"{model} {calls}" for model, calls in event.concurrency)
                print(f"Parallel calls settled at: {levels}", file=self._stream, flush=True)
