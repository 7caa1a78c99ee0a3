"""The ``bedrock`` provider: Claude on Amazon Bedrock through the self-pruning model chain.

``review_section``: for each model of the chain (``fallback.ModelChain``) build a Converse request
in the model's JSON mode, call it, validate the answer with ``core.finding_schema`` and return the
drafts with ``origin = "model:<key of the model that answered>"``. An invalid answer gets ONE
repair request (the validation error is sent back); an answer cut off at ``max_tokens`` is
retried with more room up to the profile's maximum, then reported as ``SectionTooLargeError`` so
the engine splits the section. Never invented findings: a failure is an honest ProviderError
carrying the attempt log.

boto3 is blocking: every call runs in its own daemon thread (``call_threads.CallThreads``), so a
call the chain abandoned (attempt budget used up, review cancelled) never holds up a new one or
the process exit; ``aclose`` refuses new calls. The client is created lazily in such a thread,
so constructing a reviewer never blocks the loop.

Time: botocore's read timeout is the outer bound of one blocked call; the chain gives each
attempt a budget of at most ``min(read_timeout_s, chain.attempt_timeout_s)`` and the chat's
silence limit is capped by it too (see ``chain_types``).
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3

from aiprism_desktop.core.errors import InvalidResponseError
from aiprism_desktop.core.finding_schema import FindingDraft, parse_findings
from aiprism_desktop.core.ports import ModelHealthRepository
from aiprism_desktop.core.prompts import Prompt
from aiprism_desktop.core.reviewer import (
    ChatEvent,
    ChatRequest,
    Health,
    ModelRow,
    ProviderInfo,
    SectionReviewRequest,
    SectionReviewResult,
)
from aiprism_desktop.providers.bedrock.calls import call_review, count_tokens, make_runtime_client
from aiprism_desktop.providers.bedrock.chain.backoff import Timing
from aiprism_desktop.providers.bedrock.chain.chain import AttemptContext, ChainSettings, ModelChain
from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile, load_model_chain
from aiprism_desktop.providers.bedrock.chain.report import (
    describe_chain,
    model_state,
)
from aiprism_desktop.providers.bedrock.chat import chat_over_chain
from aiprism_desktop.providers.bedrock.errors import BedrockCallError, InvalidModelOutputError
from aiprism_desktop.providers.bedrock.request import (
    build_repair_request,
    build_review_request,
    estimate_tokens,
)
from aiprism_desktop.providers.bedrock.response import ModelAnswer
from aiprism_desktop.providers.bedrock.threads import CallThreads

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

_Answer = tuple[ModelAnswer, tuple[FindingDraft, ...]]

# A section part must leave room for the prompt around it (system prompt, framework, outline)
# and the answer. Characters per token: a safe lower bound for English prose; each call is
# still checked against the model's window first (CountTokens when the estimate is close).
PROMPT_RESERVE_TOKENS = 8_000
SAFE_CHARS_PER_TOKEN = 3


def section_chars(profiles: tuple[ModelProfile, ...]) -> int:
    """The longest section text one request may carry with every enabled model of the chain."""
    usable = [p for p in profiles if p.enabled] or list(profiles)
    tokens = min(
        (p.context_window - p.default_max_tokens - PROMPT_RESERVE_TOKENS) / p.tokenizer_factor
        for p in usable
    )
    return max(4_000, int(tokens * SAFE_CHARS_PER_TOKEN))


# CountTokens is an optimisation: when it is slow, the local estimate decides instead.
COUNT_TOKENS_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class BedrockSettings:
    """Where and how to call Bedrock."""

    region: str
    endpoint_url: str | None = None  # None: botocore resolves it (AWS_ENDPOINT_URL_* honoured)
    max_concurrency: int = 8
    read_timeout_s: float = 300.0  # large models can think for minutes before answering
    connect_timeout_s: float = 10.0
    temperature: float | None = 0.0  # reviews should be repeatable
    chat_temperature: float | None = None
    chain: ChainSettings = field(default_factory=ChainSettings)


class BedrockReviewer:
    """Reviewer protocol over the Bedrock model chain."""

    def __init__(
        self,
        session: boto3.Session,
        health: ModelHealthRepository,
        settings: BedrockSettings,
        *,
        profiles: tuple[ModelProfile, ...] | None = None,
        user_config_dir: Path | None = None,
        timing: Timing | None = None,
    ) -> None:
        self._session = session
        self.settings = settings
        chain_profiles = profiles if profiles is not None else load_model_chain(user_config_dir)
        # An attempt never waits longer than botocore would (its read timeout ends the call).
        chain_settings = replace(
            settings.chain,
            attempt_timeout_s=min(settings.chain.attempt_timeout_s, settings.read_timeout_s),
            stream_idle_s=min(settings.chain.stream_idle_s, settings.read_timeout_s),
            concurrency_ceiling=settings.max_concurrency,
        )
        self.chain = ModelChain(
            chain_profiles, settings.region, health, settings=chain_settings, timing=timing
        )
        self._executor = CallThreads(thread_name_prefix="aiprism-bedrock")
        self._client: BedrockRuntimeClient | None = None
        self._client_lock = asyncio.Lock()
        self._closed = False

    @property
    def info(self) -> ProviderInfo:
        return ProviderInfo(
            name="bedrock",
            display_name="Claude on Amazon Bedrock",
            needs_network=True,
            needs_credentials=True,
            max_concurrency=self.settings.max_concurrency,
            models=tuple(p.key for p in self.chain.profiles),
            max_section_chars=section_chars(self.chain.profiles),
        )

    def concurrency_levels(self) -> dict[str, int]:
        """Calls each model used so far is allowed at once now (its adaptive limit)."""
        return self.chain.limits.levels()

    async def connect(self) -> None:
        """Create the boto3 client (in a worker thread); calls would do it on first use."""
        await self._get_client()

    async def _get_client(self) -> BedrockRuntimeClient:
        if self._closed:
            raise RuntimeError("the Bedrock reviewer is closed")
        if self._client is None:
            async with self._client_lock:
                if self._client is None:
                    settings = self.settings

                    def make() -> BedrockRuntimeClient:
                        return make_runtime_client(
                            self._session,
                            settings.region,
                            endpoint_url=settings.endpoint_url,
                            read_timeout=settings.read_timeout_s,
                            connect_timeout=settings.connect_timeout_s,
                            max_pool_connections=settings.max_concurrency + 2,
                        )

                    loop = asyncio.get_running_loop()
                    self._client = await loop.run_in_executor(self._executor, make)
        return self._client

    # -- section review ---------------------------------------------------------------------
    async def review_section(self, request: SectionReviewRequest) -> SectionReviewResult:
        client = await self._get_client()
        prompt = request.prompt

        def build(profile: ModelProfile, model_id: str, max_tokens: int) -> dict[str, Any]:
            return build_review_request(
                profile,
                model_id,
                prompt,
                max_tokens=max_tokens,
                temperature=self.settings.temperature,
            )

        async def attempt(context: AttemptContext) -> _Answer:
            call = build(context.profile, context.model_id, context.max_tokens)
            bad = context.repair_of
            if isinstance(bad, InvalidModelOutputError):
                call = build_repair_request(call, bad, bad.reason)
            answer = await call_review(client, call, executor=self._executor)
            origin = f"model:{context.profile.key}"
            try:
                drafts = parse_findings(answer.data, origin=origin, framework=request.framework)
            except InvalidResponseError as error:
                raise InvalidModelOutputError(
                    error.detail or error.message,
                    raw_text=json.dumps(answer.data, ensure_ascii=False),
                    assistant_content=answer.assistant_content,
                    tool_use_id=answer.tool_use_id,
                    stop_reason=answer.stop_reason,
                ) from error
            return answer, drafts

        async def preflight(profile: ModelProfile, model_id: str) -> int | None:
            call = build(profile, model_id, profile.default_max_tokens)
            estimate = math.ceil(estimate_tokens(call) * profile.tokenizer_factor)
            if estimate + profile.default_max_tokens <= profile.context_window:
                return estimate  # a conservative estimate already fits: no network round trip
            try:
                async with asyncio.timeout(COUNT_TOKENS_TIMEOUT_S):
                    counted = await count_tokens(client, model_id, call, executor=self._executor)
            except (BedrockCallError, TimeoutError):
                counted = None
            return counted if counted is not None else estimate

        def usage(value: _Answer) -> tuple[int | None, int | None]:
            return value[0].input_tokens, value[0].output_tokens

        result = await self.chain.run(
            attempt, preflight=preflight, usage=usage, observer=request.on_attempt
        )
        answer, drafts = result.value
        return SectionReviewResult(
            drafts=drafts,
            model=result.profile.key,
            attempts=result.attempts,
            input_tokens=answer.input_tokens,
            output_tokens=answer.output_tokens,
        )

    # -- chat -------------------------------------------------------------------------------
    def chat(self, request: ChatRequest) -> AsyncIterator[ChatEvent]:
        return chat_over_chain(
            self.chain,
            self._get_client,
            self._executor,
            request,
            temperature=self.settings.chat_temperature,
        )

    # -- state ------------------------------------------------------------------------------
    async def health(self, *, probe: bool = False) -> Health:
        """Model states from the store; with ``probe``, one free CountTokens call as well."""
        await self.chain.tracker.load()
        states = tuple(model_state(self.chain, p) for p in self.chain.profiles)
        ready = [p for p, s in zip(self.chain.profiles, states, strict=True) if s.state == "ready"]
        if not ready:
            return Health(False, "no model of the chain is available now", states)
        if not probe:
            return Health(True, f"{len(ready)} of {len(states)} models ready", states)
        first = ready[0]
        try:
            client = await self._get_client()
            call = build_review_request(
                first,
                self.chain.model_id_for(first),
                _PROBE_PROMPT,
                max_tokens=first.default_max_tokens,
            )
            async with asyncio.timeout(COUNT_TOKENS_TIMEOUT_S):
                await count_tokens(client, call["modelId"], call, executor=self._executor)
        except BedrockCallError as error:
            return Health(False, f"{first.key}: {error.code}: {error.message}", states)
        except TimeoutError:
            return Health(False, f"Bedrock did not answer within {COUNT_TOKENS_TIMEOUT_S:g} s")
        return Health(True, f"Bedrock answered ({first.key})", states)

    @property
    def location(self) -> str:
        """The AWS region the chain's ids resolve in."""
        return self.settings.region

    async def describe_models(self) -> tuple[ModelRow, ...]:
        """Each model with its resolved id and state (models view, ``aiprism models``)."""
        return await describe_chain(self.chain)

    async def enable_model(self, key: str) -> None:
        """Put a disabled or cooling model back into the chain (``ConfigError``: unknown key)."""
        await self.chain.enable_model(key)

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        client, self._client = self._client, None
        if client is not None:
            client.close()
        self._executor.shutdown(wait=False)  # abandoned calls end at their read timeout


# The smallest request we can count tokens for (health probe: CountTokens costs nothing).
_PROBE_PROMPT = Prompt(
    system="",
    user="ping",
    version="probe",
    output_schema={"type": "object", "properties": {"ok": {"type": "boolean"}}},
)
