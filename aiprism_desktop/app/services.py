"""Composition root shared by the window, the CLI and tests.

paths → logging → store → credentials → settings → frameworks (read on first use) → providers,
built once and passed down (no global singletons). Settings changed through ``set_setting``
reach the running services at once: the next analysis or chat gets a reviewer built from them,
and the previous reviewer is closed as soon as nothing holds it.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiprism_desktop.app.event_hub import EventHub
from aiprism_desktop.app.events import QueueChanged, SettingsChanged
from aiprism_desktop.app.health import NotifyingHealth
from aiprism_desktop.app.logging_setup import configure_logging
from aiprism_desktop.app.provider_pool import ProviderPool, ProviderSpec, ReviewerFactory
from aiprism_desktop.app.settings import AppSettings, check_value, declared
from aiprism_desktop.aws.settings import AwsSettings
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.frameworks import Framework, FrameworkCatalog, load_framework_catalog
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.reviewer import Reviewer
from aiprism_desktop.providers.registry import create_reviewer
from aiprism_desktop.secrets.credentials import CredentialStore
from aiprism_desktop.store.paths import AppPaths
from aiprism_desktop.store.store import Store

if TYPE_CHECKING:
    import boto3

    from aiprism_desktop.app.export_worker import ExportWorker
    from aiprism_desktop.providers.backend.settings import BackendSettings

log = logging.getLogger(__name__)


@dataclass
class AppServices:
    """Everything a front end needs, opened together and closed together."""

    paths: AppPaths
    store: Store
    credentials: CredentialStore
    settings: AppSettings
    events: EventHub = field(default_factory=EventHub)
    # Builds a reviewer from a spec; by default the registry (tests and tools may wrap it).
    reviewer_factory: ReviewerFactory | None = None
    # Runs exports in a child process (the window); None: in a thread (the CLI, tests).
    export_worker: ExportWorker | None = None
    _session_overrides: dict[str, Any] = field(default_factory=dict)
    _credentials_generation: int = 0
    _pool: ProviderPool = field(init=False)

    _catalog: FrameworkCatalog | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._pool = ProviderPool(self.reviewer_factory or self.build_reviewer)
        self.health = NotifyingHealth(self.store, self.events.publish)

    @classmethod
    async def open(
        cls,
        data_dir: Path | None = None,
        *,
        log_level: int = logging.INFO,
        console: bool = False,
        reviewer_factory: ReviewerFactory | None = None,
        export_worker: ExportWorker | None = None,
    ) -> AppServices:
        """Open the store (migrating it), set up logging with redaction, load configuration."""
        paths = AppPaths.resolve(data_dir).ensure()
        credentials = CredentialStore()
        configure_logging(
            paths.log_dir,
            level=log_level,
            secrets_provider=credentials.known_secrets,
            console=console,
        )
        store = await Store.open(paths)
        settings = await AppSettings.load(store)
        return cls(
            paths=paths,
            store=store,
            credentials=credentials,
            settings=settings,
            reviewer_factory=reviewer_factory,
            export_worker=export_worker,
        )

    async def close(self) -> None:
        """Close the reviewers and the store; safe to call twice."""
        await self._pool.close()
        await self.store.close()
        if self.export_worker is not None:
            await self.export_worker.aclose()

    # -- settings ---------------------------------------------------------------------------
    async def set_setting(self, key: str, value: Any, *, session_only: bool = False) -> None:
        """Change a setting (checked first) and apply it to the running services.

        ``session_only`` keeps it for this process and never stores it (e.g. the sign-in method
        of credentials that could only be kept in memory).
        """
        setting = declared(key)
        value = check_value(setting.key, value)
        candidate = self.settings.with_values({setting.key: value})
        if setting.key.startswith("aws."):
            candidate.aws()  # an invalid region or bucket is refused before anything is stored
        if session_only:
            self._session_overrides[setting.key] = value
        else:
            self._session_overrides.pop(setting.key, None)
            await self.store.set_setting(setting.key, value)
        await self._refresh_settings((setting.key,))

    async def unset_setting(self, key: str) -> None:
        """Back to the default."""
        setting = declared(key)
        self._session_overrides.pop(setting.key, None)
        await self.store.delete_setting(setting.key)
        await self._refresh_settings((setting.key,))

    async def _refresh_settings(self, keys: tuple[str, ...]) -> None:
        stored = await AppSettings.load(self.store)
        self.settings = stored.with_values(self._session_overrides)
        self.events.publish(SettingsChanged(keys))

    def credentials_changed(self) -> None:
        """Secrets were saved or deleted: reviewers built from the old ones are replaced."""
        self._credentials_generation += 1

    # -- frameworks -------------------------------------------------------------------------
    @property
    def frameworks(self) -> dict[str, Framework]:
        """The installed frameworks by id (built-in and the user's), read on first use."""
        return self._framework_catalog().frameworks

    @property
    def framework_errors(self) -> tuple[ConfigError, ...]:
        """Framework files that could not be read (each names its problem)."""
        return self._framework_catalog().errors

    def _framework_catalog(self) -> FrameworkCatalog:
        if self._catalog is None:
            self._catalog = load_framework_catalog(self.paths.config_dir)
        return self._catalog

    async def load_frameworks(self) -> None:
        """Read the frameworks off the event loop (a window does this before it needs them)."""
        if self._catalog is None:
            self._catalog = await asyncio.to_thread(load_framework_catalog, self.paths.config_dir)

    def framework(self, framework_id: str | None = None) -> Framework:
        """A framework by id (the configured one by default)."""
        wanted = framework_id or str(self.settings["review.framework"])
        try:
            return self.frameworks[wanted]
        except KeyError:
            known = ", ".join(sorted(self.frameworks))
            raise ConfigError(f"Unknown framework '{wanted}'. Available: {known}.") from None

    # -- AWS --------------------------------------------------------------------------------
    def aws_settings(self, **overrides: Any) -> AwsSettings:
        """The AWS settings with command-line overrides applied."""
        return self.settings.aws(**overrides)

    async def aws_session(self, **overrides: Any) -> boto3.Session:
        """A boto3 session for the configured sign-in method (keyring read off the loop)."""
        # boto3 takes ~100 ms to import: not on the event loop.
        await asyncio.to_thread(importlib.import_module, "aiprism_desktop.aws.session")
        from aiprism_desktop.aws.session import abuild_session

        return await abuild_session(self.aws_settings(**overrides), self.credentials)

    # -- providers --------------------------------------------------------------------------
    def provider_spec(
        self, name: str | None = None, *, region: str | None = None, concurrency: int | None = None
    ) -> ProviderSpec:
        """What a reviewer is built from: the provider, the overrides, the settings, the
        credentials generation (any change gives a new reviewer)."""
        return ProviderSpec(
            name or str(self.settings["review.provider"]),
            region,
            concurrency or int(self.settings["review.concurrency"]),
            (tuple(sorted(self.settings.values.items())), self._credentials_generation),
        )

    async def reviewer(
        self, name: str | None = None, *, region: str | None = None, concurrency: int | None = None
    ) -> Reviewer:
        """The current reviewer for a provider (the configured one by default)."""
        return await self._pool.get(
            self.provider_spec(name, region=region, concurrency=concurrency)
        )

    @asynccontextmanager
    async def use_reviewer(
        self, name: str | None = None, *, region: str | None = None, concurrency: int | None = None
    ) -> AsyncIterator[Reviewer]:
        """A reviewer held for one run: never closed under it, even if settings change."""
        spec = self.provider_spec(name, region=region, concurrency=concurrency)
        async with self._pool.lease(spec) as reviewer:
            yield reviewer

    async def build_reviewer(self, spec: ProviderSpec) -> Reviewer:
        """A new reviewer from the registry (the pool's default factory)."""
        return await create_reviewer(
            spec.name,
            config_dir=self.paths.config_dir,
            health=self.health,
            aws=self.aws_settings(region=spec.region),
            session_factory=lambda: self.aws_session(region=spec.region),
            concurrency=spec.concurrency,
            allow_global_profiles=self.settings.allow_global_profiles,
            backend=lambda: self.backend_settings(spec.concurrency),
        )

    async def backend_settings(self, concurrency: int) -> BackendSettings:
        """The team backend's URL (settings) and token (``AIPRISM_BACKEND_TOKEN`` for scripts
        and CI, else the keyring); ``ConfigError`` when either is missing."""
        from aiprism_desktop.providers.backend.settings import TOKEN_ENV, BackendSettings

        token = os.environ.get(TOKEN_ENV, "").strip()
        if not token:
            token = await self.credentials.aload_backend_token() or ""
        return BackendSettings(
            url=str(self.settings["backend.url"]), token=token, concurrency=concurrency
        )

    def engine(
        self, reviewer: Reviewer, framework: Framework, *, concurrency: int | None = None
    ) -> ReviewEngine:
        """An engine wired to the store's cache, findings and outbox."""
        return ReviewEngine(
            reviewer,
            framework,
            cache=self.store,
            findings=self.store,
            outbox=self.store,
            concurrency=concurrency or int(self.settings["review.concurrency"]),
        )

    # -- documents --------------------------------------------------------------------------
    async def open_document(self, path: Path) -> Document:
        """Parse a document off the event loop and record it in the store."""
        document = await asyncio.to_thread(read_document, path)
        await self.store.save_document(document)
        return document

    async def publish_queue(self) -> int:
        """Tell listeners how many requests wait for a provider; return the number."""
        pending = len(await self.store.pending())
        self.events.publish(QueueChanged(pending))
        return pending
