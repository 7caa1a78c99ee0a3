"""One analysis request → the same engine run the desktop would make → the job's result.

The request carries the outline and the section under review (with its blocks); the prompts are
rebuilt from exactly those with the desktop's own prompt builder, in parts as large as the
server's models take — the parts the desktop's engine would make with the same provider — so
the model sees what it would have seen from the desktop. The engine then turns the answers into
findings with the same ids and anchors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiprism_desktop.app.worker import analyze
from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.codec import attempt_to_dict, finding_to_dict
from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.document_wire import document_from_wire, section_from_wire, with_section
from aiprism_desktop.core.engine import PromptBuilder
from aiprism_desktop.core.errors import DataFormatError
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.prompts import (
    PROMPT_VERSION,
    Prompt,
    build_review_prompts,
)
from aiprism_desktop.core.reviewer import Reviewer
from backend_contract.server.problems import Problem


@dataclass(frozen=True, slots=True)
class AnalysisInput:
    """A decoded, checked analysis request."""

    outline: Document  # as the desktop's document: titles and levels of every section
    section: Section  # the section (or half of one) under review, with its blocks
    framework: Framework

    @property
    def document(self) -> Document:
        """The outline with the section under review in its place (what the engine reviews)."""
        return with_section(self.outline, self.section)

    def prompt_builder(self, max_section_chars: int | None) -> PromptBuilder:
        """The engine's prompt builder: the desktop's, over the outline as the desktop has it
        (a half the desktop sent keeps the whole section's title there), in parts of at most
        ``max_section_chars`` (the server's reviewer's limit, as on the desktop)."""

        def build(_: Document, section: Section, framework: Framework) -> tuple[Prompt, ...]:
            return build_review_prompts(
                self.outline, section, framework, max_section_chars=max_section_chars
            )

        return build


def decode_request(body: Mapping[str, Any], frameworks: Mapping[str, Framework]) -> AnalysisInput:
    """Check what the schema cannot (framework, prompt version, section): ``Problem(422)``."""
    framework = frameworks.get(str(body["framework"]))
    if framework is None:
        raise Problem(
            422,
            "UNKNOWN_FRAMEWORK",
            f"This backend has no framework {body['framework']!r}; it has "
            f"{', '.join(sorted(frameworks))}.",
        )
    if body["prompt_version"] != PROMPT_VERSION:
        raise Problem(
            422,
            "PROMPT_VERSION_MISMATCH",
            f"This backend builds prompt version {PROMPT_VERSION}, not "
            f"{body['prompt_version']}: update the desktop or the backend.",
        )
    try:
        outline = document_from_wire(body["document"])
        section = section_from_wire(body["section"])
        with_section(outline, section)
    except DataFormatError as error:
        raise Problem(422, "INVALID_SECTION", error.detail or error.message) from None
    return AnalysisInput(outline, section, framework)


@dataclass(frozen=True, slots=True)
class JobOutcome:
    status: str  # succeeded | failed
    result: dict[str, Any]
    error: dict[str, str] | None = None


async def run_analysis(request: AnalysisInput, reviewer: Reviewer) -> JobOutcome:
    """Review the section with the desktop's engine; the job's status, result and error."""
    run = await analyze(
        request.document,
        request.framework,
        reviewer,
        [request.section.id],
        prompt_builder=request.prompt_builder(reviewer.info.max_section_chars),
    )
    event = run.sections.get(request.section.id)
    if isinstance(event, ev.SectionFinished):
        return JobOutcome(
            "succeeded",
            {
                "findings": [finding_to_dict(f) for f in event.findings],
                "model": event.model,
                "attempts": [attempt_to_dict(a) for a in event.attempts],
            },
        )
    if isinstance(event, ev.SectionSkipped):
        return JobOutcome("succeeded", {"findings": [], "model": None, "attempts": []})
    if isinstance(event, ev.SectionFailed):
        return JobOutcome(
            "failed",
            {"attempts": [attempt_to_dict(a) for a in event.attempts]},
            {"code": event.error.code, "message": event.error.message},
        )
    return JobOutcome(
        "failed",
        {},
        {"code": "INTERNAL_ERROR", "message": "The engine ended without an outcome."},
    )
