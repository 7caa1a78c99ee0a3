"""What the chain looks like right now: each model, the id it resolves to, and its state.

Used by ``BedrockReviewer.health`` / ``describe_models`` (the models view, ``aiprism models``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from aiprism_desktop.core.reviewer import ModelRow, ModelState
from aiprism_desktop.providers.bedrock.chain.chain import ModelChain
from aiprism_desktop.providers.bedrock.chain.cooldown import scoped_key
from aiprism_desktop.providers.bedrock.chain.profiles import (
    ModelNotInRegionError,
    ModelProfile,
    not_offered_reason,
)

REVIEW = "review"
CHAT = "chat"


def _iso(unix: float | None) -> str | None:
    if unix is None:
        return None
    return dt.datetime.fromtimestamp(unix, dt.UTC).isoformat(timespec="seconds")


def model_state(chain: ModelChain, profile: ModelProfile, purpose: str = REVIEW) -> ModelState:
    """Ready / cooling down until … / disabled because … for ``purpose`` requests.

    Call after ``tracker.load()``. A cooldown that concerns only the other purpose (e.g. the
    credentials may not stream, so chat is refused) is mentioned in the detail of a ready model.
    """
    blocked = chain.static_block(profile)
    if blocked:
        return ModelState(profile.key, "disabled", blocked)
    try:
        chain.model_id_for(profile)
    except ModelNotInRegionError:
        return ModelState(profile.key, "not_offered", not_offered_reason(profile, chain.region))
    availability = chain.tracker.peek(profile.key)
    if availability.state == "disabled":
        return ModelState(profile.key, "disabled", availability.reason)
    scoped = chain.tracker.peek(scoped_key(profile.key, purpose))
    if scoped.state == "cooling_down" and (scoped.until or 0) > (availability.until or 0):
        availability = replace(scoped, reason=f"{scoped.reason}, for {purpose}")
    if availability.state == "cooling_down":
        until = _iso(availability.until)
        return ModelState(profile.key, "cooling_down", availability.reason, until)
    notes = [availability.reason] if availability.reason else []
    for other in (REVIEW, CHAT):
        state = chain.tracker.peek(scoped_key(profile.key, other))
        if other != purpose and state.state == "cooling_down":
            notes.append(f"{other} cooling down until {_iso(state.until)} ({state.reason})")
    return ModelState(profile.key, "ready", "; ".join(notes))


async def describe_chain(chain: ModelChain) -> tuple[ModelRow, ...]:
    """Every model of the chain, in order, with its resolved id and current state."""
    await chain.tracker.load()
    rows = []
    for profile in chain.profiles:
        try:
            model_id = chain.model_id_for(profile)
        except ModelNotInRegionError:
            model_id = ""
        rows.append(
            ModelRow(
                key=profile.key,
                name=profile.display_name,
                model_id=model_id,
                state=model_state(chain, profile),
                context_window=profile.context_window,
                max_output_tokens=profile.max_output_tokens,
                json_mode=profile.json_mode,
                lifecycle=profile.lifecycle,
                eol_date=profile.eol_date,
            )
        )
    return tuple(rows)
