"""Rule packs: YAML files of rules, validated, merged and compiled into a ``RuleSet``.

Built-in packs live in ``resources/rules/*.yaml``; the user's packs in
``<config dir>/rules/*.yaml`` add rules or override built-in ones: an entry with an existing id
changes only the fields it gives (``params`` merged key by key), so ``{id: x, enabled: false}``
switches a rule off. Any problem raises ``ConfigError`` naming the file and the reason: a rule
file that silently does nothing would be worse than one that refuses to load.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.findings import FindingType, Risk
from aiprism_desktop.core.yaml_data import load_yaml_data
from aiprism_desktop.providers.offline.rules.checks_language import compile_pattern
from aiprism_desktop.providers.offline.rules.context import COMMON_FIELDS, CheckKind

MAX_RULE_FILE_BYTES: Final = 1_000_000
ANY_FRAMEWORK: Final = "any"  # a pack's applies_to for rules generic to every framework
USER_RULES_SUBDIR: Final = "rules"

_RULE_PROPERTIES: dict[str, Any] = {
    "id": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_.-]{0,63}$"},
    "title": {"type": "string", "minLength": 1, "maxLength": 120},
    "kind": {"type": "string", "minLength": 1},
    "type": {"enum": [t.value for t in FindingType]},
    "risk": {"enum": [r.value for r in Risk]},
    "category": {"type": "string", "minLength": 1, "maxLength": 120},
    "description": {"type": "string", "minLength": 1, "maxLength": 2000},
    "suggestion": {"type": "string", "maxLength": 2000},
    "example": {"type": "string", "maxLength": 1000},
    "questions": {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 5},
    "framework_refs": {"type": "array", "items": {"type": "integer", "minimum": 1}},
    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    "enabled": {"type": "boolean"},
    "sections": {"type": "string"},
    "skip_sections": {"type": "string"},
    "max_per_section": {"type": "integer", "minimum": 1},
    "style": {"type": "boolean"},
    "params": {"type": "object"},
}
_REQUIRED = ["id", "title", "kind", "type", "risk", "category", "description"]
_FULL_RULE = Draft202012Validator(
    {
        "type": "object",
        "properties": _RULE_PROPERTIES,
        "required": _REQUIRED,
        "additionalProperties": False,
    }
)
_PARTIAL_RULE = Draft202012Validator(
    {
        "type": "object",
        "properties": _RULE_PROPERTIES,
        "required": ["id"],
        "additionalProperties": False,
    }
)
_FILE = Draft202012Validator(
    {
        "type": "object",
        "properties": {
            "pack": {"type": "string"},
            "version": {"type": ["string", "number"]},
            "framework": {"type": "string"},
            "applies_to": {"type": "string", "minLength": 1},
            "description": {"type": "string"},
            "rules": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["rules"],
        "additionalProperties": False,
    }
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule."""

    id: str
    title: str
    kind: str
    type: FindingType
    risk: Risk
    category: str
    description: str  # a template: {placeholders} filled from the hit
    suggestion: str
    example: str
    questions: tuple[str, ...]
    framework_refs: tuple[int, ...]
    confidence: float
    enabled: bool
    sections: re.Pattern[str] | None  # section titles the rule applies to (None: all)
    skip_sections: re.Pattern[str] | None
    max_per_section: int | None
    params: Any  # the kind's prepared params
    source: str  # the file(s) that defined it, for messages
    style: bool = False  # a style remark: counts against the per-section style cap
    refs_framework: str = "hawkeye"  # the framework whose points framework_refs number
    pack_framework: str = ANY_FRAMEWORK  # the review framework the rule's pack is for

    def runs_under(self, framework_id: str) -> bool:
        """Whether the rule's pack applies to reviews against this framework."""
        return self.pack_framework in (ANY_FRAMEWORK, framework_id)

    def applies_to(self, section_title: str) -> bool:
        """Whether the rule runs on a section with this title."""
        if self.sections is not None and not self.sections.search(section_title):
            return False
        return self.skip_sections is None or not self.skip_sections.search(section_title)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every rule in order (built-in order, then new user rules), and where they came from."""

    rules: tuple[Rule, ...]
    version: str
    fingerprint: str  # changes whenever any rule changes: part of the review cache key
    files: tuple[Path, ...]

    @property
    def enabled(self) -> tuple[Rule, ...]:
        """The rules that run."""
        return tuple(rule for rule in self.rules if rule.enabled)

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id; KeyError when there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _error(path: Path, problem: str) -> ConfigError:
    return ConfigError(f"The rule file {path.name} is invalid: {problem}", detail=str(path))


def _schema_problem(validator: Draft202012Validator, data: object, prefix: str) -> str | None:
    error = best_match(validator.iter_errors(data))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    location = f"{prefix} {where}".strip() if where else prefix
    return f"{location}: {error.message[:300]}" if location else error.message[:300]


def read_rule_file(path: Path) -> dict[str, Any]:
    """Read and structurally validate one rule file."""
    try:
        if path.stat().st_size > MAX_RULE_FILE_BYTES:
            raise _error(path, "it is larger than 1 MB")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _error(path, f"it cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError:
        raise _error(path, "it is not UTF-8 text") from None
    try:
        data = load_yaml_data(text)
    except yaml.YAMLError as exc:
        raise _error(path, f"it is not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise _error(path, "it must be a mapping with a 'rules' list")
    problem = _schema_problem(_FILE, data, "")
    if problem:
        raise _error(path, problem)
    return data


def _rule_label(raw: Mapping[str, Any], position: int) -> str:
    rule_id = raw.get("id")
    return f"rule {rule_id!r}" if isinstance(rule_id, str) else f"rule #{position + 1}"


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        same_kind = override.get("kind", base.get("kind")) == base.get("kind")
        if key == "params" and same_kind and isinstance(base.get("params"), dict):
            merged["params"] = {**base["params"], **value}
        else:
            merged[key] = value
    if merged.get("kind") != base.get("kind") and "params" not in override:
        merged.pop("params", None)  # another kind's params would not fit
    return merged


def _check_template(template: str, allowed: frozenset[str], what: str) -> None:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ValueError(f"{what}: {exc} (write literal braces as {{{{ and }}}})") from None
    for name in names:
        if name not in allowed:
            choices = ", ".join(f"{{{n}}}" for n in sorted(allowed))
            raise ValueError(f"{what}: unknown placeholder {{{name}}} (available: {choices})")


@dataclass(frozen=True, slots=True)
class _Pack:
    """What a rule inherits from the file that first defined it."""

    refs_framework: str
    applies_to: str


def _compile_rule(
    raw: Mapping[str, Any], kinds: Mapping[str, CheckKind[Any]], source: str, pack: _Pack
) -> Rule:
    """Build a Rule from merged, schema-valid data; ValueError(reason) when it does not fit."""
    kind = kinds.get(raw["kind"])
    if kind is None:
        raise ValueError(f"unknown kind {raw['kind']!r} (known: {', '.join(sorted(kinds))})")
    params = raw.get("params", {})
    problem = _schema_problem(Draft202012Validator(dict(kind.params_schema)), params, "params")
    if problem:
        raise ValueError(problem)
    allowed = kind.fields | COMMON_FIELDS
    _check_template(raw["description"], allowed, "description")
    _check_template(raw.get("suggestion", ""), allowed, "suggestion")
    return Rule(
        id=raw["id"],
        title=raw["title"],
        kind=kind.name,
        type=FindingType(raw["type"]),
        risk=Risk(raw["risk"]),
        category=raw["category"],
        description=raw["description"].strip(),
        suggestion=raw.get("suggestion", "").strip(),
        example=raw.get("example", "").strip(),
        questions=tuple(raw.get("questions", ())),
        framework_refs=tuple(raw.get("framework_refs", ())),
        confidence=float(raw.get("confidence", 0.7)),
        enabled=bool(raw.get("enabled", True)),
        sections=compile_pattern(raw["sections"]) if raw.get("sections") else None,
        skip_sections=compile_pattern(raw["skip_sections"]) if raw.get("skip_sections") else None,
        max_per_section=raw.get("max_per_section"),
        params=kind.prepare(params),
        source=source,
        style=bool(raw.get("style", False)),
        refs_framework=pack.refs_framework,
        pack_framework=pack.applies_to,
    )


def _rule_files(directory: Path | None) -> list[Path]:
    if directory is None or not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_ruleset(
    builtin_dir: Path, user_dir: Path | None, kinds: Mapping[str, CheckKind[Any]]
) -> RuleSet:
    """Load ``builtin_dir/*.yaml``, then apply ``user_dir/*.yaml`` (sorted by file name).

    Compiled rule sets are kept for the life of the process, keyed by the files' names, sizes
    and modification times: a second reviewer (or a second review) does not compile again, and
    an edited rule file is picked up.
    """
    builtin_files = _rule_files(builtin_dir)
    if not builtin_files:
        raise ConfigError(
            f"No built-in rule packs were found in {builtin_dir}.", detail=str(builtin_dir)
        )
    user_files = _rule_files(user_dir)
    key = (_stamp(builtin_files + user_files), tuple(sorted((n, id(k)) for n, k in kinds.items())))
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    ruleset = _load(builtin_files, user_files, kinds)
    with _CACHE_LOCK:
        _CACHE[key] = ruleset
    return ruleset


_CACHE: dict[object, RuleSet] = {}
_CACHE_LOCK = threading.Lock()


def _stamp(files: list[Path]) -> tuple[tuple[str, int, int], ...]:
    stamps = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue  # read_rule_file reports it
        stamps.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(stamps)


def _load(
    builtin_files: list[Path], user_files: list[Path], kinds: Mapping[str, CheckKind[Any]]
) -> RuleSet:
    merged: dict[str, dict[str, Any]] = {}
    touched_by: dict[str, Path] = {}
    packs: dict[str, _Pack] = {}
    versions: list[str] = []
    for path in builtin_files + user_files:
        is_user = path in user_files
        data = read_rule_file(path)
        pack = _Pack(
            refs_framework=str(data.get("framework", "hawkeye")),
            applies_to=str(data.get("applies_to", ANY_FRAMEWORK)),
        )
        if not is_user:
            versions.append(str(data.get("version", "0")))
        for position, raw in enumerate(data["rules"]):
            label = _rule_label(raw, position)
            known = isinstance(raw.get("id"), str) and raw["id"] in merged
            if known and not is_user:
                raise _error(path, f"{label} is defined twice among the built-in rules")
            problem = _schema_problem(_PARTIAL_RULE if known else _FULL_RULE, raw, label)
            if problem:
                raise _error(path, problem)
            merged[raw["id"]] = _merge(merged[raw["id"]], raw) if known else dict(raw)
            packs.setdefault(raw["id"], pack)
            touched_by[raw["id"]] = path
    rules: list[Rule] = []
    for rule_id, raw in merged.items():
        path = touched_by[rule_id]
        problem = _schema_problem(_FULL_RULE, raw, f"rule {rule_id!r}")
        if problem:
            raise _error(path, problem)
        try:
            rules.append(_compile_rule(raw, kinds, str(path), packs[rule_id]))
        except ValueError as exc:
            raise _error(path, f"rule {rule_id!r}: {exc}") from None
    version = "+".join(dict.fromkeys(versions)) or "0"
    canonical = json.dumps(
        [
            version,
            list(merged.values()),
            [(p.refs_framework, p.applies_to) for p in packs.values()],
        ],
        sort_keys=True,
        default=str,
    )
    return RuleSet(
        rules=tuple(rules),
        version=version,
        fingerprint=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        files=tuple(builtin_files + user_files),
    )
