"""The offline reviewer: deterministic rules for investigation write-ups, no model, no network.

Rules are data (``resources/rules/*.yaml`` plus ``<config dir>/rules/*.yaml``) interpreted by a
small set of generic check kinds (``providers/offline/rules``). Every finding quotes the exact
text it is about and cites its rule (``rule:<id>``) and framework points. The chat is a keyword
search over the document and says so: nothing here pretends to be an AI.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from aiprism_desktop.core.document import Document
from aiprism_desktop.core.errors import ReviewCancelledError
from aiprism_desktop.core.reviewer import (
    Attempt,
    ChatEvent,
    ChatRequest,
    Health,
    ProviderInfo,
    SectionReviewRequest,
    SectionReviewResult,
)
from aiprism_desktop.providers.offline.kinds import BUILTIN_KINDS
from aiprism_desktop.providers.offline.rules.context import (
    Budget,
    CheckKind,
    DocumentMemo,
    ReviewCancelled,
    SectionContext,
)
from aiprism_desktop.providers.offline.rules.merge import finish_section
from aiprism_desktop.providers.offline.rules.ruleset import (
    USER_RULES_SUBDIR,
    RuleSet,
    load_ruleset,
)
from aiprism_desktop.providers.offline.rules.runner import PlacedDraft, in_reading_order, run_rule
from aiprism_desktop.providers.offline.rules.search import search

PROVIDER_NAME: Final = "offline"
CHAT_MODEL: Final = "offline-keyword-search"
OFFLINE_CHAT_NOTE: Final = (
    "Offline keyword search: no AI model is used, so this is not an answer to your question. "
    "These are the passages of the document whose words best match it."
)
NO_MATCH_NOTE: Final = (
    "No passage of the document contains the words of your question. Try other words, or "
    "switch to an AI provider (Bedrock or a team backend) to ask questions."
)
_MEMO_DOCUMENTS: Final = 4  # per-document analyses kept (sections of one document share them)
# Time one rule may spend on one section before the rest of the section is skipped (and the
# skip reported). Linear checks need a few milliseconds for a 30,000-character section; the
# budget is there for input nobody foresaw.
RULE_BUDGET_SECONDS: Final = 2.0


def builtin_rules_dir() -> Path:
    """``resources/rules`` of this installation."""
    from aiprism_desktop.core.resources import resources_dir

    return resources_dir() / "rules"


class OfflineReviewer:
    """A Reviewer that applies rule packs to a section. Cheap to create; nothing to release.

    ``config_dir`` is the user config directory; rule packs in its ``rules/`` folder add to or
    override the built-in ones. ``extra_kinds`` registers more check kinds (plugins, tests).
    Raises ``ConfigError`` when a rule file is malformed. Loading compiles the rule packs (once
    per process): on an event loop, create the reviewer in a worker thread (as
    ``providers.registry`` does). Reviews run in a worker thread, so the loop stays responsive.
    """

    def __init__(
        self,
        *,
        config_dir: Path | None = None,
        rules_dir: Path | None = None,
        extra_kinds: Mapping[str, CheckKind[Any]] | None = None,
    ) -> None:
        user_dir = config_dir / USER_RULES_SUBDIR if config_dir is not None else None
        self._kinds: dict[str, CheckKind[Any]] = {**BUILTIN_KINDS, **(extra_kinds or {})}
        self._ruleset = load_ruleset(rules_dir or builtin_rules_dir(), user_dir, self._kinds)
        self._model = f"offline-rules/{self._ruleset.version}+{self._ruleset.fingerprint[:12]}"
        self._memos: OrderedDict[tuple[int, str], tuple[Document, DocumentMemo]] = OrderedDict()
        self._memos_lock = threading.Lock()
        self._info = ProviderInfo(
            name=PROVIDER_NAME,
            display_name="Offline rules (no AI)",
            needs_network=False,
            needs_credentials=False,
            max_concurrency=4,
            models=(self._model,),
            document_scoped=True,  # cross-section checks: missing sections, contradictions
            max_section_chars=None,  # the rules read whole sections, however long
        )

    @property
    def info(self) -> ProviderInfo:
        """Static facts; ``models`` holds the rule-set version so the cache notices edits."""
        return self._info

    @property
    def ruleset(self) -> RuleSet:
        """The loaded rules (built-in merged with the user's)."""
        return self._ruleset

    def _memo(self, document: Document) -> DocumentMemo:
        # Keyed by identity and hash; the entry keeps the document alive so its id stays unique.
        key = (id(document), document.sha256)
        with self._memos_lock:
            if key in self._memos:
                self._memos.move_to_end(key)
                return self._memos[key][1]
            memo = DocumentMemo()
            self._memos[key] = (document, memo)
            while len(self._memos) > _MEMO_DOCUMENTS:
                self._memos.popitem(last=False)
            return memo

    async def review_section(self, request: SectionReviewRequest) -> SectionReviewResult:
        """Apply every enabled rule that applies to the section, in reading order.

        The rules run in a worker thread; cancelling the task stops them at the next block.
        """
        cancel = threading.Event()
        try:
            return await asyncio.to_thread(self._review, request, cancel)
        except asyncio.CancelledError:
            cancel.set()
            raise

    def _review(
        self, request: SectionReviewRequest, cancel: threading.Event
    ) -> SectionReviewResult:
        began = time.perf_counter()
        document, index = _place(request)
        budget = Budget(RULE_BUDGET_SECONDS, cancel)
        ctx = SectionContext(document, index, self._memo(document), budget)
        placed: list[PlacedDraft] = []
        skipped: list[str] = []
        for order, rule in enumerate(self._ruleset.enabled):
            if not rule.runs_under(request.framework.id) or not rule.applies_to(ctx.section.title):
                continue
            budget.start()
            try:
                outcome = run_rule(
                    rule,
                    order,
                    self._kinds[rule.kind].run(rule.params, ctx),
                    ctx,
                    request.framework,
                )
            except ReviewCancelled:
                raise ReviewCancelledError("The offline review was cancelled.") from None
            placed.extend(outcome.placed)
            if outcome.out_of_time:
                skipped.append(rule.id)
        latency = (time.perf_counter() - began) * 1000
        message = ""
        if skipped:
            message = (
                f"Part of this section was not checked by {', '.join(skipped)}: the rule ran out "
                f"of its {RULE_BUDGET_SECONDS:g} s time budget (the section is unusually long)."
            )
        return SectionReviewResult(
            drafts=in_reading_order(finish_section(placed)),
            model=self._model,
            attempts=(
                Attempt(model=self._model, outcome="ok", latency_ms=latency, message=message),
            ),
        )

    async def chat(self, request: ChatRequest) -> AsyncIterator[ChatEvent]:
        """Stream the passages that best match the question, after an honest note."""
        question = " ".join(part for part in (request.question, request.selected_text) if part)
        passages = search(request.document, question, section_id=request.section_id)
        yield ChatEvent(kind="delta", text=OFFLINE_CHAT_NOTE + "\n\n", model=CHAT_MODEL)
        if not passages:
            yield ChatEvent(kind="delta", text=NO_MATCH_NOTE, model=CHAT_MODEL)
        for number, passage in enumerate(passages, start=1):
            await asyncio.sleep(0)
            text = f"{number}. {passage.section_title}:\n“{passage.text}”\n\n"
            yield ChatEvent(kind="delta", text=text, model=CHAT_MODEL)
        yield ChatEvent(kind="done", model=CHAT_MODEL)

    async def health(self) -> Health:
        """Always reachable: the rules run in process."""
        count = len(self._ruleset.enabled)
        return Health(reachable=True, detail=f"Offline rule reviewer, {count} rules enabled.")

    async def aclose(self) -> None:
        """Nothing to release beyond cached analyses; safe to call any number of times."""
        self._memos.clear()


def _place(request: SectionReviewRequest) -> tuple[Document, int]:
    """The document to analyse and the section's index in it.

    The engine may send a section that is not exactly the document's (a part of a long section,
    a section of another document): it then takes the place of the section with its id, so the
    document-wide checks keep their context, or is reviewed alone when no section has its id.
    """
    document, section = request.document, request.section
    for index, candidate in enumerate(document.sections):
        if candidate.id == section.id:
            if candidate is section or candidate == section:
                return document, index
            sections = (*document.sections[:index], section, *document.sections[index + 1 :])
            return replace(document, sections=sections), index
    return replace(document, sections=(section,)), 0
