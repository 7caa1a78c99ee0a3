"""Model profiles: what the fallback chain knows about each Claude model on Bedrock.

The chain itself is data (``resources/models.toml``, overridable by a copy in the user config
dir); this module holds the types and the region → inference-profile-prefix rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

JsonMode = Literal["tool_forced", "output_config", "tool_auto"]
Lifecycle = Literal["active", "legacy", "eol"]


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
