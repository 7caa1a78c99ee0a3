"""The adaptive per-model limit: additive increase, multiplicative decrease once per window."""

from __future__ import annotations

import asyncio

import pytest

from aiprism_desktop.providers.bedrock.chain.limiter import AdaptiveLimit, ModelLimits


async def test_a_throttled_window_halves_the_limit_once() -> None:
    limit = AdaptiveLimit(ceiling=8)
    slots = [await limit.acquire() for _ in range(8)]
    for slot in slots[:5]:  # five calls of the same window come back throttled
        slot.throttled()
        limit.release()
    assert limit.allowed == 4
    fresh = await asyncio.wait_for(limit.acquire(), 1)  # 3 + 1 in flight: room for one
    fresh.throttled()  # a call made after the decrease: a new signal
    limit.release()
    assert limit.allowed == 2
    assert limit.lowest == 2


async def test_successes_grow_the_limit_by_one_per_window_up_to_the_ceiling() -> None:
    limit = AdaptiveLimit(ceiling=6)
    limit.value = 2.0
    limit.on_success()
    limit.on_success()
    assert limit.allowed == 2  # +1/2 and +1/2.5: not yet a whole call more
    limit.on_success()  # about a window's worth of successes at this level
    assert limit.allowed == 3
    for _ in range(100):
        limit.on_success()
    assert limit.allowed == 6


async def test_waiters_get_in_when_calls_end_and_a_cancelled_waiter_passes_its_turn_on() -> None:
    limit = AdaptiveLimit(ceiling=1)
    held = await limit.acquire()
    first = asyncio.ensure_future(limit.acquire())
    second = asyncio.ensure_future(limit.acquire())
    await asyncio.sleep(0)
    assert not first.done()
    first.cancel()
    limit.release()  # the slot goes to the first waiter, which is cancelled: second gets it
    slot = await asyncio.wait_for(second, 1)
    assert limit.in_flight == 1
    assert slot.generation == held.generation
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_each_model_has_its_own_limit() -> None:
    limits = ModelLimits(ceiling=4)
    async with limits.slot("sonnet-4-5") as slot:
        slot.throttled()
    async with limits.slot("opus-4-5") as slot:
        slot.succeeded()
    assert limits.levels() == {"sonnet-4-5": 2, "opus-4-5": 4}
