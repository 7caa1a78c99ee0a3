"""One analysis request → the same engine run the desktop would make → the job's result.

The request carries the outline, the section under review (with its blocks) and which part of
it; the prompt is rebuilt from exactly those, with the desktop's own prompt builders, so the
model sees what it would have seen from the desktop. The engine then turns the answer into
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
from aiprism_desktop.core.errors import DataFormatError
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.prompts import (
    DEFAULT_MAX_SECTION_CHARS,
    PROMPT_VERSION,
    Prompt,
    build_review_prompt,
    build_review_prompts,
    review_parts,
)
from aiprism_desktop.core.reviewer import Reviewer
from backend_contract.server.problems import Problem


@dataclass(frozen=True, slots=True)
class AnalysisInput:
    """A decoded, checked analysis request."""

    outline: Document  # as the desktop's document: titles and levels of every section
    section: Section  # the section (or half of one) under review, with its blocks
    framework: Framework
    part: int

    @property
    def document(self) -> Document:
        """The outline with the section under review in its place (what the engine reviews)."""
        return with_section(self.outline, self.section)

    def prompts(
        self, document: Document, section: Section, framework: Framework
    ) -> tuple[Prompt, ...]:
        """The engine's prompt builder: the asked part of the requested section, and every part
        of any half the engine makes when a model finds it too large."""
        if section is self.section:
            return (build_review_prompt(self.outline, section, framework, part=self.part),)
        return build_review_prompts(self.outline, section, framework)


def decode_request(body: Mapping[str, Any], frameworks: Mapping[str, Framework]) -> AnalysisInput:
    """Check what the schema cannot (framework, prompt version, section, part): ``Problem(422)``."""
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
    part = int(body.get("part", 0))
    parts = len(review_parts(section, max_section_chars=DEFAULT_MAX_SECTION_CHARS))
    if part >= parts:
        raise Problem(
            422, "INVALID_SECTION", f"Part {part} does not exist: the section has {parts} part(s)."
        )
    return AnalysisInput(outline, section, framework, part)


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
        prompt_builder=request.prompts,
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
