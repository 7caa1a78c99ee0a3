"""The review engine: analyze one section or all of them through any Reviewer.

The engine owns what every provider would otherwise repeat: bounded concurrency, the cache,
persistence of findings as each section finishes, turning validated drafts into anchored
findings, splitting sections that are too large, queueing requests while the provider is
unreachable, typed progress events and cancellation that keeps finished sections.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from aiprism_desktop.core import engine_events as ev
from aiprism_desktop.core.codec import attempts_from_json, attempts_to_json
from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.engine_calls import (
    Halt,
    SectionCalls,
    all_parts,
    finish_even_if_cancelled,
)
from aiprism_desktop.core.engine_events import Emitter, EventSink
from aiprism_desktop.core.engine_parts import (
    SectionOutcome,
    concurrency_levels,
    findings_from_drafts,
    halve,
    merge_results,
    reanchored,
)
from aiprism_desktop.core.engine_queue import QueueLabel, drain, enqueue, take_off_queue
from aiprism_desktop.core.errors import (
    AIPrismError,
    InternalError,
    ProviderUnavailableError,
    SectionTooLargeError,
    StoreError,
)
from aiprism_desktop.core.findings import Finding
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.ports import (
    CachedReview,
    CacheKey,
    FindingRepository,
    Outbox,
    ReviewCache,
    SectionReview,
)
from aiprism_desktop.core.prompts import Prompt, build_review_prompts
from aiprism_desktop.core.review_keys import document_context_hash, prompts_hash
from aiprism_desktop.core.reviewer import (
    Attempt,
    AttemptObserver,
    Reviewer,
    SectionReviewRequest,
    SectionReviewResult,
)

log = logging.getLogger(__name__)

__all__ = ["EventSink", "ReviewEngine", "SectionOutcome"]
# Builds the prompts of a section: one, or one per part when the section is too long.
PromptBuilder = Callable[[Document, Section, Framework], tuple[Prompt, ...]]

# How many times a section may be halved (by blocks) after the provider says it is too large.
MAX_SPLIT_DEPTH = 3


class ReviewEngine:
    """Analyzes sections through one Reviewer with caching, persistence and an outbox."""

    def __init__(
        self,
        reviewer: Reviewer,
        framework: Framework,
        *,
        cache: ReviewCache | None = None,
        findings: FindingRepository | None = None,
        outbox: Outbox | None = None,
        concurrency: int = 4,
        prompt_builder: PromptBuilder | None = None,
    ) -> None:
        self.reviewer = reviewer
        self.framework = framework
        self._cache = cache
        self._findings = findings
        self._outbox = outbox
        self._concurrency = max(1, min(concurrency, reviewer.info.max_concurrency))
        self._build_prompts = prompt_builder or self._provider_sized_prompts
        self._context: tuple[Document, str] | None = None
        self._context_lock = threading.Lock()

    def _provider_sized_prompts(
        self, document: Document, section: Section, framework: Framework
    ) -> tuple[Prompt, ...]:
        """Parts as large as the provider's models take (one part for almost every section)."""
        limit = self.reviewer.info.max_section_chars
        return build_review_prompts(document, section, framework, max_section_chars=limit)

    @property
    def concurrency(self) -> int:
        """The effective bound: the requested one capped by what the provider allows."""
        return self._concurrency

    def cache_key(
        self, document: Document, section: Section, prompts: Sequence[Prompt]
    ) -> CacheKey:
        """The cache key of a section review with this engine's framework and provider.

        It covers the exact prompts (which carry the outline), and the whole document's
        content when the provider's findings depend on other sections.
        """
        info = self.reviewer.info
        return CacheKey(
            section_hash=section.content_hash,
            framework=self.framework.fingerprint,
            prompt_version=prompts[0].version,
            provider=info.name,
            model_chain=info.models,
            prompt_hash=prompts_hash(prompts),
            context_hash=self._context_hash(document) if info.document_scoped else "",
        )

    def _prepare(self, document: Document, section: Section) -> tuple[tuple[Prompt, ...], CacheKey]:
        prompts = self._build_prompts(document, section, self.framework)
        return prompts, self.cache_key(document, section, prompts)

    def _context_hash(self, document: Document) -> str:
        """``document_context_hash``, once per document (sections are prepared in threads)."""
        with self._context_lock:
            if self._context is None or self._context[0] is not document:
                self._context = (document, document_context_hash(document))
            return self._context[1]

    async def analyze(
        self,
        document: Document,
        section_ids: Sequence[str] | None = None,
        *,
        on_event: EventSink | None = None,
        use_cache: bool = True,
    ) -> ev.RunFinished:
        """Review the given sections (all when None), at most ``concurrency`` model calls at a
        time; the parts of a long section run in parallel.

        Each section's findings are persisted as soon as it finishes, so cancelling the run
        (cancel the task awaiting this coroutine) keeps every finished section. On cancel a
        ``RunFinished("cancelled")`` event is emitted and CancelledError propagates.
        ``on_event`` may be a coroutine function: each event is delivered (and awaited) before
        the section's next one; one that raises is logged and the run goes on.
        """
        emit = Emitter(on_event)
        wanted = set(section_ids) if section_ids is not None else None
        sections = [s for s in document.sections if wanted is None or s.id in wanted]
        if wanted is not None:
            unknown = wanted - {s.id for s in sections}
            if unknown:
                raise AIPrismError(f"No section with id {', '.join(sorted(unknown))}.")
        total = len(sections)
        await emit(ev.RunStarted(total=total, provider=self.reviewer.info.name))
        tally = ev.RunTally(total)
        slots = asyncio.Semaphore(self._concurrency)  # counts model calls, not sections

        async def run_one(section: Section, calls: SectionCalls) -> None:
            try:
                event = await self.settle(document, section, use_cache=use_cache, calls=calls)
            finally:
                calls.in_line.set()  # never hold up the sections after this one
            progress = tally.count(event)
            await emit(event)
            await emit(progress)

        try:
            async with asyncio.TaskGroup() as group:
                after: asyncio.Event | None = None  # sections line up in document order
                halt = Halt()
                for section in sections:
                    calls = SectionCalls(slots, emit, section, after=after, halt=halt)
                    after = calls.in_line
                    group.create_task(run_one(section, calls))
        except asyncio.CancelledError:
            await emit.drain()
            levels = concurrency_levels(self.reviewer)
            await emit(tally.result(cancelled=True, concurrency=levels))
            raise
        await emit.drain()
        result = tally.result(concurrency=concurrency_levels(self.reviewer))
        await emit(result)
        return result

    async def review_section(
        self,
        document: Document,
        section: Section,
        *,
        use_cache: bool = True,
        on_attempt: AttemptObserver | None = None,
        calls: SectionCalls | None = None,
    ) -> SectionOutcome:
        """Review one section (cache first); raises the provider's error on failure.

        ``on_attempt`` hears of each model call as it starts and ends; ``calls`` are the run's
        call slots (none: no limit). Anchoring runs in a worker thread, off the event loop.
        """
        calls = calls or SectionCalls(asyncio.Semaphore(self._concurrency), Emitter(None), section)
        await calls.wait_turn()
        # Building a long section's prompts and hashing them takes milliseconds: off the loop.
        prompts, key = await asyncio.to_thread(self._prepare, document, section)
        if use_cache and self._cache is not None:
            cached = await self._cache.get(key)
            if cached is not None:
                await calls.started()
                findings = await asyncio.to_thread(reanchored, section, cached.findings)
                await self._save(document, section, findings, cached.model, cached.attempts_json)
                attempts = attempts_from_json(cached.attempts_json)
                return SectionOutcome(findings, cached.model, cached=True, attempts=attempts)

        result = await self._review_part(
            document, section, prompts, depth=0, observe=on_attempt, calls=calls
        )
        # The answer is in (and paid for): it is kept even if the run is cancelled now.
        return await finish_even_if_cancelled(self._keep(document, section, key, prompts, result))

    async def _keep(
        self,
        document: Document,
        section: Section,
        key: CacheKey,
        prompts: tuple[Prompt, ...],
        result: SectionReviewResult,
    ) -> SectionOutcome:
        """Anchor an answer's findings (off the loop), cache them and store them."""
        findings = await asyncio.to_thread(
            findings_from_drafts, section, result.drafts, self.framework.id, prompts[0].version
        )
        attempts_json = attempts_to_json(result.attempts)
        if self._cache is not None:
            await self._cache.put(key, CachedReview(findings, result.model, attempts_json))
        await self._save(document, section, findings, result.model, attempts_json)
        return SectionOutcome(findings, result.model, cached=False, attempts=result.attempts)

    async def _save(
        self,
        document: Document,
        section: Section,
        findings: tuple[Finding, ...],
        model: str,
        attempts_json: str,
    ) -> None:
        """Persist a section's findings with how they were obtained (framework, attempts)."""
        if self._findings is not None:
            review = SectionReview(self.framework.id, model=model, attempts_json=attempts_json)
            await self._findings.save_findings(document.sha256, section.id, findings, review=review)

    async def drain_outbox(
        self,
        load_document: Callable[[str], Awaitable[Document | None]],
        *,
        on_event: EventSink | None = None,
        include_unlabelled: bool = True,
    ) -> int:
        """Run this provider's queued requests for this engine's framework if the provider is
        reachable; return how many ran (see ``engine_queue.drain``)."""
        if self._outbox is None:
            return 0

        async def settle(
            document: Document, section: Section, calls: SectionCalls
        ) -> ev.EngineEvent:
            return await self.settle(document, section, use_cache=True, queue=False, calls=calls)

        return await drain(
            self.reviewer,
            self.framework.id,
            self._concurrency,
            settle,
            self._outbox,
            load_document,
            Emitter(on_event),
            include_unlabelled,
        )

    async def settle(
        self,
        document: Document,
        section: Section,
        *,
        use_cache: bool,
        calls: SectionCalls,
        queue: bool = True,
    ) -> ev.SectionEnd:
        """Review a section and turn the outcome, whatever it is, into one event (``queue``:
        an unreachable provider queues it in the outbox)."""
        if section.is_empty:
            await calls.started()
            # Looked at and found empty: it counts as reviewed (with no finding) in coverage.
            try:
                await self._save(document, section, (), "", "[]")
            except AIPrismError as error:
                if isinstance(error, StoreError):
                    calls.halt(error)
                return ev.SectionFailed(section_id=section.id, error=error)
            return ev.SectionSkipped(section_id=section.id, reason="The section has no text.")
        try:
            outcome = await self.review_section(
                document,
                section,
                use_cache=use_cache,
                on_attempt=calls.attempt_observer(),
                calls=calls,
            )
        except asyncio.CancelledError:
            raise
        except ProviderUnavailableError as error:
            calls.halt(error)
            if queue and self._outbox is not None:
                await enqueue(
                    self._outbox,
                    document,
                    section,
                    QueueLabel(self.reviewer.info.name, self.framework.id),
                    error,
                )
                return ev.SectionQueued(section_id=section.id, error=error)
            return ev.SectionFailed(section_id=section.id, error=error)
        except AIPrismError as error:
            if isinstance(error, StoreError):
                calls.halt(error)  # findings cannot be kept: make no more calls
            attempts: tuple[Attempt, ...] = getattr(error, "attempts", ())
            return ev.SectionFailed(section_id=section.id, error=error, attempts=attempts)
        except Exception as error:  # a bug must not take the other sections down with it
            log.exception("Reviewing section %s failed unexpectedly", section.id)
            internal = InternalError(detail=f"{type(error).__name__}: {error}")
            return ev.SectionFailed(section_id=section.id, error=internal)
        if self._outbox is not None:
            await take_off_queue(self._outbox, document, section, self.reviewer.info.name)
        return ev.SectionFinished(
            section_id=section.id,
            findings=outcome.findings,
            model=outcome.model,
            cached=outcome.cached,
            attempts=outcome.attempts,
        )

    async def _review_part(
        self,
        document: Document,
        part: Section,
        prompts: tuple[Prompt, ...],
        *,
        depth: int,
        observe: AttemptObserver | None,
        calls: SectionCalls,
    ) -> SectionReviewResult:
        """Review a section (or part of one), all its prompts at once under the call slots;
        halve it by blocks when the provider finds it too large.

        Long sections already arrive as several prompts (``build_review_prompts`` never
        truncates, and sizes parts from the provider's context window).
        """

        def call(prompt: Prompt) -> Callable[[], Coroutine[Any, Any, SectionReviewResult]]:
            async def run() -> SectionReviewResult:
                async with calls.slot():
                    request = SectionReviewRequest(document, part, self.framework, prompt, observe)
                    return await self.reviewer.review_section(request)

            return run

        try:
            results = await all_parts([call(prompt) for prompt in prompts])
        except SectionTooLargeError:
            halves = halve(part)
            if depth >= MAX_SPLIT_DEPTH or halves is None:
                raise
            results = await all_parts(
                [
                    functools.partial(
                        self._review_part,
                        document,
                        half,
                        self._build_prompts(document, half, self.framework),
                        depth=depth + 1,
                        observe=observe,
                        calls=calls,
                    )
                    for half in halves
                ]
            )
        return merge_results(results)
