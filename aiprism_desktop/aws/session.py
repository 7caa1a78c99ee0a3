"""Turn the AWS settings and the credential store into a ``boto3.Session``.

One session serves the Bedrock provider, "Test connection" and the S3 export, so all three use
the same credentials. Nothing here writes ``~/.aws`` or sets process-wide environment variables:

- keys: passed to ``boto3.Session`` directly;
- profile: ``boto3.Session(profile_name=…)``; SSO, ``credential_process`` and role chains then
  work through boto3's own providers;
- Bedrock API key: botocore only reads ``AWS_BEARER_TOKEN_BEDROCK`` from the environment, but
  its token lookup is a session component. We register a provider that hands the key to
  clients whose signing name is ``bedrock`` (runtime and control plane) and set this session's
  ``auth_scheme_preference`` to ``httpBearerAuth``, the same switch ``AWS_AUTH_SCHEME_PREFERENCE``
  flips. Other services (S3) keep SigV4 with whatever the default chain finds. botocore sends
  a bearer token over HTTPS only, so an endpoint override for this method must be https;
- nothing configured: a plain ``boto3.Session()``, i.e. the default chain exactly as the AWS CLI
  resolves it (environment, ``AWS_PROFILE``, container or instance role).

Region: the configured one, else ``AWS_REGION``, else boto3's resolution (see ``region_override``).

Building a session and resolving credentials block (keyring, config files, SSO refresh,
instance metadata): call them on an executor, e.g. through ``abuild_session``.
"""

from __future__ import annotations

import asyncio
import functools
import os
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.config
import botocore.exceptions
import botocore.session
import botocore.tokens

from aiprism_desktop.aws.settings import AuthMethod, AwsSettings
from aiprism_desktop.core.errors import AuthError, ConfigError
from aiprism_desktop.secrets.credentials import CredentialStore

BEDROCK_SIGNING_NAME = "bedrock"
BEARER_AUTH_SCHEME = "httpBearerAuth"

# botocore's credential "method" names → words a reviewer understands.
_CREDENTIAL_SOURCES = {
    "explicit": "access key saved in AI-Prism",
    "env": "environment variables",
    "shared-credentials-file": "the AWS credentials file",
    "config-file": "the AWS config file",
    "sso": "AWS IAM Identity Center (SSO)",
    "login": "AWS console sign-in (aws login)",
    "assume-role": "an assumed role",
    "assume-role-with-web-identity": "a web-identity role",
    "custom-process": "a credential_process command",
    "container-role": "the container's task role",
    "iam-role": "the instance's IAM role",
}


class BedrockApiKeyTokenProvider:
    """A botocore token provider that serves one Bedrock API key, to Bedrock clients only."""

    METHOD = "aiprism-keyring"

    def __init__(self, api_key: str) -> None:
        self._token = botocore.tokens.FrozenAuthToken(api_key)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<redacted>)"

    def load_token(self, **kwargs: Any) -> botocore.tokens.FrozenAuthToken | None:
        if kwargs.get("signing_name") == BEDROCK_SIGNING_NAME:
            return self._token
        return None


def build_session(settings: AwsSettings, credential_store: CredentialStore) -> boto3.Session:
    """The session for ``settings``; raises ``AuthError`` / ``ConfigError`` when it cannot."""
    region = region_override(settings)
    method = settings.auth_method
    if method is AuthMethod.KEYS:
        keys = credential_store.load_aws_keys()
        if keys is None:
            raise AuthError(
                "No AWS access key is saved. Enter one in Settings → Credentials, "
                "or choose another sign-in method."
            )
        return boto3.Session(
            aws_access_key_id=keys.access_key_id,
            aws_secret_access_key=keys.secret_access_key,
            aws_session_token=keys.session_token,
            region_name=region,
        )
    if method is AuthMethod.PROFILE:
        try:
            return boto3.Session(profile_name=settings.profile_name, region_name=region)
        except botocore.exceptions.ProfileNotFound:
            raise ConfigError(
                f"The AWS profile '{settings.profile_name}' was not found in the AWS config or "
                "credentials file. Check the name, or run `aws configure sso`."
            ) from None
    if method is AuthMethod.API_KEY:
        api_key = credential_store.load_bedrock_api_key()
        if not api_key:
            raise AuthError(
                "No Bedrock API key is saved. Enter one in Settings → Credentials, "
                "or choose another sign-in method."
            )
        return _bearer_session(api_key, region)
    return boto3.Session(region_name=region)


def region_override(settings: AwsSettings) -> str | None:
    """The region to pass to boto3, or None to let it resolve one.

    The configured region wins; then ``AWS_REGION``, which the AWS CLI v2 and the other SDKs
    honour (and ECS/Lambda set) but boto3 ignores; otherwise boto3's own order applies:
    ``AWS_DEFAULT_REGION``, then the profile's ``region``.
    """
    return settings.region or os.environ.get("AWS_REGION", "").strip() or None


def _bearer_session(api_key: str, region: str | None) -> boto3.Session:
    core = botocore.session.get_session()
    core.register_component("token_provider", BedrockApiKeyTokenProvider(api_key))
    core.set_config_variable("auth_scheme_preference", BEARER_AUTH_SCHEME)
    return boto3.Session(botocore_session=core, region_name=region)


async def abuild_session(
    settings: AwsSettings, credential_store: CredentialStore, executor: Executor | None = None
) -> boto3.Session:
    """``build_session`` on ``executor`` (keyring and config-file reads block)."""
    loop = asyncio.get_running_loop()
    call = functools.partial(build_session, settings, credential_store)
    return await loop.run_in_executor(executor, call)


def make_client(
    session: boto3.Session,
    service: str,
    settings: AwsSettings,
    config: botocore.config.Config | None = None,
) -> Any:
    """A client for ``service`` that uses the configured endpoint override, if any.

    Without an override no ``endpoint_url`` is passed, so botocore's own resolution applies,
    including ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME`` / ``AWS_ENDPOINT_URL_S3``.
    """
    overrides = {"bedrock-runtime": settings.bedrock_endpoint_url, "s3": settings.s3_endpoint_url}
    kwargs: dict[str, Any] = {"config": config}
    if overrides.get(service):
        kwargs["endpoint_url"] = overrides[service]
    return session.client(service, **kwargs)  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class IdentityDescription:
    """Which credentials are in use, in words; never a secret."""

    method: AuthMethod
    summary: str  # one line for Settings and `aiprism doctor`
    credential_source: str | None  # botocore's method name ("sso", "env", …) when resolved
    region: str | None


def describe_identity(
    settings: AwsSettings, session: boto3.Session, credential_store: CredentialStore | None = None
) -> IdentityDescription:
    """Describe the sign-in in use. Blocking: it resolves the credential chain."""
    region = session.region_name
    method = settings.auth_method
    storage = ""
    if credential_store is not None and method in (AuthMethod.KEYS, AuthMethod.API_KEY):
        storage = (
            " (kept for this session only)"
            if credential_store.session_only
            else " (in the system keyring)"
        )
    if method is AuthMethod.API_KEY:
        return IdentityDescription(method, f"Bedrock API key{storage}", "bearer", region)
    credentials = session.get_credentials()
    source = getattr(credentials, "method", None) if credentials is not None else None
    if method is AuthMethod.KEYS:
        key_id = credentials.access_key if credentials is not None else ""
        kind = "temporary access key" if credentials and credentials.token else "access key"
        summary = f"AWS {kind} …{key_id[-4:]}{storage}"
    elif method is AuthMethod.PROFILE:
        summary = f"AWS profile '{settings.profile_name}'" + _via(source)
    else:
        if credentials is None:
            summary = "Default AWS credentials: none found (no environment, profile or role)"
        else:
            summary = "Default AWS credentials" + _via(source)
    return IdentityDescription(method, summary, source, region)


def _via(source: str | None) -> str:
    if source is None:
        return ": no credentials found"
    return f" via {_CREDENTIAL_SOURCES.get(source, source)}"
