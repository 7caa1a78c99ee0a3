"""The small Reviewer protocol every provider implements, and its request/response types.

The engine owns caching, persistence, concurrency, progress and cancellation; a provider only
turns one request into one result (or one streamed chat answer) and raises ``ProviderError``
subclasses from ``core.errors`` when it cannot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from aiprism_desktop.core.document import Document, Section
from aiprism_desktop.core.finding_schema import FindingDraft
from aiprism_desktop.core.frameworks import Framework
from aiprism_desktop.core.prompts import DEFAULT_MAX_SECTION_CHARS, Prompt


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    """What the engine and UI need to know about a provider."""

    name: str  # "offline" | "bedrock" | "backend" | test names
    display_name: str
    needs_network: bool
    needs_credentials: bool
    max_concurrency: int
    models: tuple[str, ...] = ()  # the model chain, in order, when there is one
    # True when a section's findings depend on the rest of the document beyond its prompt
    # (e.g. the offline rules compare dates and acronyms across sections): the review cache
    # then keys on the whole document's content as well.
    document_scoped: bool = False
    # The longest section text one request may carry (from the smallest context window of the
    # provider's models, after the prompt and the answer's budget); longer sections are sent in
    # parts, all at once. None: any length (the offline rules read whole sections).
    max_section_chars: int | None = DEFAULT_MAX_SECTION_CHARS


@dataclass(frozen=True, slots=True)
class Attempt:
    """One call to one model (or backend), as shown in the attempt log."""

    model: str
    outcome: str  # "ok" or an outcome class: "retry", "fallback", "disabled", "shrink", "abort"
    latency_ms: float
    error_code: str = ""
    message: str = ""
    input_tokens: int | None = None
    output_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class AttemptStarted:
    """A call to one model is about to be made (shown live: "trying Haiku 4.5")."""

    model: str  # the model's key in the chain (or the provider's own name)
    display_name: str = ""


# Providers report each attempt as it starts and as it ends, so a front end can show
# "Sonnet 4.5 throttled, trying Haiku 4.5" while the section is still being reviewed.
AttemptObserver = Callable[[AttemptStarted | Attempt], None]


@dataclass(frozen=True, slots=True)
class SectionReviewRequest:
    """Review one section of a document against a framework."""

    document: Document
    section: Section
    framework: Framework
    prompt: Prompt
    on_attempt: AttemptObserver | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SectionReviewResult:
    """Validated findings for one section and how they were obtained."""

    drafts: tuple[FindingDraft, ...]
    model: str  # the model (or rule engine version) that produced the answer
    attempts: tuple[Attempt, ...] = ()
    input_tokens: int | None = None
    output_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One turn of the chat history."""

    role: Literal["user", "assistant"]
    text: str
    model: str = ""


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """A question about the document, grounded in the outline, section and selection."""

    document: Document
    question: str
    framework: Framework
    section_id: str | None = None
    selected_text: str = ""
    history: tuple[ChatMessage, ...] = ()
    on_attempt: AttemptObserver | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ChatEvent:
    """A piece of a streamed chat answer.

    ``restarted`` tells the UI to discard the text received so far: the stream failed midway
    and the answer starts again from scratch on ``model``. ``truncated`` (on ``done``): the
    answer stopped at the model's output limit; the provider has already streamed a visible
    note saying so as the last delta (it is part of ``text``), so a UI may style the answer
    as cut off but need not add its own note.
    """

    kind: Literal["delta", "restarted", "done"]
    text: str = ""
    model: str = ""
    attempts: tuple[Attempt, ...] = ()
    truncated: bool = False


ModelStateName = Literal["ready", "cooling_down", "disabled", "not_offered"]


@dataclass(frozen=True, slots=True)
class ModelState:
    """Availability of one model of a chain (``not_offered``: not in this region)."""

    model: str
    state: ModelStateName
    detail: str = ""
    until: str | None = None  # ISO time a cooldown ends


@dataclass(frozen=True, slots=True)
class ModelRow:
    """One model of a provider's chain, as the models view and ``aiprism models`` show it."""

    key: str
    name: str
    model_id: str  # the id it is called by here ("" when not offered)
    state: ModelState
    context_window: int = 0
    max_output_tokens: int = 0
    json_mode: str = ""
    lifecycle: str = ""
    eol_date: str | None = None


@dataclass(frozen=True, slots=True)
class Health:
    """Result of a health check."""

    reachable: bool
    detail: str = ""
    models: tuple[ModelState, ...] = field(default_factory=tuple)


@runtime_checkable
class Reviewer(Protocol):
    """A source of findings and chat answers."""

    @property
    def info(self) -> ProviderInfo:
        """Static facts about this provider."""
        ...

    async def review_section(self, request: SectionReviewRequest) -> SectionReviewResult:
        """Review one section; raise a ``ProviderError`` subclass on failure, never invent."""
        ...

    def chat(self, request: ChatRequest) -> AsyncIterator[ChatEvent]:
        """Stream an answer to a question about the document."""
        ...

    async def health(self) -> Health:
        """Whether the provider can be used now (drives the online state and outbox drain)."""
        ...

    async def aclose(self) -> None:
        """Release resources; calling it twice is harmless."""
        ...


@runtime_checkable
class ModelControl(Protocol):
    """A provider with a model chain the reviewer can inspect and repair (Bedrock, backend)."""

    @property
    def location(self) -> str:
        """Where the chain runs: an AWS region, or a team backend's URL."""
        ...

    async def describe_models(self) -> tuple[ModelRow, ...]:
        """Every model of the chain, in order, with its current state."""
        ...

    async def enable_model(self, key: str) -> None:
        """Put a disabled or cooling-down model back; ``ConfigError`` for an unknown key."""
        ...

    async def health(self, *, probe: bool = False) -> Health:
        """Model states; with ``probe``, one cheap call that proves the provider answers."""
        ...


@runtime_checkable
class AdaptiveConcurrency(Protocol):
    """A provider that adapts how many calls it makes at once (to each model)."""

    def concurrency_levels(self) -> dict[str, int]:
        """Calls each model is allowed at once now, for the models used so far."""
        ...
