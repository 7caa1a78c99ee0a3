"""The findings JSON schema and validation of untrusted model/rule output.

Model output is untrusted input: it is validated against the schema, sizes are capped, enums
normalized; an invalid answer raises ``InvalidResponseError`` and is never replaced by invented
findings.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiprism_desktop.core.findings import FindingType, Risk


@dataclass(frozen=True, slots=True)
class FindingDraft:
    """A validated finding as a reviewer produced it, before it gets an id and an anchor."""

    origin: str  # "model:<id>" | "rule:<id>"
    type: FindingType
    risk: Risk
    category: str
    description: str
    suggestion: str = ""
    example: str = ""
    questions: tuple[str, ...] = ()
    framework_refs: tuple[int, ...] = ()
    quote: str = ""
    replacement: str | None = None
    confidence: float = 0.5
