"""JSON-able dicts ⇄ review data types (Finding, Anchor, DecisionEvent, FindingDraft, Attempt).

One encoding used by the store, the cache, the reports and the backend wire format. Encoding
uses the dataclass field names, enum values and lists for tuples. Decoding is strict about
types (a damaged row raises ``DataFormatError``, never a ``KeyError``) and ignores unknown keys
so newer writers do not break older readers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeVar

from aiprism_desktop.core.errors import DataFormatError
from aiprism_desktop.core.finding_schema import FindingDraft
from aiprism_desktop.core.findings import (
    EDITABLE_FIELDS,
    Action,
    Anchor,
    Decision,
    DecisionEvent,
    Finding,
    FindingType,
    Risk,
)
from aiprism_desktop.core.reviewer import Attempt

JsonDict = dict[str, Any]
_T = TypeVar("_T")
_MISSING = object()


def _bad(what: str, key: str, problem: str) -> DataFormatError:
    return DataFormatError(detail=f"{what}.{key}: {problem}")


def _get(data: Mapping[str, Any], what: str, key: str, kind: type[_T], default: Any) -> _T:
    value = data.get(key, default)
    if value is _MISSING:
        raise _bad(what, key, "missing")
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _bad(what, key, f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _opt(data: Mapping[str, Any], what: str, key: str, kind: type[_T]) -> _T | None:
    if data.get(key) is None:
        return None
    return _get(data, what, key, kind, _MISSING)


def _str_tuple(data: Mapping[str, Any], what: str, key: str) -> tuple[str, ...]:
    items = _get(data, what, key, list, [])
    if not all(isinstance(item, str) for item in items):
        raise _bad(what, key, "expected a list of strings")
    return tuple(items)


def _int_tuple(data: Mapping[str, Any], what: str, key: str) -> tuple[int, ...]:
    items = _get(data, what, key, list, [])
    if not all(isinstance(item, int) and not isinstance(item, bool) for item in items):
        raise _bad(what, key, "expected a list of integers")
    return tuple(items)


def _enum(data: Mapping[str, Any], what: str, key: str, kind: type[Any]) -> Any:
    raw = _get(data, what, key, str, _MISSING)
    try:
        return kind(raw)
    except ValueError:
        raise _bad(what, key, f"unknown value {raw!r}") from None


def _mapping(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise DataFormatError(detail=f"{what}: expected an object, got {type(data).__name__}")
    return data


def _confidence(data: Mapping[str, Any], what: str) -> float:
    value = _get(data, what, "confidence", float, 0.5)
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise _bad(what, "confidence", f"{value!r} is not between 0 and 1")
    return value


# --- Anchor -------------------------------------------------------------------------------


def anchor_to_dict(anchor: Anchor) -> JsonDict:
    """Encode an anchor."""
    data: JsonDict = {"block_id": anchor.block_id, "start": anchor.start, "end": anchor.end}
    if anchor.end_block_id is not None:
        data["end_block_id"] = anchor.end_block_id
    return data


def anchor_from_dict(raw: object) -> Anchor:
    """Decode an anchor."""
    data = _mapping(raw, "anchor")
    return Anchor(
        block_id=_get(data, "anchor", "block_id", str, _MISSING),
        start=_get(data, "anchor", "start", int, _MISSING),
        end=_get(data, "anchor", "end", int, _MISSING),
        end_block_id=_opt(data, "anchor", "end_block_id", str),
    )


# --- Finding fields (also used for EDIT events' before/after values) -----------------------


def finding_field_to_json(name: str, value: Any) -> Any:
    """A Finding field value as JSON (enums → str, tuples → lists, Anchor → dict)."""
    if name == "anchor":
        return None if value is None else anchor_to_dict(value)
    if name in ("type", "risk"):
        return str(value.value if isinstance(value, FindingType | Risk) else value)
    if name in ("questions", "framework_refs"):
        return list(value)
    return value


def finding_field_from_json(name: str, value: Any) -> Any:
    """Decode one Finding field value; ``DataFormatError`` when it has the wrong type."""
    holder = {name: value}
    if name == "anchor":
        return None if value is None else anchor_from_dict(value)
    if name == "type":
        return _enum(holder, "finding", name, FindingType)
    if name == "risk":
        return _enum(holder, "finding", name, Risk)
    if name == "questions":
        return _str_tuple(holder, "finding", name)
    if name == "framework_refs":
        return _int_tuple(holder, "finding", name)
    if name == "replacement":
        return _opt(holder, "finding", name, str)
    if name == "confidence":
        return _confidence(holder, "finding")
    return _get(holder, "finding", name, str, _MISSING)


# --- Finding -------------------------------------------------------------------------------


def finding_to_dict(finding: Finding) -> JsonDict:
    """Encode a finding (every field, so a report or the backend loses nothing)."""
    return {
        "id": finding.id,
        "section_id": finding.section_id,
        "origin": finding.origin,
        "type": finding.type.value,
        "risk": finding.risk.value,
        "category": finding.category,
        "description": finding.description,
        "suggestion": finding.suggestion,
        "example": finding.example,
        "questions": list(finding.questions),
        "framework_refs": list(finding.framework_refs),
        "framework_id": finding.framework_id,
        "quote": finding.quote,
        "replacement": finding.replacement,
        "confidence": finding.confidence,
        "prompt_version": finding.prompt_version,
        "created_at": finding.created_at,
        "anchor": None if finding.anchor is None else anchor_to_dict(finding.anchor),
        "author": finding.author,
    }


def finding_from_dict(raw: object) -> Finding:
    """Decode a finding."""
    data = _mapping(raw, "finding")
    w = "finding"
    origin = _get(data, w, "origin", str, _MISSING)
    if origin != "reviewer" and not origin.startswith(("model:", "rule:")):
        raise _bad(w, "origin", f"unknown origin {origin!r}")
    anchor_raw = data.get("anchor")
    return Finding(
        id=_get(data, w, "id", str, _MISSING),
        section_id=_get(data, w, "section_id", str, _MISSING),
        origin=origin,
        type=_enum(data, w, "type", FindingType),
        risk=_enum(data, w, "risk", Risk),
        category=_get(data, w, "category", str, _MISSING),
        description=_get(data, w, "description", str, _MISSING),
        suggestion=_get(data, w, "suggestion", str, ""),
        example=_get(data, w, "example", str, ""),
        questions=_str_tuple(data, w, "questions"),
        framework_refs=_int_tuple(data, w, "framework_refs"),
        framework_id=_get(data, w, "framework_id", str, "hawkeye"),
        quote=_get(data, w, "quote", str, ""),
        replacement=_opt(data, w, "replacement", str),
        confidence=_confidence(data, w),
        prompt_version=_get(data, w, "prompt_version", str, ""),
        created_at=_get(data, w, "created_at", str, _MISSING),
        anchor=None if anchor_raw is None else anchor_from_dict(anchor_raw),
        author=_get(data, w, "author", str, ""),
    )


# --- FindingDraft --------------------------------------------------------------------------


def draft_to_dict(draft: FindingDraft) -> JsonDict:
    """Encode a draft (backend results, cache)."""
    return {
        "origin": draft.origin,
        "type": draft.type.value,
        "risk": draft.risk.value,
        "category": draft.category,
        "description": draft.description,
        "suggestion": draft.suggestion,
        "example": draft.example,
        "questions": list(draft.questions),
        "framework_refs": list(draft.framework_refs),
        "quote": draft.quote,
        "replacement": draft.replacement,
        "confidence": draft.confidence,
    }


def draft_from_dict(raw: object) -> FindingDraft:
    """Decode a draft that this application encoded (untrusted model output goes through
    ``finding_schema.parse_findings`` instead)."""
    data = _mapping(raw, "draft")
    w = "draft"
    return FindingDraft(
        origin=_get(data, w, "origin", str, _MISSING),
        type=_enum(data, w, "type", FindingType),
        risk=_enum(data, w, "risk", Risk),
        category=_get(data, w, "category", str, _MISSING),
        description=_get(data, w, "description", str, _MISSING),
        suggestion=_get(data, w, "suggestion", str, ""),
        example=_get(data, w, "example", str, ""),
        questions=_str_tuple(data, w, "questions"),
        framework_refs=_int_tuple(data, w, "framework_refs"),
        quote=_get(data, w, "quote", str, ""),
        replacement=_opt(data, w, "replacement", str),
        confidence=_confidence(data, w),
    )


# --- DecisionEvent -------------------------------------------------------------------------


def event_to_dict(event: DecisionEvent) -> JsonDict:
    """Encode a decision event (before/after are already JSON-able)."""
    return {
        "action": event.action.value,
        "finding_id": event.finding_id,
        "actor": event.actor,
        "at": event.at,
        "reason": event.reason,
        "before": dict(event.before),
        "after": dict(event.after),
        "finding": None if event.finding is None else finding_to_dict(event.finding),
        "undo_of": event.undo_of,
        "redo_of": event.redo_of,
        "seq": event.seq,
    }


def event_from_dict(raw: object) -> DecisionEvent:
    """Decode a decision event."""
    data = _mapping(raw, "event")
    w = "event"
    finding_raw = data.get("finding")
    return DecisionEvent(
        action=_enum(data, w, "action", Action),
        finding_id=_get(data, w, "finding_id", str, _MISSING),
        actor=_get(data, w, "actor", str, _MISSING),
        at=_get(data, w, "at", str, _MISSING),
        reason=_get(data, w, "reason", str, ""),
        before=dict(_get(data, w, "before", dict, {})),
        after=dict(_get(data, w, "after", dict, {})),
        finding=None if finding_raw is None else finding_from_dict(finding_raw),
        undo_of=_opt(data, w, "undo_of", int),
        redo_of=_opt(data, w, "redo_of", int),
        seq=_opt(data, w, "seq", int),
    )


_DECISION_ACTIONS = (Action.ACCEPT, Action.REJECT, Action.REVERT)


def _check_decision(value: object, where: str) -> None:
    if not isinstance(value, Mapping) or value.get("decision") not in {d.value for d in Decision}:
        raise DataFormatError(detail=f"{where}: not a decision: {value!r:.100}")


def check_event_values(event: DecisionEvent) -> None:
    """Raise ``DataFormatError`` unless the review fold and undo/redo can read every value the
    event carries (edited field values, decisions); unknown keys are ignored."""
    if event.action is Action.EDIT:
        for side in ("before", "after"):
            for name, value in getattr(event, side).items():
                if name in EDITABLE_FIELDS:
                    finding_field_from_json(name, value)
    elif event.action in (Action.REVERT_ALL, Action.DECIDE_MANY):
        for side in ("before", "after"):
            for finding_id, value in getattr(event, side).items():
                _check_decision(value, f"event.{side}.{finding_id}")
    elif event.action in _DECISION_ACTIONS:
        for side in ("before", "after"):
            value = getattr(event, side)
            if "decision" in value:  # undo/redo read it (a missing one means pending)
                _check_decision(value, f"event.{side}")
    if event.action is Action.ADD and event.finding is None:
        raise DataFormatError(detail="event.finding: an added comment needs its finding")


def check_event_round_trip(event: DecisionEvent) -> None:
    """Raise ``DataFormatError`` unless ``event`` reads back exactly as it is written.

    The store calls this before committing, so a value of the wrong type (a list where text
    belongs, a number as a replacement) is refused up front instead of being saved and then
    making every later read of the document's review fail.
    """
    try:
        text = json.dumps(event_to_dict(event), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(detail=f"event is not JSON: {exc}") from None
    decoded = event_from_dict(json.loads(text))
    if replace(decoded, seq=event.seq) != event:
        raise DataFormatError(detail="event changes when it is saved and read back")
    check_event_values(decoded)


# --- Attempt -------------------------------------------------------------------------------


def attempt_to_dict(attempt: Attempt) -> JsonDict:
    """Encode one entry of the attempt log."""
    return {
        "model": attempt.model,
        "outcome": attempt.outcome,
        "latency_ms": attempt.latency_ms,
        "error_code": attempt.error_code,
        "message": attempt.message,
        "input_tokens": attempt.input_tokens,
        "output_tokens": attempt.output_tokens,
    }


def attempt_from_dict(raw: object) -> Attempt:
    """Decode one entry of the attempt log."""
    data = _mapping(raw, "attempt")
    w = "attempt"
    return Attempt(
        model=_get(data, w, "model", str, _MISSING),
        outcome=_get(data, w, "outcome", str, _MISSING),
        latency_ms=_get(data, w, "latency_ms", float, _MISSING),
        error_code=_get(data, w, "error_code", str, ""),
        message=_get(data, w, "message", str, ""),
        input_tokens=_opt(data, w, "input_tokens", int),
        output_tokens=_opt(data, w, "output_tokens", int),
    )


def attempts_to_json(attempts: tuple[Attempt, ...]) -> str:
    """The attempt log as a JSON string (``CachedReview.attempts_json``)."""
    return json.dumps([attempt_to_dict(a) for a in attempts], ensure_ascii=False)


def attempts_from_json(text: str) -> tuple[Attempt, ...]:
    """Decode ``attempts_to_json`` output; ``DataFormatError`` when it is damaged."""
    try:
        items = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DataFormatError(detail=f"attempt log: {exc}") from None
    if not isinstance(items, list):
        raise DataFormatError(detail="attempt log: expected a list")
    return tuple(attempt_from_dict(item) for item in items)
