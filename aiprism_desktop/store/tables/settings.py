"""Non-secret settings as JSON values. Secrets go to the OS keyring (``secrets/``), never here."""

from __future__ import annotations

import itertools
import re
from typing import Any

from aiprism_desktop.core.findings import utc_now
from aiprism_desktop.store.errors import SecretSettingError
from aiprism_desktop.store.serde import dumps, loads
from aiprism_desktop.store.tables import TableBase
from aiprism_desktop.store.txn import translate_errors

# Key words that name a secret. Matched as whole words of the key ("auth_token", "aws.secretKey"
# are refused; "max_tokens" and "tokenizer" are not, they are not secrets).
_SECRET_WORDS = frozenset(
    {
        "secret",
        "secrets",
        "token",
        "password",
        "passwords",
        "passwd",
        "passphrase",
        "pwd",
        "credential",
        "credentials",
        "apikey",
        "bearer",
        "cookie",
    }
)
_SECRET_PAIRS = frozenset(
    {("api", "key"), ("access", "key"), ("private", "key"), ("session", "key")}
)
# Values that are secrets whatever the key says: AWS access key ids, PEM private keys, bearer
# tokens pasted with their scheme.
_SECRET_VALUE = re.compile(
    r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----|\bBearer\s+\S{16,}"
)


def key_words(key: str) -> list[str]:
    """Split a setting key into lower-case words at punctuation and camelCase boundaries."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key)
    return [word for word in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if word]


def looks_secret(key: str, value: Any = None) -> bool:
    """True when the key names a secret or the value contains one."""
    words = key_words(key)
    if any(word in _SECRET_WORDS for word in words):
        return True
    if any(pair in _SECRET_PAIRS for pair in itertools.pairwise(words)):
        return True
    return value is not None and _SECRET_VALUE.search(dumps(value)) is not None


class SettingsTable(TableBase):
    """Key → JSON value, for preferences only."""

    @translate_errors
    def get_setting(self, key: str, default: Any = None) -> Any:
        """The stored value, or ``default``."""
        row = self._conn.execute("SELECT value_json FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else loads(row[0])

    @translate_errors
    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-able value; raises ``SecretSettingError`` for anything secret-looking."""
        if looks_secret(key, value):
            raise SecretSettingError(detail=f"setting {key!r} refused")
        self._conn.execute(
            "INSERT OR REPLACE INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)",
            (key, dumps(value), utc_now()),
        )

    @translate_errors
    def delete_setting(self, key: str) -> None:
        """Remove a setting (no error when absent)."""
        self._conn.execute("DELETE FROM settings WHERE key = ?", (key,))

    @translate_errors
    def all_settings(self) -> dict[str, Any]:
        """Every setting."""
        rows = self._conn.execute("SELECT key, value_json FROM settings ORDER BY key").fetchall()
        return {row[0]: loads(row[1]) for row in rows}
