"""Composition root shared by the CLI and the desktop app.

paths → logging → store → credentials → settings → frameworks → providers, built once and passed
down (no global singletons).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from aiprism_desktop.app.logging_setup import configure_logging
from aiprism_desktop.app.settings import AppSettings
from aiprism_desktop.aws.session import abuild_session
from aiprism_desktop.aws.settings import AwsSettings
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.engine import ReviewEngine
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.frameworks import Framework, load_framework_catalog
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.reviewer import Reviewer
from aiprism_desktop.providers.registry import create_reviewer
from aiprism_desktop.secrets.credentials import CredentialStore
from aiprism_desktop.store.paths import AppPaths
from aiprism_desktop.store.store import Store

log = logging.getLogger(__name__)


@dataclass
class AppServices:
    """Everything a front end needs, opened together and closed together."""

    paths: AppPaths
    store: Store
    credentials: CredentialStore
    settings: AppSettings
    frameworks: dict[str, Framework]
    framework_errors: tuple[ConfigError, ...] = ()
    _reviewers: list[Reviewer] = field(default_factory=list)

    @classmethod
    async def open(
        cls, data_dir: Path | None = None, *, log_level: int = logging.INFO, console: bool = False
    ) -> AppServices:
        """Open the store (migrating it), set up logging with secret redaction, load config."""
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
        catalog = load_framework_catalog(paths.config_dir)
        return cls(
            paths=paths,
            store=store,
            credentials=credentials,
            settings=settings,
            frameworks=catalog.frameworks,
            framework_errors=catalog.errors,
        )

    async def close(self) -> None:
        """Close providers and the store; safe to call twice."""
        reviewers, self._reviewers = self._reviewers, []
        for reviewer in reviewers:
            await reviewer.aclose()
        await self.store.close()

    def framework(self, framework_id: str | None = None) -> Framework:
        """A framework by id (the configured one by default)."""
        wanted = framework_id or str(self.settings["review.framework"])
        try:
            return self.frameworks[wanted]
        except KeyError:
            known = ", ".join(sorted(self.frameworks))
            raise ConfigError(f"Unknown framework '{wanted}'. Available: {known}.") from None

    def aws_settings(self, **overrides: Any) -> AwsSettings:
        """The AWS settings with command-line overrides applied."""
        return self.settings.aws(**overrides)

    async def aws_session(self, **overrides: Any) -> boto3.Session:
        """A boto3 session for the configured sign-in method (keyring read off the loop)."""
        return await abuild_session(self.aws_settings(**overrides), self.credentials)

    async def reviewer(
        self, name: str | None = None, *, region: str | None = None, concurrency: int | None = None
    ) -> Reviewer:
        """Create a provider; it is closed with the services."""
        provider = name or str(self.settings["review.provider"])
        aws = self.aws_settings(region=region)
        reviewer = await create_reviewer(
            provider,
            config_dir=self.paths.config_dir,
            health=self.store,
            aws=aws,
            session_factory=lambda: self.aws_session(region=region),
            concurrency=concurrency or int(self.settings["review.concurrency"]),
            allow_global_profiles=self.settings.allow_global_profiles,
        )
        self._reviewers.append(reviewer)
        return reviewer

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

    async def open_document(self, path: Path) -> Document:
        """Parse a document off the event loop and record it in the store."""
        document = await asyncio.to_thread(read_document, path)
        await self.store.save_document(document)
        return document
