"""Model profiles: what the fallback chain knows about each Claude model on Bedrock.

The chain itself is data (``resources/models.toml``, overridden entirely by a copy in the user
config dir); this module holds the types, the loader and the region → inference-profile rule.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jsonschema

from aiprism_desktop.core.errors import ConfigError, ProviderError
from aiprism_desktop.core.resources import resources_dir

JsonMode = Literal["tool_forced", "output_config", "tool_auto"]
Lifecycle = Literal["active", "legacy", "eol"]

MODELS_FILE_NAME = "models.toml"


@dataclass(frozen=True, slots=True)
class ModelProfile:
    """One model of the chain."""

    key: str  # short stable name used in config and the store, e.g. "sonnet-4-5"
    display_name: str
    base_id: str  # e.g. "anthropic.claude-sonnet-4-5-20250929-v1:0"
    profile_prefixes: tuple[str, ...]  # inference-profile geographies, e.g. ("us", "eu", "global")
    context_window: int  # input tokens
    max_output_tokens: int
    default_max_tokens: int  # what we ask for by default (max_tokens is reserved against quota)
    sampling: tuple[str, ...]  # accepted sampling parameters: subset of ("temperature", "top_p")
    json_mode: JsonMode
    supports_thinking: bool = False
    requires_profile: bool = True  # on-demand invocation of the bare id is refused
    lifecycle: Lifecycle = "active"
    legacy_since: str | None = None
    eol_date: str | None = None
    enabled: bool = True
    tokenizer_factor: float = 1.0  # tokens per "Claude 4 token" (Sonnet 5's tokenizer: ~1.3)

    def is_past_end_of_life(self, today: dt.date) -> bool:
        """True when the model is marked end-of-life or its EOL date has passed."""
        if self.lifecycle == "eol":
            return True
        return self.eol_date is not None and dt.date.fromisoformat(self.eol_date) <= today


class ModelNotInRegionError(ProviderError):
    """The model needs an inference profile and none of its profiles serves this region."""

    code = "MODEL_NOT_IN_REGION"
    default_message = "This model is not offered in the selected AWS region."


_PREFIXES = ["us", "eu", "apac", "jp", "au", "us-gov", "global"]
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

# The file's shape; jsonschema names the offending field, semantic checks follow below.
_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["model"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "model": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "key",
                    "display_name",
                    "base_id",
                    "profile_prefixes",
                    "context_window",
                    "max_output_tokens",
                    "default_max_tokens",
                    "sampling",
                    "json_mode",
                ],
                "properties": {
                    "key": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9.\-]{0,63}$"},
                    "display_name": {"type": "string", "minLength": 1},
                    "base_id": {"type": "string", "pattern": r"^[A-Za-z0-9.\-:]+$"},
                    "profile_prefixes": {
                        "type": "array",
                        "items": {"enum": _PREFIXES},
                        "uniqueItems": True,
                    },
                    "context_window": {"type": "integer", "minimum": 1024},
                    "max_output_tokens": {"type": "integer", "minimum": 256},
                    "default_max_tokens": {"type": "integer", "minimum": 256},
                    "sampling": {
                        "type": "array",
                        "items": {"enum": ["temperature", "top_p"]},
                        "uniqueItems": True,
                    },
                    "json_mode": {"enum": ["tool_forced", "output_config", "tool_auto"]},
                    "supports_thinking": {"type": "boolean"},
                    "requires_profile": {"type": "boolean"},
                    "lifecycle": {"enum": ["active", "legacy", "eol"]},
                    "legacy_since": _DATE,
                    "eol_date": _DATE,
                    "enabled": {"type": "boolean"},
                    "tokenizer_factor": {"type": "number", "minimum": 0.5, "maximum": 3},
                },
            },
        },
    },
}


def packaged_models_file() -> Path:
    """The models.toml shipped with the application."""
    return resources_dir() / MODELS_FILE_NAME


def load_model_chain(user_config_dir: Path | None = None) -> tuple[ModelProfile, ...]:
    """The fallback chain, in order.

    ``<user_config_dir>/models.toml`` replaces the packaged file entirely when it exists. An
    invalid file raises ``ConfigError`` naming the file and the field.
    """
    path = packaged_models_file()
    if user_config_dir is not None and (user_config_dir / MODELS_FILE_NAME).is_file():
        path = user_config_dir / MODELS_FILE_NAME
    return parse_model_chain(path)


def parse_model_chain(path: Path) -> tuple[ModelProfile, ...]:
    """Read and validate one models.toml."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} cannot be read.", detail=str(error)) from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}.", detail=str(error)) from error
    _stringify_dates(data)
    validator = jsonschema.Draft202012Validator(
        _SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise ConfigError(
            f"{path}: field {_field_name(data, list(first.absolute_path))} is invalid: "
            f"{first.message}.",
            detail="; ".join(e.message for e in errors[:5]),
        )
    profiles = tuple(_profile(entry) for entry in data["model"])
    _check_semantics(path, profiles)
    return profiles


def _stringify_dates(data: dict[str, Any]) -> None:
    """TOML has native dates; the profile keeps ISO strings, so accept both spellings."""
    for entry in data.get("model", []) if isinstance(data.get("model"), list) else []:
        if isinstance(entry, dict):
            for name in ("legacy_since", "eol_date"):
                if isinstance(entry.get(name), dt.date):
                    entry[name] = entry[name].isoformat()


def _field_name(data: dict[str, Any], path: list[str | int]) -> str:
    """A readable field path: ``model[3] (opus-4-6).max_output_tokens``."""
    parts: list[str] = []
    node: Any = data
    for step in path:
        if isinstance(step, int):
            key = node[step].get("key") if isinstance(node[step], dict) else None
            parts[-1] += f"[{step}]" + (f" ({key})" if isinstance(key, str) else "")
        else:
            parts.append(step)
        node = node[step]
    return ".".join(parts) or "(top level)"


def _profile(entry: dict[str, Any]) -> ModelProfile:
    return ModelProfile(
        key=entry["key"],
        display_name=entry["display_name"],
        base_id=entry["base_id"],
        profile_prefixes=tuple(entry["profile_prefixes"]),
        context_window=entry["context_window"],
        max_output_tokens=entry["max_output_tokens"],
        default_max_tokens=entry["default_max_tokens"],
        sampling=tuple(entry["sampling"]),
        json_mode=entry["json_mode"],
        supports_thinking=entry.get("supports_thinking", False),
        requires_profile=entry.get("requires_profile", True),
        lifecycle=entry.get("lifecycle", "active"),
        legacy_since=entry.get("legacy_since"),
        eol_date=entry.get("eol_date"),
        enabled=entry.get("enabled", True),
        tokenizer_factor=float(entry.get("tokenizer_factor", 1.0)),
    )


def _check_semantics(path: Path, profiles: tuple[ModelProfile, ...]) -> None:
    seen: set[str] = set()
    for index, profile in enumerate(profiles):
        where = f"{path}: field model[{index}] ({profile.key})"
        if profile.key in seen:
            raise ConfigError(f"{where}.key is used twice; model keys must be unique.")
        seen.add(profile.key)
        if profile.default_max_tokens > profile.max_output_tokens:
            raise ConfigError(
                f"{where}.default_max_tokens ({profile.default_max_tokens}) is larger than "
                f"max_output_tokens ({profile.max_output_tokens})."
            )
        if profile.requires_profile and not profile.profile_prefixes:
            raise ConfigError(
                f"{where}.profile_prefixes is empty but requires_profile is true: the model "
                "could never be called."
            )


# Regions whose own geography has a narrower profile than the continent-wide one.
_NARROW_GEOS = {"ap-northeast-1": "jp", "ap-southeast-2": "au", "ap-southeast-4": "au"}
GLOBAL = "global"


def _geographies(region: str) -> list[str]:
    """The region's own profile prefixes, most specific first (empty: it has none)."""
    region = region.lower()
    if region.startswith("us-gov-"):
        return ["us-gov"]
    if region.startswith(("us-", "ca-")):
        return ["us"]
    if region.startswith("eu-"):
        return ["eu"]
    if region.startswith("ap-"):
        narrow = _NARROW_GEOS.get(region)
        return ([narrow] if narrow else []) + ["apac"]
    return []


def global_routing_default(region: str) -> bool:
    """Whether ``global.`` profiles are allowed when the user has not said.

    A ``global.`` profile may process the request in any commercial region. A region with its
    own geography (us., eu., apac., jp., au., us-gov.) keeps documents inside it unless the user
    allows global routing; a region with no geographic profile has only ``global.`` to offer.
    GovCloud never routes globally (``allow_global`` is ignored there).
    """
    return not _geographies(region)


def _allowed_prefixes(region: str, allow_global: bool | None) -> list[str]:
    geos = _geographies(region)
    if region.lower().startswith("us-gov-"):
        return geos  # GovCloud traffic must not leave GovCloud
    allow = global_routing_default(region) if allow_global is None else allow_global
    return [*geos, GLOBAL] if allow else geos


def resolve_model_id(
    profile: ModelProfile, region: str, *, allow_global: bool | None = None
) -> str:
    """The model id to call in ``region``.

    A model that can be invoked on demand (``requires_profile = false``) is called by its bare
    base id; otherwise the region's inference profile is used, then ``global.`` when global
    routing is allowed (``allow_global``; None = ``global_routing_default(region)``).
    ``ModelNotInRegionError`` when none fits; its message says when only global routing would.
    """
    if not profile.requires_profile:
        return profile.base_id
    found = profile_id(profile, region, allow_global=allow_global)
    if found is not None:
        return found
    raise ModelNotInRegionError(
        f"{profile.display_name} is {not_offered_reason(profile, region)} "
        f"(its inference profiles: {', '.join(f'{p}.' for p in profile.profile_prefixes)}).",
        detail=profile.base_id,
    )


def not_offered_reason(profile: ModelProfile, region: str) -> str:
    """``not offered in eu-west-1`` (+ ``without global routing`` when that would serve it).

    Meant for a model ``profile_id`` found nothing for: if it has a ``global.`` profile, only
    the data-residency setting kept it out (GovCloud never routes globally).
    """
    if GLOBAL in profile.profile_prefixes and not region.lower().startswith("us-gov-"):
        return f"not offered in {region} without global routing"
    return f"not offered in {region}"


def profile_id(
    profile: ModelProfile, region: str, *, allow_global: bool | None = None
) -> str | None:
    """The inference-profile id serving ``region`` (``geo.``, then ``global.`` if allowed)."""
    for geo in _allowed_prefixes(region, allow_global):
        if geo in profile.profile_prefixes:
            return f"{geo}.{profile.base_id}"
    return None


def global_profile_id(profile: ModelProfile, region: str, allow_global: bool | None) -> str | None:
    """The ``global.`` id of ``profile`` when it has one and global routing is allowed."""
    if GLOBAL in profile.profile_prefixes and GLOBAL in _allowed_prefixes(region, allow_global):
        return f"{GLOBAL}.{profile.base_id}"
    return None
