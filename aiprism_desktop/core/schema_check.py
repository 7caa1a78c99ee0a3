"""JSON Schema checks whose library loads on first use (jsonschema costs start-up time)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

# Validators by schema object (the schemas are module constants, kept alive by their modules).
_VALIDATORS: dict[int, tuple[Mapping[str, Any], Draft202012Validator]] = {}
_LOCK = threading.Lock()


def _validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    with _LOCK:
        entry = _VALIDATORS.get(id(schema))
        if entry is None or entry[0] is not schema:
            from jsonschema import Draft202012Validator

            entry = (schema, Draft202012Validator(schema))
            _VALIDATORS[id(schema)] = entry
        return entry[1]


def first_error(schema: Mapping[str, Any], instance: object) -> ValidationError | None:
    """The most relevant way ``instance`` breaks ``schema`` (jsonschema's best match), or None."""
    from jsonschema.exceptions import best_match

    found: ValidationError | None = best_match(_validator(schema).iter_errors(instance))
    return found
