"""The findings JSON schema and validation of untrusted model/rule output.

Model output is untrusted input: it is validated against the schema, sizes are capped, enums
normalized; an invalid answer raises ``InvalidResponseError`` and is never replaced by invented
findings.

Two schemas exist on purpose. ``FINDINGS_SCHEMA`` is what the model is asked to produce (sent as
the tool input schema / structured-output schema), so it stays inside the JSON-Schema subset
Bedrock accepts for Claude: objects with ``additionalProperties: false`` and ``required`` lists,
enums, no ``oneOf``, no numeric or length constraints. Parsing validates the answer against a
more tolerant shape (capitalized enums, string confidences, legacy key names) and then
normalizes it; anything that cannot be read without guessing is an error.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from aiprism_desktop.core.errors import InvalidResponseError
from aiprism_desktop.core.findings import FindingType, Risk
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.schema_check import first_error
from aiprism_desktop.core.text_clean import clean_line, clean_text


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


# Size caps. Text over a cap is cut (the quote without an ellipsis: a prefix of an exact quote
# is still exact text, so anchoring keeps working).
MAX_CATEGORY_CHARS: Final = 120
MAX_DESCRIPTION_CHARS: Final = 2000
MAX_SUGGESTION_CHARS: Final = 2000
MAX_EXAMPLE_CHARS: Final = 1000
MAX_QUOTE_CHARS: Final = 2000
MAX_REPLACEMENT_CHARS: Final = 4000
MAX_QUESTIONS: Final = 5
MAX_QUESTION_CHARS: Final = 500
MAX_FRAMEWORK_REFS: Final = 10
MAX_RESPONSE_CHARS: Final = 2_000_000
MAX_FINDINGS_DEFAULT: Final = 50

_FINDING_PROPERTIES: dict[str, Any] = {
    "type": {"type": "string", "enum": [t.value for t in FindingType]},
    "risk": {"type": "string", "enum": [r.value for r in Risk]},
    "category": {"type": "string"},
    "description": {"type": "string"},
    "suggestion": {"type": "string"},
    "example": {"type": "string"},
    "questions": {"type": "array", "items": {"type": "string"}},
    "framework_refs": {"type": "array", "items": {"type": "integer"}},
    "quote": {"type": "string"},
    "replacement": {"type": "string"},
    "confidence": {"type": "number"},
}

FINDINGS_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "properties": {
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": _FINDING_PROPERTIES,
                # "replacement" is optional: only when the finding proposes a rewrite.
                "required": [k for k in _FINDING_PROPERTIES if k != "replacement"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["findings"],
    "additionalProperties": False,
}

# What parsing accepts before normalization: enum spellings and confidence formats vary,
# optional fields may be null. Unknown extra keys are ignored, not an error.
_TOLERANT_ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "risk": {"type": "string"},
        "category": {"type": "string"},
        "description": {"type": "string"},
        "suggestion": {"type": ["string", "null"]},
        "example": {"type": ["string", "null"]},
        "questions": {"type": ["array", "string", "null"], "items": {"type": "string"}},
        "framework_refs": {
            "type": ["array", "null"],
            "items": {"type": ["integer", "number", "string"]},
        },
        "quote": {"type": ["string", "null"]},
        "replacement": {"type": ["string", "null"]},
        "confidence": {"type": ["number", "string"]},
    },
    "required": ["type", "risk", "category", "description", "confidence"],
}


_LEGACY_KEYS = {"risk_level": "risk", "hawkeye_refs": "framework_refs"}  # the old app's names

# Enum normalization: words that only restate what the field is are ignored; what remains must
# be exactly one known word.
_FILLER_WORDS = frozenset(
    {"risk", "level", "issue", "issues", "finding", "type", "priority", "severity", "item"}
)
_TYPE_WORDS: dict[str, FindingType] = {
    "critical": FindingType.CRITICAL,
    "important": FindingType.IMPORTANT,
    "suggestion": FindingType.SUGGESTION,
    "suggestions": FindingType.SUGGESTION,
    "positive": FindingType.POSITIVE,
}
_RISK_WORDS: dict[str, Risk] = {
    "high": Risk.HIGH,
    "medium": Risk.MEDIUM,
    "med": Risk.MEDIUM,
    "moderate": Risk.MEDIUM,
    "low": Risk.LOW,
}
_REF_TEXT = re.compile(r"#?\s*(\d{1,4})")


def invalid_response(problem: str) -> InvalidResponseError:
    """An ``InvalidResponseError`` whose message says what was wrong with the answer."""
    return InvalidResponseError(
        f"The AI answer was not valid findings and was discarded: {problem}.", detail=problem
    )


def _enum_word(value: str, table: Mapping[str, Any], field: str) -> Any:
    words = [w for w in re.findall(r"[a-z]+", value.lower()) if w not in _FILLER_WORDS]
    if len(words) == 1 and words[0] in table:
        return table[words[0]]
    allowed = ", ".join(sorted({str(v) for v in table.values()}))
    raise invalid_response(f"{field} {_short(value)!r} is not one of {allowed}")


def normalize_type(value: str) -> FindingType:
    """ "Critical Issue" → CRITICAL; an unknown value raises ``InvalidResponseError``."""
    result: FindingType = _enum_word(value, _TYPE_WORDS, "type")
    return result


def normalize_risk(value: str) -> Risk:
    """ "High" / "HIGH" / "high risk" → HIGH; an unknown value raises ``InvalidResponseError``."""
    result: Risk = _enum_word(value, _RISK_WORDS, "risk")
    return result


def normalize_confidence(value: object) -> float:
    """A number or numeric string ("0.8", "80%") clamped to 0..1; anything else is an error."""
    number: float
    if isinstance(value, bool):  # bool is an int in Python, but "true" is not a confidence
        raise invalid_response(f"confidence {value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%").strip())
        except ValueError:
            raise invalid_response(f"confidence {_short(value)!r} is not a number") from None
        if percent:
            number /= 100.0
    else:
        raise invalid_response(f"confidence {_short(str(value))!r} is not a number")
    if not math.isfinite(number):
        raise invalid_response(f"confidence {value!r} is not a finite number")
    return min(1.0, max(0.0, number))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cap(text: str, limit: int, *, ellipsis: bool = True) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…" if ellipsis else text[:limit]


def _refs(raw: object, valid: frozenset[int]) -> tuple[int, ...]:
    if raw is None:
        return ()
    assert isinstance(raw, list)  # guaranteed by the tolerant schema
    refs: list[int] = []
    for item in raw:
        number: int
        if isinstance(item, bool):
            raise invalid_response("framework_refs must be point numbers")
        if isinstance(item, int):
            number = item
        elif isinstance(item, float) and item.is_integer():
            number = int(item)
        elif isinstance(item, str) and (match := _REF_TEXT.fullmatch(item.strip())):
            number = int(match.group(1))
        else:
            raise invalid_response(
                f"framework_refs item {_short(str(item))!r} is not a point number"
            )
        if number in valid and number not in refs:  # refs to points that do not exist: dropped
            refs.append(number)
    return tuple(refs[:MAX_FRAMEWORK_REFS])


def _questions(raw: object) -> tuple[str, ...]:
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else raw
    assert isinstance(items, list)
    cleaned = (clean_text(str(q)) for q in items)
    kept = [_cap(q, MAX_QUESTION_CHARS) for q in cleaned if q]
    return tuple(kept[:MAX_QUESTIONS])


def _category(raw: str, framework: Framework) -> str:
    category = clean_line(raw)
    if not category:
        raise invalid_response("category is empty")
    for known in framework.categories:  # canonical spelling when it is a known category
        if known.casefold() == category.casefold():
            return known
    return _cap(category, MAX_CATEGORY_CHARS)


def _optional_text(item: Mapping[str, Any], key: str, limit: int, *, ellipsis: bool) -> str:
    value = item.get(key)
    return _cap(clean_text(value), limit, ellipsis=ellipsis) if isinstance(value, str) else ""


def _draft(item: Mapping[str, Any], origin: str, framework: Framework) -> FindingDraft:
    description = _cap(clean_text(item["description"]), MAX_DESCRIPTION_CHARS)
    if not description:
        raise invalid_response("description is empty")
    replacement = _optional_text(item, "replacement", MAX_REPLACEMENT_CHARS, ellipsis=False)
    return FindingDraft(
        origin=origin,
        type=normalize_type(item["type"]),
        risk=normalize_risk(item["risk"]),
        category=_category(item["category"], framework),
        description=description,
        suggestion=_optional_text(item, "suggestion", MAX_SUGGESTION_CHARS, ellipsis=True),
        example=_optional_text(item, "example", MAX_EXAMPLE_CHARS, ellipsis=True),
        questions=_questions(item.get("questions")),
        framework_refs=_refs(item.get("framework_refs"), frozenset(framework.point_numbers)),
        quote=_optional_text(item, "quote", MAX_QUOTE_CHARS, ellipsis=False),
        replacement=replacement or None,
        confidence=normalize_confidence(item["confidence"]),
    )


def _with_canonical_keys(item: Mapping[str, Any]) -> dict[str, Any]:
    renamed = dict(item)
    for legacy, canonical in _LEGACY_KEYS.items():
        if legacy in renamed and canonical not in renamed:
            renamed[canonical] = renamed.pop(legacy)
    return renamed


def _items_of(untrusted: object) -> list[Any]:
    if isinstance(untrusted, Mapping):
        if "findings" not in untrusted:
            raise invalid_response('the answer has no "findings" list')
        items = untrusted["findings"]
    else:
        items = untrusted  # a bare list of findings is read the same way
    if not isinstance(items, list):
        raise invalid_response('"findings" is not a list')
    return items


def parse_findings(
    untrusted: object,
    *,
    origin: str,
    framework: Framework,
    max_findings: int = MAX_FINDINGS_DEFAULT,
) -> tuple[FindingDraft, ...]:
    """Validate and normalize a decoded model answer into drafts.

    ``untrusted`` is ``{"findings": [...]}`` (or the bare list). Findings beyond
    ``max_findings`` are dropped, exact duplicates are kept once. Any finding that cannot be
    read without guessing makes the whole answer invalid: ``InvalidResponseError`` whose
    ``detail`` names the finding and what was wrong.
    """
    if not origin.startswith(("model:", "rule:")):
        raise ValueError(f"origin must be 'model:<id>' or 'rule:<id>', not {origin!r}")
    drafts: list[FindingDraft] = []
    seen: set[tuple[str, str, str, str]] = set()
    for index, raw_item in enumerate(_items_of(untrusted)[:max_findings], start=1):
        if not isinstance(raw_item, Mapping):
            raise invalid_response(f"finding {index}: not an object")
        item = _with_canonical_keys(raw_item)
        error = first_error(_TOLERANT_ITEM_SCHEMA, item)
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "finding"
            raise invalid_response(f"finding {index}: {where}: {_short(error.message, 200)}")
        try:
            draft = _draft(item, origin, framework)
        except InvalidResponseError as exc:
            raise invalid_response(f"finding {index}: {exc.detail}") from None
        key = (draft.type.value, draft.risk.value, draft.description.casefold(), draft.quote)
        if key not in seen:
            seen.add(key)
            drafts.append(draft)
    return tuple(drafts)


_FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\r?\n(.*?)```", re.DOTALL)
_MAX_DECODE_ATTEMPTS = 50


def _is_findings_shape(value: object) -> bool:
    if isinstance(value, Mapping):
        return "findings" in value
    return isinstance(value, list) and all(isinstance(v, Mapping) for v in value)


def extract_json(text: str) -> object:
    """The findings JSON in a model's text answer: fenced, bare, or after leading prose.

    Nothing is repaired: a cut-off or malformed answer raises ``InvalidResponseError``.
    """
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise invalid_response("the answer was empty")
    decoder = json.JSONDecoder()
    candidates = [m.group(1).strip() for m in _FENCE.finditer(stripped)] + [stripped]
    last_error = "no JSON object found in the answer"
    for candidate in candidates:
        starts = [i for i, ch in enumerate(candidate) if ch in "{["][:_MAX_DECODE_ATTEMPTS]
        for start in starts:
            try:
                value, _end = decoder.raw_decode(candidate, start)
            except json.JSONDecodeError as exc:
                last_error = f"the answer is not valid JSON ({exc.msg} at char {exc.pos})"
                continue
            except (RecursionError, ValueError) as exc:  # absurd nesting, huge integers
                last_error = f"the answer is not usable JSON ({type(exc).__name__})"
                continue
            if _is_findings_shape(value):
                return value
            last_error = 'the JSON in the answer has no "findings" list'
    raise invalid_response(last_error)


def parse_findings_text(
    text: str,
    *,
    origin: str,
    framework: Framework,
    max_findings: int = MAX_FINDINGS_DEFAULT,
) -> tuple[FindingDraft, ...]:
    """``parse_findings`` for models that answer with JSON text (fences and prose tolerated)."""
    if not isinstance(text, str):
        raise invalid_response("the answer is not text")
    if len(text) > MAX_RESPONSE_CHARS:
        raise invalid_response(f"the answer is too long ({len(text)} characters)")
    return parse_findings(
        extract_json(text), origin=origin, framework=framework, max_findings=max_findings
    )
