"""Which keyring backend we may trust with secrets, and how to describe it.

``keyring`` happily falls back to backends that are not secure: ``fail`` / ``null`` (nothing is
stored at all) and, when the ``keyrings.alt`` package is installed, ``PlaintextKeyring`` which
silently becomes the default on headless Linux and writes secrets base64-encoded into a file.
We refuse every backend that lives in ``keyrings.alt`` (even its "encrypted" ones) and treat
the refusal like a missing keyring: credentials are then kept for the session only.
"""

from __future__ import annotations

from dataclasses import dataclass

import keyring
import keyring.backend
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null

NO_SECURE_KEYRING_MESSAGE = (
    "No secure keyring is available on this system (e.g. headless Linux without Secret "
    "Service). Credentials will be kept for this session only and forgotten when you quit."
)

_INSECURE_MODULE_PREFIXES = ("keyrings.alt",)
_INSECURE_CLASSES: tuple[type[keyring.backend.KeyringBackend], ...] = (
    keyring.backends.fail.Keyring,
    keyring.backends.null.Keyring,
)


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    """What ``aiprism doctor`` and Settings show about secret storage."""

    backend: str  # "module.Class" of the backend keyring chose
    secure: bool  # True when secrets go to a secure OS keyring
    message: str  # one sentence for the reviewer

    @property
    def session_only(self) -> bool:
        """Credentials live in memory only and are forgotten on quit."""
        return not self.secure


def backend_name(backend: keyring.backend.KeyringBackend) -> str:
    """``module.Class`` of a backend, the form ``PYTHON_KEYRING_BACKEND`` uses."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_secure_backend(backend: keyring.backend.KeyringBackend) -> bool:
    """Whether secrets given to ``backend`` end up in a secure store (never plain text)."""
    if isinstance(backend, _INSECURE_CLASSES):
        return False
    module = type(backend).__module__
    if any(module == p or module.startswith(p + ".") for p in _INSECURE_MODULE_PREFIXES):
        return False
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        return select_secure_backend(backend) is not None
    return True


def select_secure_backend(
    backend: keyring.backend.KeyringBackend | None = None,
) -> keyring.backend.KeyringBackend | None:
    """The backend to store secrets in, or None when none is secure.

    A chainer writes to the first backend that accepts the secret, which may be a plaintext one;
    so from a chain we pick its highest-priority secure member and talk to it directly.
    """
    chosen = keyring.get_keyring() if backend is None else backend
    if isinstance(chosen, keyring.backends.chainer.ChainerBackend):
        members: list[keyring.backend.KeyringBackend] = list(chosen.backends)
        secure = [b for b in members if not isinstance(b, keyring.backends.chainer.ChainerBackend)]
        secure = [b for b in secure if is_secure_backend(b)]
        return secure[0] if secure else None
    return chosen if is_secure_backend(chosen) else None


def keyring_status(backend: keyring.backend.KeyringBackend | None = None) -> KeyringStatus:
    """Describe the keyring in use (blocking: the first call may probe D-Bus or the keychain)."""
    chosen = keyring.get_keyring() if backend is None else backend
    secure = select_secure_backend(chosen)
    if secure is None:
        return KeyringStatus(
            backend=backend_name(chosen), secure=False, message=NO_SECURE_KEYRING_MESSAGE
        )
    return KeyringStatus(
        backend=backend_name(secure),
        secure=True,
        message=f"Credentials are stored in the system keyring ({type(secure).__name__}).",
    )
