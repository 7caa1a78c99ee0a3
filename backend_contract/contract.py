"""The contract as data: ``openapi.yaml`` loaded once, and validators for its schemas.

The reference server validates request bodies and the conformance kit validates responses
against the same file, so the two cannot drift from what the contract says. Validation uses
jsonschema-rs (Draft 2020-12, which OpenAPI 3.1 schemas are): a request is checked in tens of
microseconds, where the pure-Python validator took milliseconds per request.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import jsonschema_rs
import yaml


@functools.cache
def openapi() -> dict[str, Any]:
    """The parsed contract."""
    text = resources.files("backend_contract").joinpath("openapi.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@functools.cache
def _definitions() -> dict[str, Any]:
    """The component schemas as ``$defs`` of one standalone JSON Schema document."""
    text = json.dumps(openapi()["components"]["schemas"])
    defs: dict[str, Any] = json.loads(text.replace('"#/components/schemas/', '"#/$defs/'))
    return defs


@functools.cache
def validator(schema_name: str) -> Any:
    """A validator for ``#/components/schemas/<schema_name>``."""
    if schema_name not in openapi()["components"]["schemas"]:
        raise KeyError(schema_name)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": _definitions(),
        "$ref": f"#/$defs/{schema_name}",
    }
    return jsonschema_rs.validator_for(schema)


def schema_errors(schema_name: str, value: object, *, limit: int = 10) -> list[tuple[str, str]]:
    """(JSON pointer, message) of what in ``value`` breaks the schema; empty when it conforms."""
    check = validator(schema_name)
    if check.is_valid(value):
        return []
    found = []
    for error in check.iter_errors(value):
        pointer = "/" + "/".join(str(part) for part in error.instance_path)
        found.append((pointer, str(error.message)[:300]))
        if len(found) >= limit:
            break
    return sorted(found)
