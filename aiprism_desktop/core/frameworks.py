"""Checklist frameworks (the built-in 20-point Hawkeye framework, plus user ones).

Loaded from ``resources/frameworks/*.yaml`` and ``<user config dir>/frameworks/*.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FrameworkPoint:
    """One checklist point."""

    number: int
    title: str
    guidance: str
    keywords: tuple[str, ...] = ()  # section-title words this point usually applies to


@dataclass(frozen=True, slots=True)
class Framework:
    """A checklist framework: its points, finding categories and output rules."""

    id: str
    name: str
    version: str
    description: str
    points: tuple[FrameworkPoint, ...]
    categories: tuple[str, ...]
    output_rules: tuple[str, ...] = ()

    def point(self, number: int) -> FrameworkPoint:
        """The point with this number; KeyError when there is none."""
        for point in self.points:
            if point.number == number:
                return point
        raise KeyError(number)
