"""Team tokens: created once (shown once), stored only as their SHA-256, revocable.

Tokens are 256 random bits, so a plain SHA-256 is as good as a slow password hash here: there
is nothing to guess. The record keeps a short id (to list and revoke), the team and a note.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass

from aiprism_desktop.core.findings import utc_now
from backend_contract.server.keys import Keys, StrRedis

TOKEN_PREFIX = "aip_"
TEAM_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class TokenRecord:
    token_id: str  # the first 12 hex digits of the hash: safe to show and log
    team: str
    note: str = ""
    created_at: str = ""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """Hashed tokens in a Redis hash.

    Lookups are remembered for ``cache_s`` seconds per process (every poll is authenticated;
    this saves a Redis round trip each time), so a revoked token stops working within that.
    """

    def __init__(self, client: StrRedis, keys: Keys, *, cache_s: float = 2.0) -> None:
        self._redis = client
        self._key = keys.tokens()
        self._cache_s = cache_s
        self._cache: dict[str, tuple[float, TokenRecord | None]] = {}
        self._lock = threading.Lock()

    def create(self, team: str, note: str = "") -> tuple[str, TokenRecord]:
        """A new token for ``team``: the token itself (shown once) and its record."""
        if not TEAM_PATTERN.match(team):
            raise ValueError(
                "A team name is 1-64 letters, digits, '.', '_' or '-', starting with a letter "
                "or digit."
            )
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        digest = token_hash(token)
        record = TokenRecord(digest[:12], team, note, utc_now())
        self._redis.hset(self._key, digest, json.dumps(asdict(record)))
        return token, record

    def lookup(self, token: str) -> TokenRecord | None:
        """The record of a valid token, or None."""
        digest = token_hash(token)
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
        raw = self._redis.hget(self._key, digest)
        record = None if raw is None else TokenRecord(**json.loads(raw))
        with self._lock:
            if len(self._cache) > 10_000:  # forged tokens must not grow it without bound
                self._cache.clear()
            self._cache[digest] = (now + self._cache_s, record)
        return record

    def list(self) -> list[TokenRecord]:
        records = [TokenRecord(**json.loads(v)) for v in self._redis.hvals(self._key)]
        return sorted(records, key=lambda r: (r.team, r.created_at))

    def revoke(self, token_id: str) -> int:
        """Revoke the tokens whose id starts with ``token_id`` (at least 6 hex digits)."""
        if len(token_id) < 6:
            raise ValueError("Give at least 6 characters of the token id.")
        doomed = [d for d in self._redis.hkeys(self._key) if _text(d).startswith(token_id)]
        if doomed:
            self._redis.hdel(self._key, *doomed)
        return len(doomed)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
