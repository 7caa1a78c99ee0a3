"""Streamed chat over the model chain.

A stream that fails midway is restarted FROM SCRATCH on the next attempt (same model or the next
one): the UI gets ``ChatEvent(kind="restarted")`` and discards the partial text. There is no
"continue from here" prefill: newer Claude models reject assistant prefill, which is what broke
LiteLLM's mid-stream fallback (BerriAI/litellm#27967). The final ``done`` event names the model
that gave the answer and carries the whole answer and the attempt log.

Time: the chain's deadline runs until the first token; after that each chunk must follow the
previous one within the chain's idle limit (``ChainSettings.stream_idle_s``), so a long healthy
answer is never cut off and a stalled stream is restarted on the next attempt. An answer that
stops at ``max_tokens`` ends with a visible note (``TRUNCATION_NOTE``) and ``done.truncated``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, cast

from aiprism_desktop.core.prompts import build_chat_prompt
from aiprism_desktop.core.reviewer import ChatEvent, ChatMessage, ChatRequest
from aiprism_desktop.providers.bedrock.calls import StreamStats, stream_chat
from aiprism_desktop.providers.bedrock.chain.chain import AttemptContext, ChainSuccess, ModelChain
from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile
from aiprism_desktop.providers.bedrock.request import build_chat_request, estimate_tokens

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

ClientGetter = Callable[[], Awaitable["BedrockRuntimeClient"]]

CHAT_PURPOSE = "chat"  # chat-only refusals (IAM on the stream action…) do not block reviews
TRUNCATION_NOTE = (
    "\n\n[The answer was cut off: {model} reached its output limit of {tokens} tokens. "
    "Ask a narrower question, or ask it to continue.]"
)


async def chat_over_chain(
    chain: ModelChain,
    get_client: ClientGetter,
    executor: Executor,
    request: ChatRequest,
    *,
    temperature: float | None = None,
) -> AsyncIterator[ChatEvent]:
    """Stream the answer to ``request``; raise a ``ProviderError`` when no model can answer."""
    prompt = build_chat_prompt(
        request.document,
        request.question,
        request.framework,
        section_id=request.section_id,
        selected_text=request.selected_text,
        history=request.history,
    )
    messages = tuple(ChatMessage(role, text) for role, text in prompt.messages)
    client = await get_client()
    queue: asyncio.Queue[ChatEvent | None] = asyncio.Queue()
    answer: list[str] = []  # text of the current attempt only

    def build(profile: ModelProfile, model_id: str, max_tokens: int) -> dict[str, object]:
        return build_chat_request(
            profile,
            model_id,
            system=prompt.system,
            messages=messages,
            max_tokens=max_tokens,
            temperature=temperature,
        )

    async def attempt(context: AttemptContext) -> StreamStats:
        if answer:  # an earlier attempt streamed text: tell the UI to throw it away
            answer.clear()
            queue.put_nowait(ChatEvent("restarted", model=context.profile.key))
        stats = StreamStats()
        chat_request = build(context.profile, context.model_id, context.max_tokens)
        # stream_chat is an async generator: close it even when we stop early (cancel).
        stream = cast(
            "AsyncGenerator[str, None]",
            stream_chat(client, chat_request, executor=executor, stats=stats),
        )
        watch = context.watch
        if watch is not None:
            watch.streaming()
        async with contextlib.aclosing(stream) as deltas:
            async for text in deltas:
                if watch is not None:
                    watch.progress()  # the deadline stops; silence between chunks is watched
                answer.append(text)
                queue.put_nowait(ChatEvent("delta", text=text, model=context.profile.key))
        if stats.stop_reason == "max_tokens":
            note = TRUNCATION_NOTE.format(
                model=context.profile.display_name, tokens=context.max_tokens
            )
            answer.append(note)
            queue.put_nowait(ChatEvent("delta", text=note, model=context.profile.key))
        return stats

    async def preflight(profile: ModelProfile, model_id: str) -> int:
        # Chat grounding is capped by build_chat_prompt; a local estimate is enough here.
        estimate = estimate_tokens(build(profile, model_id, profile.default_max_tokens))
        return math.ceil(estimate * profile.tokenizer_factor)

    def usage(stats: StreamStats) -> tuple[int | None, int | None]:
        return stats.input_tokens, stats.output_tokens

    task: asyncio.Task[ChainSuccess[StreamStats]] = asyncio.ensure_future(
        chain.run(
            attempt,
            preflight=preflight,
            usage=usage,
            purpose=CHAT_PURPOSE,
            observer=request.on_attempt,
        )
    )
    task.add_done_callback(lambda _: queue.put_nowait(None))
    try:
        while (event := await queue.get()) is not None:
            yield event
        result = task.result()  # raises the chain's ProviderError when every model failed
        yield ChatEvent(
            "done",
            text="".join(answer),
            model=result.profile.key,
            attempts=result.attempts,
            truncated=result.value.stop_reason == "max_tokens",
        )
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
