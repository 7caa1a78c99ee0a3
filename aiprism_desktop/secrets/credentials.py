"""The credential store: secrets in the OS keyring, or in memory for this session only.

Three kinds of secret live under the keyring service ``AI-Prism``: AWS access keys (id, secret,
optional session token), a Bedrock API key, and the team backend's bearer token. When no secure
keyring exists (see ``keyring_backend``) the store keeps them in memory and says so; it never
writes them anywhere else.

Keyring calls block (D-Bus, Keychain prompts), so the GUI uses the ``a*`` coroutine twins,
which run the blocking call on the executor given at construction (or the default one).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

import keyring.backend
import keyring.errors

from aiprism_desktop.core.errors import CredentialsError
from aiprism_desktop.secrets.keyring_backend import (
    NO_SECURE_KEYRING_MESSAGE,
    KeyringStatus,
    backend_name,
    keyring_status,
    select_secure_backend,
)

log = logging.getLogger(__name__)

SERVICE_NAME = "AI-Prism"

_T = TypeVar("_T")


class NoSecureKeyringError(CredentialsError):
    """No secure keyring exists; credentials are kept for this session only."""

    code = "NO_SECURE_KEYRING"
    default_message = NO_SECURE_KEYRING_MESSAGE


class KeyringAccessError(CredentialsError):
    """The keyring exists but refused the operation (locked, access denied, D-Bus error)."""

    code = "KEYRING_ACCESS"
    default_message = (
        "The system keyring refused access. Unlock it (or allow AI-Prism to use it) and retry."
    )


class SecretName(StrEnum):
    """The keyring user names under the ``AI-Prism`` service."""

    AWS_ACCESS_KEY_ID = "aws_access_key_id"
    AWS_SECRET_ACCESS_KEY = "aws_secret_access_key"
    AWS_SESSION_TOKEN = "aws_session_token"
    BEDROCK_API_KEY = "bedrock_api_key"
    BACKEND_TOKEN = "backend_token"


_AWS_KEY_NAMES = (
    SecretName.AWS_ACCESS_KEY_ID,
    SecretName.AWS_SECRET_ACCESS_KEY,
    SecretName.AWS_SESSION_TOKEN,
)


@dataclass(frozen=True, slots=True)
class AwsKeys:
    """An AWS access key pair with an optional session token. ``repr`` never shows them."""

    access_key_id: str = field(repr=False)
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Pasted keys often carry a trailing newline or space; AWS rejects them with one.
        object.__setattr__(self, "access_key_id", self.access_key_id.strip())
        object.__setattr__(self, "secret_access_key", self.secret_access_key.strip())
        object.__setattr__(self, "session_token", (self.session_token or "").strip() or None)
        if not self.access_key_id or not self.secret_access_key:
            raise CredentialsError("Both the access key ID and the secret access key are needed.")

    @property
    def masked_id(self) -> str:
        """The last four characters of the key id, as the AWS console shows them."""
        return "…" + self.access_key_id[-4:]

    def values(self) -> tuple[str, ...]:
        return tuple(
            v for v in (self.access_key_id, self.secret_access_key, self.session_token) if v
        )


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    """Where a saved secret went: the keyring, or memory for this session only."""

    persisted: bool
    message: str


class CredentialStore:
    """Save, load and delete the app's secrets; session-only when no secure keyring exists.

    Thread-safe. Every value it saves or loads is remembered (in memory) so the log redaction
    filter can remove it from log records: see ``known_secrets``.
    """

    def __init__(
        self,
        *,
        backend: keyring.backend.KeyringBackend | None = None,
        executor: Executor | None = None,
        service: str = SERVICE_NAME,
    ) -> None:
        self._requested_backend = backend
        self._executor = executor
        self._service = service
        self._lock = threading.RLock()
        self._known_lock = threading.Lock()
        self._session: dict[str, str] = {}
        # Replaced, never mutated: the log filter reads it lock-free on every record, so logging
        # never waits for a keyring call that holds ``_lock`` (a D-Bus probe can take seconds).
        self._known: frozenset[str] = frozenset()
        self._backend: keyring.backend.KeyringBackend | None = None
        self._status: KeyringStatus | None = None

    # -- backend selection ------------------------------------------------------------------

    def _resolve(self) -> tuple[keyring.backend.KeyringBackend | None, KeyringStatus]:
        with self._lock:
            if self._status is None:
                chosen = self._requested_backend or keyring.get_keyring()
                self._backend = select_secure_backend(chosen)
                self._status = keyring_status(chosen)
                if self._backend is None:
                    log.warning(
                        "No secure keyring (%s): session-only credentials", backend_name(chosen)
                    )
            return self._backend, self._status

    def _fall_back_to_session(self, reason: BaseException) -> None:
        """The chosen backend turned out to have no keyring behind it (e.g. an empty chain)."""
        with self._lock:
            log.warning("Keyring unavailable (%s): session-only credentials", type(reason).__name__)
            name = self._status.backend if self._status else "unknown"
            self._backend = None
            self._status = KeyringStatus(
                backend=name, secure=False, message=NO_SECURE_KEYRING_MESSAGE
            )

    def status(self) -> KeyringStatus:
        """The backend in use and whether secrets survive a restart (blocking on first call)."""
        return self._resolve()[1]

    @property
    def session_only(self) -> bool:
        return self.status().session_only

    def known_secrets(self) -> frozenset[str]:
        """Every secret value seen in this process; cheap, lock-free, never touches the keyring."""
        return self._known

    def _remember(self, value: str) -> None:
        with self._known_lock:
            self._known = self._known | {value}

    # -- primitive operations ---------------------------------------------------------------

    def _get(self, name: SecretName) -> str | None:
        backend, _ = self._resolve()
        if backend is not None:
            try:
                value: str | None = backend.get_password(self._service, name.value)
            except keyring.errors.NoKeyringError as exc:
                self._fall_back_to_session(exc)
            except keyring.errors.KeyringError as exc:
                raise KeyringAccessError(
                    detail=f"{type(exc).__name__} reading {name.value}"
                ) from None
            else:
                if value:
                    self._remember(value)
                return value or None
        with self._lock:
            return self._session.get(name.value)

    def _set(self, name: SecretName, value: str) -> bool:
        """Store one value; True when it went to the keyring, False when session-only."""
        self._remember(value)
        backend, _ = self._resolve()
        if backend is not None:
            try:
                backend.set_password(self._service, name.value, value)
            except keyring.errors.NoKeyringError as exc:
                self._fall_back_to_session(exc)
            except keyring.errors.KeyringError as exc:
                raise KeyringAccessError(
                    detail=f"{type(exc).__name__} saving {name.value}"
                ) from None
            else:
                return True
        with self._lock:
            self._session[name.value] = value
        return False

    def _delete(self, name: SecretName) -> None:
        with self._lock:
            self._session.pop(name.value, None)
        backend, _ = self._resolve()
        if backend is None:
            return
        try:
            backend.delete_password(self._service, name.value)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored under that name: deleting is idempotent
        except keyring.errors.NoKeyringError as exc:
            self._fall_back_to_session(exc)
        except keyring.errors.KeyringError as exc:
            raise KeyringAccessError(detail=f"{type(exc).__name__} deleting {name.value}") from None

    def _outcome(self, persisted: bool) -> SaveOutcome:
        if persisted:
            return SaveOutcome(True, self.status().message)
        return SaveOutcome(False, NO_SECURE_KEYRING_MESSAGE)

    # -- AWS access keys --------------------------------------------------------------------

    def save_aws_keys(self, keys: AwsKeys) -> SaveOutcome:
        persisted = self._set(SecretName.AWS_ACCESS_KEY_ID, keys.access_key_id)
        persisted = (
            self._set(SecretName.AWS_SECRET_ACCESS_KEY, keys.secret_access_key) and persisted
        )
        if keys.session_token:
            persisted = self._set(SecretName.AWS_SESSION_TOKEN, keys.session_token) and persisted
        else:  # a stale token from an earlier temporary key would make every call fail
            self._delete(SecretName.AWS_SESSION_TOKEN)
        return self._outcome(persisted)

    def load_aws_keys(self) -> AwsKeys | None:
        key_id = self._get(SecretName.AWS_ACCESS_KEY_ID)
        secret = self._get(SecretName.AWS_SECRET_ACCESS_KEY)
        if not key_id or not secret:
            return None
        return AwsKeys(key_id, secret, self._get(SecretName.AWS_SESSION_TOKEN))

    def delete_aws_keys(self) -> None:
        for name in _AWS_KEY_NAMES:
            self._delete(name)

    # -- Bedrock API key --------------------------------------------------------------------

    def save_bedrock_api_key(self, api_key: str) -> SaveOutcome:
        return self._outcome(self._set(SecretName.BEDROCK_API_KEY, _required(api_key, "API key")))

    def load_bedrock_api_key(self) -> str | None:
        return self._get(SecretName.BEDROCK_API_KEY)

    def delete_bedrock_api_key(self) -> None:
        self._delete(SecretName.BEDROCK_API_KEY)

    # -- team backend bearer token ----------------------------------------------------------

    def save_backend_token(self, token: str) -> SaveOutcome:
        return self._outcome(self._set(SecretName.BACKEND_TOKEN, _required(token, "token")))

    def load_backend_token(self) -> str | None:
        return self._get(SecretName.BACKEND_TOKEN)

    def delete_backend_token(self) -> None:
        self._delete(SecretName.BACKEND_TOKEN)

    # -- async twins: run the blocking keyring call off the event loop ----------------------

    async def _run(self, func: Callable[[], _T]) -> _T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, func)

    async def astatus(self) -> KeyringStatus:
        return await self._run(self.status)

    async def asave_aws_keys(self, keys: AwsKeys) -> SaveOutcome:
        return await self._run(functools.partial(self.save_aws_keys, keys))

    async def aload_aws_keys(self) -> AwsKeys | None:
        return await self._run(self.load_aws_keys)

    async def adelete_aws_keys(self) -> None:
        await self._run(self.delete_aws_keys)

    async def asave_bedrock_api_key(self, api_key: str) -> SaveOutcome:
        return await self._run(functools.partial(self.save_bedrock_api_key, api_key))

    async def aload_bedrock_api_key(self) -> str | None:
        return await self._run(self.load_bedrock_api_key)

    async def adelete_bedrock_api_key(self) -> None:
        await self._run(self.delete_bedrock_api_key)

    async def asave_backend_token(self, token: str) -> SaveOutcome:
        return await self._run(functools.partial(self.save_backend_token, token))

    async def aload_backend_token(self) -> str | None:
        return await self._run(self.load_backend_token)

    async def adelete_backend_token(self) -> None:
        await self._run(self.delete_backend_token)


def _required(value: str, what: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise CredentialsError(f"The {what} is empty.")
    return stripped
