"""Saving and deleting secrets, and the sign-in method that goes with them.

A secret is kept in the OS keyring, or — where no secure keyring exists — in memory for this
process only. The sign-in method follows what was really kept: stored for good when the secret
was, for this session only when it was not, so a later start never points at a secret that is
not there. Reviewers built from the old credentials are replaced.
"""

from __future__ import annotations

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.secrets.credentials import AwsKeys, SaveOutcome


async def save_aws_keys(services: AppServices, keys: AwsKeys) -> SaveOutcome:
    """Keep an access key (+ optional session token) and sign in with it."""
    outcome = await services.credentials.asave_aws_keys(keys)
    await _use(services, "keys", outcome)
    return outcome


async def save_bedrock_api_key(services: AppServices, api_key: str) -> SaveOutcome:
    """Keep a Bedrock API key and sign in with it."""
    outcome = await services.credentials.asave_bedrock_api_key(api_key)
    await _use(services, "api_key", outcome)
    return outcome


async def save_backend_token(services: AppServices, token: str) -> SaveOutcome:
    """Keep the team backend's bearer token."""
    outcome = await services.credentials.asave_backend_token(token)
    services.credentials_changed()
    return outcome


async def delete_all(services: AppServices) -> None:
    """Delete every saved secret (keyring and session)."""
    credentials = services.credentials
    await credentials.adelete_aws_keys()
    await credentials.adelete_bedrock_api_key()
    await credentials.adelete_backend_token()
    services.credentials_changed()


async def _use(services: AppServices, method: str, outcome: SaveOutcome) -> None:
    services.credentials_changed()
    await services.set_setting("aws.auth_method", method, session_only=not outcome.persisted)
