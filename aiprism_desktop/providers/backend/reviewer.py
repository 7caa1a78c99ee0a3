"""The ``backend`` provider: sections reviewed by the team backend, chat streamed from it.

``review_section`` sends what the desktop's prompts are built from (the outline, the section's
blocks, the framework, the prompt version), so the backend builds the same prompts — in the
parts its models take, as the desktop's engine would — and returns the same findings; then it
long-polls the job.
Cancelling the review cancels the job. A backend that cannot be reached raises
``ProviderUnavailableError``: the engine queues the section and runs it again once ``health``
says the backend answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any, Final

from aiprism_desktop.core.codec import attempt_from_dict, finding_from_dict
from aiprism_desktop.core.document_wire import document_to_wire, section_to_wire
from aiprism_desktop.core.errors import (
    AIPrismError,
    ConfigError,
    InvalidResponseError,
    ProviderUnavailableError,
)
from aiprism_desktop.core.finding_schema import FindingDraft
from aiprism_desktop.core.reviewer import (
    Attempt,
    AttemptStarted,
    ChatEvent,
    ChatMessage,
    ChatRequest,
    Health,
    ModelRow,
    ModelState,
    ProviderInfo,
    SectionReviewRequest,
    SectionReviewResult,
)
from aiprism_desktop.providers.backend.client import BackendClient, event_data
from aiprism_desktop.providers.backend.errors import BackendError, from_job_error
from aiprism_desktop.providers.backend.settings import BackendSettings

PROVIDER_NAME: Final = "backend"
TERMINAL: Final = frozenset(("succeeded", "failed", "cancelled"))


def draft_of(finding: dict[str, Any]) -> FindingDraft:
    """A finding the backend produced, as the draft it was made from (the engine gives it its id
    and anchor again, exactly as the backend did)."""
    decoded = finding_from_dict(finding)
    return FindingDraft(
        origin=decoded.origin,
        type=decoded.type,
        risk=decoded.risk,
        category=decoded.category,
        description=decoded.description,
        suggestion=decoded.suggestion,
        example=decoded.example,
        questions=decoded.questions,
        framework_refs=decoded.framework_refs,
        quote=decoded.quote,
        replacement=decoded.replacement,
        confidence=decoded.confidence,
    )


class BackendReviewer:
    """Reviewer and ModelControl over a team backend."""

    def __init__(self, settings: BackendSettings, *, client: BackendClient | None = None) -> None:
        self.settings = settings
        self._client = client or BackendClient(settings)
        self._capabilities: dict[str, Any] | None = None
        self._closed = False

    @property
    def info(self) -> ProviderInfo:
        return ProviderInfo(
            name=PROVIDER_NAME,
            display_name="Team backend",
            needs_network=True,
            needs_credentials=True,
            max_concurrency=max(1, self.settings.concurrency),
            # The backend may run the offline rules, whose findings depend on other sections:
            # the desktop's cache must key on the whole document to stay correct either way.
            document_scoped=True,
            # Whole sections: the backend splits a long one into the parts its own models
            # take, exactly as the desktop's engine would with the same provider.
            max_section_chars=None,
        )

    @property
    def location(self) -> str:
        return self.settings.base_url

    async def _caps(self, *, fresh: bool = False) -> dict[str, Any]:
        if self._capabilities is None or fresh:
            self._capabilities = await self._client.capabilities()
        return self._capabilities

    # -- review ----------------------------------------------------------------------------
    async def review_section(self, request: SectionReviewRequest) -> SectionReviewResult:
        if self._closed:
            raise RuntimeError("the backend reviewer is closed")
        caps = await self._caps()
        scoped = bool(caps.get("provider", {}).get("document_scoped"))
        body = {
            "framework": request.framework.id,
            "prompt_version": request.prompt.version,
            "document": document_to_wire(request.document, blocks_of=None if scoped else ()),
            "section": section_to_wire(request.section),
        }
        if request.on_attempt is not None:
            request.on_attempt(AttemptStarted(PROVIDER_NAME, "Team backend"))
        started = time.monotonic()
        job = await self._client.submit(body)
        poll_s = min(
            self.settings.long_poll_s, float(caps.get("limits", {}).get("long_poll_max_s", 20))
        )
        try:
            job = await self._until_ended(job, poll_s)
        except asyncio.CancelledError:
            with contextlib.suppress(AIPrismError, TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._client.cancel(job["id"])), 2.0)
            raise
        return self._result(job, request, time.monotonic() - started)

    async def _until_ended(self, job: dict[str, Any], wait: float) -> dict[str, Any]:
        """Long-poll until the job ends; ride out a short outage (the job goes on meanwhile)."""
        outage_since: float | None = None
        give_up = time.monotonic() + self.settings.job_deadline_s
        while job["status"] not in TERMINAL:
            if time.monotonic() > give_up:
                raise BackendError(
                    "The team backend did not finish the analysis in time.",
                    backend_code="JOB_DEADLINE",
                )
            try:
                job = await self._client.job(job["id"], wait)
                outage_since = None
            except ProviderUnavailableError:
                now = time.monotonic()
                outage_since = outage_since or now
                if now - outage_since > self.settings.outage_budget_s:
                    raise
                await asyncio.sleep(1.0)
        return job

    def _result(
        self, job: dict[str, Any], request: SectionReviewRequest, elapsed_s: float
    ) -> SectionReviewResult:
        try:
            attempts = tuple(attempt_from_dict(a) for a in job.get("attempts", []))
            drafts = tuple(draft_of(f) for f in job.get("findings", []))
        except AIPrismError as error:
            raise InvalidResponseError(
                "The team backend returned findings this version cannot read.", detail=error.detail
            ) from None
        model = str(job.get("model") or "")
        if request.on_attempt is not None:
            for attempt in attempts:
                request.on_attempt(attempt)
        if job["status"] == "succeeded":
            if not model:
                model = PROVIDER_NAME
            return SectionReviewResult(drafts=drafts, model=model, attempts=attempts)
        if job["status"] == "cancelled":
            raise BackendError(
                "The analysis was cancelled on the team backend.", backend_code="CANCELLED"
            )
        job_error = job.get("error") or {}
        failure = from_job_error(job_error, attempts)
        if request.on_attempt is not None and not attempts:
            request.on_attempt(
                Attempt(
                    PROVIDER_NAME,
                    "abort",
                    elapsed_s * 1000,
                    str(job_error.get("code", "")),
                    failure.message,
                )
            )
        raise failure

    # -- chat ------------------------------------------------------------------------------
    async def chat(self, request: ChatRequest) -> AsyncIterator[ChatEvent]:
        body = {
            "framework": request.framework.id,
            "question": request.question,
            "document": document_to_wire(
                request.document, blocks_of=[request.section_id] if request.section_id else ()
            ),
            "section_id": request.section_id,
            "selected_text": request.selected_text,
            "history": [_turn(message) for message in request.history],
        }
        async with self._client.chat(body) as events:
            async for event in events:
                data = event_data(event)
                if event.event == "delta":
                    yield ChatEvent("delta", text=str(data.get("text", "")))
                elif event.event == "restarted":
                    yield ChatEvent("restarted", model=str(data.get("model", "")))
                elif event.event == "done":
                    attempts = tuple(attempt_from_dict(a) for a in data.get("attempts", []))
                    yield ChatEvent(
                        "done",
                        model=str(data.get("model", "")),
                        attempts=attempts,
                        truncated=bool(data.get("truncated", False)),
                    )
                    return
                elif event.event == "error":
                    raise from_job_error(
                        {
                            "code": data.get("code"),
                            "message": data.get("detail") or data.get("title"),
                        },
                        (),
                    )
        raise ProviderUnavailableError("The team backend's answer stopped before it ended.")

    # -- health and models -----------------------------------------------------------------
    async def health(self, *, probe: bool = False) -> Health:
        try:
            status, body = await self._client.health()
        except ProviderUnavailableError as error:
            return Health(False, error.detail or error.message)
        if status != 200:
            return Health(False, str(body.get("detail") or f"the backend answered {status}"))
        states: tuple[ModelState, ...] = ()
        if probe:
            states = tuple(row.state for row in await self.describe_models())
        return Health(True, f"{body.get('workers', 0)} worker(s) ready", states)

    async def describe_models(self) -> tuple[ModelRow, ...]:
        caps = await self._caps(fresh=True)
        return tuple(
            ModelRow(
                key=str(m["key"]),
                name=str(m.get("name", m["key"])),
                model_id=str(m.get("model_id", "")),
                state=ModelState(
                    str(m["key"]), m["state"], str(m.get("detail", "")), m.get("until")
                ),
                context_window=int(m.get("context_window", 0)),
                max_output_tokens=int(m.get("max_output_tokens", 0)),
                lifecycle=str(m.get("lifecycle", "")),
            )
            for m in caps.get("models", [])
        )

    async def enable_model(self, key: str) -> None:
        known = [row.key for row in await self.describe_models()]
        if key not in known:
            raise ConfigError(
                f"There is no model '{key}' in the team backend's chain. "
                f"Known keys: {', '.join(known)}."
            )
        raise ConfigError(
            f"The team backend's models are shared by the whole team: ask its administrator to "
            f"run `python -m backend_contract.server.admin models enable {key}`."
        )

    async def sync_events(self, review_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Send a review's findings and decision events (``app.backend_sync``)."""
        return await self._client.sync_events(review_id, body)

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._client.aclose()


def _turn(message: ChatMessage) -> dict[str, str]:
    return {"role": message.role, "text": message.text, "model": message.model}
