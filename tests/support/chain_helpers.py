"""Helpers for model-chain tests: small profiles, a controllable clock, service errors."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from aiprism_desktop.providers.bedrock.chain.backoff import Timing
from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile


def profile(key: str, **changes: Any) -> ModelProfile:
    """A Claude-4-like profile; ``base_id`` is ``anthropic.<key>``."""
    values: dict[str, Any] = {
        "key": key,
        "display_name": key.title(),
        "base_id": f"anthropic.{key}",
        "profile_prefixes": ("us", "eu", "global"),
        "context_window": 200_000,
        "max_output_tokens": 64_000,
        "default_max_tokens": 4096,
        "sampling": ("temperature",),
        "json_mode": "tool_forced",
    }
    values.update(changes)
    return ModelProfile(**values)


def chain_of(*keys: str) -> tuple[ModelProfile, ...]:
    return tuple(profile(key) for key in keys)


@dataclass
class FakeTime:
    """Monotonic and wall clocks that only move when something sleeps (or ``advance``)."""

    now: float = 1_800_000_000.0  # 2027-01-15
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def timing(self, rand: float = 0.5) -> Timing:
        return Timing(monotonic=self.monotonic, wall=self.wall, sleep=self.sleep, rand=lambda: rand)


def service_error(
    code: str, message: str = "", status: int = 400, headers: dict[str, str] | None = None
) -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": message or code},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers or {}},
    }
    return ClientError(response, "Converse")


THROTTLED = ("ThrottlingException", "Too many requests, please wait.", 429)
DAILY = ("ThrottlingException", "Too many tokens per day, please wait.", 429)
EOL = ("ResourceNotFoundException", "This model version has reached the end of its life.", 404)
