"""The contract as data: ``openapi.yaml`` loaded once, and validators for its schemas.

The reference server validates request bodies and the conformance kit validates responses
against the same file, so the two cannot drift from what the contract says.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

CONTRACT_URI = "urn:aiprism:backend-contract"


@functools.cache
def openapi() -> dict[str, Any]:
    """The parsed contract."""
    text = resources.files("backend_contract").joinpath("openapi.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@functools.cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(openapi(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(CONTRACT_URI, resource)
    return registry


@functools.cache
def validator(schema_name: str) -> Draft202012Validator:
    """A validator for ``#/components/schemas/<schema_name>`` ($refs resolved in the file)."""
    if schema_name not in openapi()["components"]["schemas"]:
        raise KeyError(schema_name)
    schema = {"$ref": f"{CONTRACT_URI}#/components/schemas/{schema_name}"}
    return Draft202012Validator(schema, registry=_registry())


def schema_errors(schema_name: str, value: object, *, limit: int = 10) -> list[tuple[str, str]]:
    """(JSON pointer, message) of what in ``value`` breaks the schema; empty when it conforms."""
    found = sorted(validator(schema_name).iter_errors(value), key=lambda e: list(e.absolute_path))
    return [
        ("/" + "/".join(str(part) for part in error.absolute_path), error.message[:300])
        for error in found[:limit]
    ]
