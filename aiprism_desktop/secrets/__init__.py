"""Secrets: the OS keyring (never plain text), session-only when none is secure; log redaction."""

from aiprism_desktop.secrets.credentials import (
    SERVICE_NAME,
    AwsKeys,
    CredentialStore,
    KeyringAccessError,
    NoSecureKeyringError,
    SaveOutcome,
    SecretName,
)
from aiprism_desktop.secrets.keyring_backend import (
    NO_SECURE_KEYRING_MESSAGE,
    KeyringStatus,
    is_secure_backend,
    keyring_status,
)
from aiprism_desktop.secrets.redaction import (
    REDACTED,
    SecretRedactionFilter,
    environment_secrets,
    redact,
)

__all__ = [
    "NO_SECURE_KEYRING_MESSAGE",
    "REDACTED",
    "SERVICE_NAME",
    "AwsKeys",
    "CredentialStore",
    "KeyringAccessError",
    "KeyringStatus",
    "NoSecureKeyringError",
    "SaveOutcome",
    "SecretName",
    "SecretRedactionFilter",
    "environment_secrets",
    "is_secure_backend",
    "keyring_status",
    "redact",
]
