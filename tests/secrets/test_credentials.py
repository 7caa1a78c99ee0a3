"""CredentialStore over keyring: round trips, session-only fallback, refused backends."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import ClassVar

import keyring
import keyring.backend
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest

from aiprism_desktop.core.errors import CredentialsError
from aiprism_desktop.secrets.credentials import (
    SERVICE_NAME,
    AwsKeys,
    CredentialStore,
    KeyringAccessError,
)
from aiprism_desktop.secrets.keyring_backend import (
    NO_SECURE_KEYRING_MESSAGE,
    is_secure_backend,
    keyring_status,
)
from tests.conftest import MemoryKeyring

KEYS = AwsKeys("AKIAROUNDTRIP0000001", "round-trip-secret-key", "round-trip-session-token")


def test_all_three_kinds_round_trip_under_the_ai_prism_service(
    memory_keyring: MemoryKeyring,
) -> None:
    store = CredentialStore()
    assert store.save_aws_keys(KEYS).persisted
    assert store.save_bedrock_api_key("ABSKbedrock-api-key-1").persisted
    assert store.save_backend_token("backend-token-1").persisted

    fresh = CredentialStore()  # a new store reads what the keyring holds
    assert fresh.load_aws_keys() == KEYS
    assert fresh.load_bedrock_api_key() == "ABSKbedrock-api-key-1"
    assert fresh.load_backend_token() == "backend-token-1"
    assert {service for service, _ in memory_keyring.entries} == {SERVICE_NAME}
    assert fresh.known_secrets() >= {"backend-token-1", KEYS.secret_access_key}

    fresh.delete_aws_keys()
    fresh.delete_bedrock_api_key()
    fresh.delete_backend_token()
    fresh.delete_backend_token()  # deleting twice is harmless
    assert memory_keyring.entries == {}
    assert fresh.load_aws_keys() is None
    assert fresh.load_bedrock_api_key() is None


def test_saving_keys_without_a_token_removes_a_stale_one(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore()
    store.save_aws_keys(KEYS)
    store.save_aws_keys(AwsKeys("AKIAROUNDTRIP0000002", "second-secret"))
    loaded = store.load_aws_keys()
    assert loaded is not None
    assert loaded.session_token is None
    assert (SERVICE_NAME, "aws_session_token") not in memory_keyring.entries


def test_pasted_keys_are_trimmed_and_empty_ones_refused() -> None:
    keys = AwsKeys(" AKIAROUNDTRIP0000003\n", "secret \n", "  ")
    assert (keys.access_key_id, keys.secret_access_key, keys.session_token) == (
        "AKIAROUNDTRIP0000003",
        "secret",
        None,
    )
    with pytest.raises(CredentialsError):
        AwsKeys("AKIA", "   ")
    with pytest.raises(CredentialsError):
        CredentialStore().save_bedrock_api_key("  ")


def test_repr_never_shows_secrets() -> None:
    text = repr(KEYS)
    for value in KEYS.values():
        assert value not in text
    assert KEYS.masked_id == "…0001"


@pytest.mark.parametrize(
    "backend",
    [
        keyring.backends.fail.Keyring(),  # type: ignore[no-untyped-call]
        keyring.backends.null.Keyring(),  # type: ignore[no-untyped-call]
    ],
)
def test_no_keyring_means_session_only_with_a_clear_message(
    backend: keyring.backend.KeyringBackend,
) -> None:
    keyring.set_keyring(backend)
    store = CredentialStore()
    outcome = store.save_aws_keys(KEYS)

    assert not outcome.persisted
    assert outcome.message == NO_SECURE_KEYRING_MESSAGE
    assert "kept for this session only" in outcome.message
    assert store.status().session_only
    assert store.load_aws_keys() == KEYS, "usable for the rest of the session"
    assert CredentialStore().load_aws_keys() is None, "forgotten by the next run"


class _PlaintextLikeKeyring(keyring.backend.KeyringBackend):
    """Stands in for keyrings.alt's PlaintextKeyring (which writes base64 to a file)."""

    priority = 0.5

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.written: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.written.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.written[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.written.pop((service, username), None)


_PlaintextLikeKeyring.__module__ = "keyrings.alt.file"


def test_a_keyrings_alt_backend_is_refused() -> None:
    plaintext = _PlaintextLikeKeyring()
    keyring.set_keyring(plaintext)
    store = CredentialStore()
    assert not store.save_backend_token("never-to-plaintext").persisted
    assert plaintext.written == {}
    status = keyring_status()
    assert status.backend == "keyrings.alt.file._PlaintextLikeKeyring"
    assert not status.secure


def test_a_chain_with_a_plaintext_member_uses_only_the_secure_one() -> None:
    secure, plaintext = MemoryKeyring(), _PlaintextLikeKeyring()

    class Chain(keyring.backends.chainer.ChainerBackend):
        backends: ClassVar[list[keyring.backend.KeyringBackend]] = [plaintext, secure]

    chain = Chain()  # type: ignore[no-untyped-call] # the plaintext member comes first: a chainer would write there
    assert is_secure_backend(chain)
    store = CredentialStore(backend=chain)
    assert store.save_backend_token("goes-to-the-secure-one").persisted
    assert plaintext.written == {}
    assert secure.entries == {(SERVICE_NAME, "backend_token"): "goes-to-the-secure-one"}
    assert store.status().backend == "tests.conftest.MemoryKeyring"


class _LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


def test_a_locked_keyring_is_an_error_not_a_silent_fallback() -> None:
    store = CredentialStore(backend=_LockedKeyring())
    with pytest.raises(KeyringAccessError) as caught:
        store.save_backend_token("locked-out-token")
    assert "locked-out-token" not in str(caught.value) + (caught.value.detail or "")


class _EmptyChainKeyring(MemoryKeyring):
    """Looks secure, but raises NoKeyringError at use (e.g. Secret Service vanished)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.NoKeyringError("no backend")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.NoKeyringError("no backend")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.NoKeyringError("no backend")


def test_a_keyring_that_disappears_falls_back_to_the_session() -> None:
    store = CredentialStore(backend=_EmptyChainKeyring())
    outcome = store.save_bedrock_api_key("ABSKdisappearing-keyring")
    assert not outcome.persisted
    assert store.status().session_only
    assert store.load_bedrock_api_key() == "ABSKdisappearing-keyring"


class _ThreadRecordingKeyring(MemoryKeyring):
    def __init__(self) -> None:
        super().__init__()
        self.threads: set[int] = set()

    def get_password(self, service: str, username: str) -> str | None:
        self.threads.add(threading.get_ident())
        return super().get_password(service, username)


def test_async_twins_run_on_the_given_executor() -> None:
    backend = _ThreadRecordingKeyring()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kr") as executor:
        store = CredentialStore(backend=backend, executor=executor)

        async def scenario() -> tuple[AwsKeys | None, int]:
            await store.asave_aws_keys(KEYS)
            return await store.aload_aws_keys(), threading.get_ident()

        loaded, loop_thread = asyncio.run(scenario())
    assert loaded == KEYS
    assert backend.threads
    assert loop_thread not in backend.threads


def test_status_reports_a_secure_backend(memory_keyring: MemoryKeyring) -> None:
    status = CredentialStore().status()
    assert status.secure
    assert not status.session_only
    assert status.backend == "tests.conftest.MemoryKeyring"
    assert "system keyring" in status.message
