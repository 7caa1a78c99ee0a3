"""Versioned prompt builders: a framework + a section → the messages sent to a model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Prompt:
    """A built prompt. ``version`` is part of the review cache key."""

    system: str
    user: str
    version: str
    output_schema: dict[str, Any]
