"""Checklist frameworks (the built-in 20-point Hawkeye framework, plus user ones).

Loaded from ``resources/frameworks/*.yaml`` and ``<user config dir>/frameworks/*.yaml``. A file
is validated against a JSON schema; a broken user file is reported as a ``ConfigError`` naming
the file and the problem while the built-ins still load.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import yaml

from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.schema_check import first_error
from aiprism_desktop.core.yaml_data import load_yaml_data

if TYPE_CHECKING:
    from aiprism_desktop.core.document import Section

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FrameworkPoint:
    """One checklist point."""

    number: int
    title: str
    guidance: str
    keywords: tuple[str, ...] = ()  # section-title words this point usually applies to
    applies_always: bool = False  # e.g. documentation quality: relevant to every section


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
    source: str = ""  # the file it was loaded from ("" when built in code)

    def point(self, number: int) -> FrameworkPoint:
        """The point with this number; KeyError when there is none."""
        for point in self.points:
            if point.number == number:
                return point
        raise KeyError(number)

    @property
    def point_numbers(self) -> tuple[int, ...]:
        """The numbers of all points, in order."""
        return tuple(point.number for point in self.points)

    @property
    def fingerprint(self) -> str:
        """``<id>@<version>#<content hash>``: changes when any wording changes (cache keys)."""
        content = json.dumps(
            [
                self.id,
                self.version,
                self.description,
                [
                    [p.number, p.title, p.guidance, list(p.keywords), p.applies_always]
                    for p in self.points
                ],
                list(self.categories),
                list(self.output_rules),
            ],
            ensure_ascii=False,
        )
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]
        return f"{self.id}@{self.version}#{digest}"


MAX_FRAMEWORK_FILE_BYTES: Final = 1_000_000

_FRAMEWORK_FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,39}$"},
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "version": {"type": ["string", "number"]},
        "description": {"type": "string", "maxLength": 5000},
        "categories": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {"type": "string", "minLength": 1, "maxLength": 120},
        },
        "output_rules": {
            "type": "array",
            "maxItems": 50,
            "items": {"type": "string", "minLength": 1, "maxLength": 1000},
        },
        "points": {
            "type": "array",
            "minItems": 1,
            "maxItems": 200,
            "items": {
                "type": "object",
                "properties": {
                    "number": {"type": "integer", "minimum": 1, "maximum": 999},
                    "title": {"type": "string", "minLength": 1, "maxLength": 200},
                    "guidance": {"type": "string", "minLength": 1, "maxLength": 3000},
                    "keywords": {
                        "type": "array",
                        "maxItems": 100,
                        "items": {"type": "string", "minLength": 1, "maxLength": 80},
                    },
                    "applies_always": {"type": "boolean"},
                },
                "required": ["number", "title", "guidance"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["id", "name", "version", "points", "categories"],
    "additionalProperties": False,
}


def _file_error(path: Path, problem: str) -> ConfigError:
    return ConfigError(f"The framework file {path} is invalid: {problem}", detail=str(path))


def framework_from_dict(data: dict[str, Any], *, source: str = "") -> Framework:
    """Build a Framework from already-validated file data."""
    points = tuple(
        FrameworkPoint(
            number=p["number"],
            title=p["title"].strip(),
            guidance=" ".join(p["guidance"].split()),
            keywords=tuple(k.strip().lower() for k in p.get("keywords", ())),
            applies_always=bool(p.get("applies_always", False)),
        )
        for p in data["points"]
    )
    return Framework(
        id=data["id"],
        name=data["name"].strip(),
        version=str(data["version"]),
        description=" ".join(data.get("description", "").split()),
        points=points,
        categories=tuple(c.strip() for c in data["categories"]),
        output_rules=tuple(" ".join(r.split()) for r in data.get("output_rules", ())),
        source=source,
    )


def load_framework_file(path: Path) -> Framework:
    """Read and validate one framework file; ``ConfigError`` naming the file and the problem."""
    try:
        size = path.stat().st_size
        if size > MAX_FRAMEWORK_FILE_BYTES:
            raise _file_error(path, f"it is {size} bytes (the limit is 1 MB)")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _file_error(path, f"it cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError:
        raise _file_error(path, "it is not UTF-8 text") from None
    try:
        data = load_yaml_data(text)
    except yaml.YAMLError as exc:
        raise _file_error(path, f"it is not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise _file_error(path, "it must be a mapping with id, name, version, points, categories")
    error = first_error(_FRAMEWORK_FILE_SCHEMA, data)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise _file_error(path, f"{where}: {error.message[:200]}")
    numbers = [p["number"] for p in data["points"]]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise _file_error(path, f"point numbers repeat: {duplicates}")
    return framework_from_dict(data, source=str(path))


@dataclass(frozen=True, slots=True)
class FrameworkCatalog:
    """Every loadable framework, and the user files that could not be loaded."""

    frameworks: dict[str, Framework]
    errors: tuple[ConfigError, ...] = ()


def _yaml_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def builtin_frameworks_dir() -> Path:
    """``resources/frameworks`` of this installation."""
    from aiprism_desktop.core.resources import resources_dir

    return resources_dir() / "frameworks"


def load_framework_catalog(
    user_dir: Path | None, *, builtin_dir: Path | None = None
) -> FrameworkCatalog:
    """Built-in frameworks plus ``<user_dir>/frameworks/*.yaml``.

    ``user_dir`` is the user config directory. A user framework with a built-in's id replaces
    it (a team's edited copy of Hawkeye); a broken user file is collected in ``errors`` and
    skipped. A broken built-in file raises: the installation itself is damaged.
    """
    frameworks: dict[str, Framework] = {}
    for path in _yaml_files(builtin_dir or builtin_frameworks_dir()):
        framework = load_framework_file(path)
        frameworks[framework.id] = framework
    errors: list[ConfigError] = []
    user_sources: dict[str, Path] = {}
    for path in _yaml_files(user_dir / "frameworks") if user_dir else []:
        try:
            framework = load_framework_file(path)
        except ConfigError as exc:
            errors.append(exc)
            continue
        if framework.id in user_sources:
            first = user_sources[framework.id]
            errors.append(_file_error(path, f"its id {framework.id!r} is also used by {first}"))
            continue
        user_sources[framework.id] = path
        frameworks[framework.id] = framework
    return FrameworkCatalog(frameworks=frameworks, errors=tuple(errors))


def load_frameworks(
    user_dir: Path | None, *, builtin_dir: Path | None = None
) -> dict[str, Framework]:
    """Frameworks by id; broken user files are logged as warnings and skipped.

    Use ``load_framework_catalog`` to show those errors to the user.
    """
    catalog = load_framework_catalog(user_dir, builtin_dir=builtin_dir)
    for error in catalog.errors:
        _log.warning("%s", error.message)
    return catalog.frameworks


@functools.lru_cache(maxsize=1024)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Word-start match, so "action" also matches "Actions" but "act" does not match "impact".
    words = r"\s+".join(re.escape(w) for w in keyword.split())
    return re.compile(rf"(?<![a-z0-9]){words}", re.IGNORECASE)


def points_for_title(framework: Framework, title: str) -> tuple[FrameworkPoint, ...]:
    """Points whose keywords occur in ``title`` (plus always-applicable points); () if none."""
    matched = [
        point
        for point in framework.points
        if any(_keyword_pattern(k).search(title) for k in point.keywords)
    ]
    if not matched:
        return ()
    chosen = {p.number for p in matched} | {p.number for p in framework.points if p.applies_always}
    return tuple(p for p in framework.points if p.number in chosen)


def applicable_points(framework: Framework, section: Section) -> tuple[FrameworkPoint, ...]:
    """The points that apply to a section, chosen by its title; all points when none match."""
    return points_for_title(framework, section.title) or framework.points
