"""Settings → "Test connection": do these credentials reach Bedrock, and which models can they use?

One tiny Converse call per model of the chain (``maxTokens`` 1, a one-word prompt): the only
check that proves both the credentials and the per-model access the account was granted. The
control plane (``ListInferenceProfiles``, ``GetFoundationModel``) needs IAM permissions reviewers
often lack and says nothing about model access. CountTokens is free but refuses
inference-profile ids and is not authorised like an invocation. Models that are disabled or
past end of life are not called.

The first callable model is tried alone: refused credentials or an unreachable endpoint end
the test there with ``AuthError`` / ``ProviderUnavailableError``; the others are then probed
in parallel. Errors are classified by the fallback chain's own classifier, so this report and
the chain agree on what an error means.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import time
from collections.abc import Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import boto3
import botocore.config
from botocore import exceptions as bce

from aiprism_desktop.aws.session import IdentityDescription, describe_identity, make_client
from aiprism_desktop.aws.settings import AwsSettings
from aiprism_desktop.core.errors import (
    AuthError,
    ConfigError,
    ProviderError,
    ProviderUnavailableError,
)
from aiprism_desktop.providers.bedrock.chain.classifier import AbortKind, Action, Verdict, classify
from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile, resolve_model_id
from aiprism_desktop.secrets.credentials import CredentialStore

ModelStatus = Literal["usable", "unusable", "unknown", "skipped"]

PROBE_PROMPT = "ping"
PROBE_MAX_TOKENS = 1
PROBE_PARALLELISM = 4

# One attempt, short timeouts: the user is waiting on a button.
PROBE_CONFIG = botocore.config.Config(
    retries={"mode": "standard", "total_max_attempts": 1},
    connect_timeout=5,
    read_timeout=30,
)


@dataclass(frozen=True, slots=True)
class ModelCheck:
    """What the probe learned about one model of the chain."""

    key: str
    display_name: str
    model_id: str | None  # the id that was (or would be) called in this region
    status: ModelStatus
    reason: str  # "" when usable; otherwise why, in words
    latency_ms: float | None = None

    @property
    def usable(self) -> bool:
        return self.status == "usable"


@dataclass(frozen=True, slots=True)
class ConnectionReport:
    """The result of "Test connection"."""

    region: str
    identity: IdentityDescription | None
    models: tuple[ModelCheck, ...]

    @property
    def usable_models(self) -> tuple[str, ...]:
        """Keys of the chain models these credentials can call, in chain order."""
        return tuple(m.key for m in self.models if m.usable)

    def summary(self) -> str:
        usable = len(self.usable_models)
        total = len(self.models)
        return f"Connected to Amazon Bedrock in {self.region}: {usable} of {total} models usable."


def check_connection(
    session: boto3.Session,
    settings: AwsSettings,
    chain: Sequence[ModelProfile],
    *,
    credential_store: CredentialStore | None = None,
    today: dt.date | None = None,
) -> ConnectionReport:
    """Probe Bedrock with ``session``. Blocking: run it on an executor (``atest_connection``).

    Raises ``ConfigError`` (no region), ``AuthError`` (credentials missing or refused) or
    ``ProviderUnavailableError`` (Bedrock cannot be reached); otherwise returns the report.
    """
    region = session.region_name
    if not region:
        raise ConfigError("No AWS region is set. Choose one in Settings → AWS, or set AWS_REGION.")
    day = today or dt.datetime.now(dt.UTC).date()
    client = make_client(session, "bedrock-runtime", settings, PROBE_CONFIG)
    checks: list[ModelCheck | None] = []
    to_probe: list[tuple[int, ModelProfile, str]] = []
    for profile in chain:
        skipped = _skip_reason(profile, region, day)
        if isinstance(skipped, ModelCheck):
            checks.append(skipped)
        else:
            to_probe.append((len(checks), profile, skipped))
            checks.append(None)
    if to_probe:
        index, profile, model_id = to_probe[0]
        checks[index] = _probe(client, profile, model_id, region, first=True)
        rest = to_probe[1:]
        if rest:
            with ThreadPoolExecutor(max_workers=PROBE_PARALLELISM) as pool:
                futures = [
                    (i, pool.submit(_probe, client, p, mid, region, first=False))
                    for i, p, mid in rest
                ]
                for i, future in futures:
                    checks[i] = future.result()
    identity = describe_identity(settings, session, credential_store)
    return ConnectionReport(region, identity, tuple(c for c in checks if c is not None))


async def atest_connection(
    session: boto3.Session,
    settings: AwsSettings,
    chain: Sequence[ModelProfile],
    *,
    credential_store: CredentialStore | None = None,
    executor: Executor | None = None,
) -> ConnectionReport:
    """``check_connection`` on ``executor``. Cancelling stops waiting, not calls in flight."""
    loop = asyncio.get_running_loop()
    call = functools.partial(
        check_connection, session, settings, chain, credential_store=credential_store
    )
    return await loop.run_in_executor(executor, call)


def _skip_reason(profile: ModelProfile, region: str, today: dt.date) -> ModelCheck | str:
    """A ``skipped``/``unusable`` check for models not worth calling, else the id to call."""
    if not profile.enabled:
        return ModelCheck(
            profile.key, profile.display_name, None, "skipped", "disabled in the model list"
        )
    try:
        model_id = resolve_model_id(profile, region)
    except ProviderError as error:
        return ModelCheck(profile.key, profile.display_name, None, "unusable", error.message)
    if profile.is_past_end_of_life(today):
        return ModelCheck(profile.key, profile.display_name, model_id, "skipped", "end of life")
    return model_id


def _probe(
    client: Any, profile: ModelProfile, model_id: str, region: str, *, first: bool
) -> ModelCheck:
    started = time.monotonic()
    try:
        client.converse(
            modelId=model_id,
            messages=[{"role": "user", "content": [{"text": PROBE_PROMPT}]}],
            inferenceConfig={"maxTokens": PROBE_MAX_TOKENS},
        )
    except Exception as error:  # classified below; anything unexpected is reported, not raised
        latency = (time.monotonic() - started) * 1000
        verdict = classify(error)
        _raise_if_fatal(verdict, error, region, first=first)
        status, reason = _model_status(verdict)
        return ModelCheck(profile.key, profile.display_name, model_id, status, reason, latency)
    latency = (time.monotonic() - started) * 1000
    return ModelCheck(profile.key, profile.display_name, model_id, "usable", "", latency)


def _raise_if_fatal(verdict: Verdict, error: BaseException, region: str, *, first: bool) -> None:
    """Credentials refused (on any model) or Bedrock unreachable (on the first) end the test."""
    detail = f"{verdict.code}: {verdict.message}"
    if verdict.abort is AbortKind.AUTH:
        if isinstance(error, bce.NoCredentialsError):
            raise AuthError(
                "No AWS credentials were found. Save an access key, choose a profile, or sign "
                "in with `aws sso login`.",
                detail=detail,
            ) from None
        raise AuthError(
            f"The AWS credentials were refused: {verdict.message}", detail=detail
        ) from None
    if verdict.unreachable and first:
        raise ProviderUnavailableError(
            f"Cannot reach Amazon Bedrock in {region}: {verdict.message}", detail=detail
        ) from None


def _model_status(verdict: Verdict) -> tuple[ModelStatus, str]:
    if verdict.action is Action.RETRY_SAME and verdict.reason == "throttled":
        # Bedrock checks credentials and model access before throttling.
        return "usable", "busy right now (throttled), but these credentials can use it"
    if verdict.action in (Action.DISABLE_MODEL, Action.FALLBACK, Action.USE_PROFILE_ID):
        return "unusable", verdict.reason
    return "unknown", f"{verdict.reason}: {verdict.message}" if verdict.message else verdict.reason


# The Settings button's name. pytest must not collect it where tests import it.
test_connection = check_connection
check_connection.__test__ = False  # type: ignore[attr-defined]
