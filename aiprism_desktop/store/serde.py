"""JSON text for the store's columns: the one module that picks the finding/event codec."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from aiprism_desktop.core.codec import (
    event_from_dict,
    event_to_dict,
    finding_from_dict,
    finding_to_dict,
)
from aiprism_desktop.core.findings import DecisionEvent, Finding


def dumps(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept as is (byte-stable for comparisons)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def loads(text: str) -> Any:
    """Parse JSON text from a column."""
    return json.loads(text)


def finding_to_json(finding: Finding) -> str:
    """One finding as JSON text."""
    return dumps(finding_to_dict(finding))


def finding_from_json(text: str) -> Finding:
    """One finding from JSON text."""
    return finding_from_dict(loads(text))


def findings_to_json(findings: tuple[Finding, ...]) -> str:
    """Several findings as one JSON array."""
    return dumps([finding_to_dict(finding) for finding in findings])


def findings_from_json(text: str) -> tuple[Finding, ...]:
    """Several findings from one JSON array."""
    return tuple(finding_from_dict(item) for item in loads(text))


def event_to_json(event: DecisionEvent) -> str:
    """An event as JSON text, without its ``seq`` (the row's primary key is the truth)."""
    data = event_to_dict(event)
    data.pop("seq", None)
    return dumps(data)


def event_from_json(text: str, seq: int) -> DecisionEvent:
    """An event from JSON text, with the ``seq`` of its row."""
    return replace(event_from_dict(loads(text)), seq=seq)
