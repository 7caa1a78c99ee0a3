"""Team tokens given to the deployment as a secret (``AIPRISM_TEAM_TOKENS``).

A container platform keeps secrets in its own store (AWS Secrets Manager on ECS, the deploy
script's environment on Lightsail) and hands them to the process as environment variables. The
API registers those tokens when it starts, so the secret is the source of truth: a token added
to it works after the next deployment, a token removed from it stops working then. Tokens made
with ``admin tokens create`` are left alone (they carry another note).

The value is a JSON object ``{"team": "token", ...}`` (a team may also map to a list of
tokens). Only the tokens' hashes reach Redis, as with every other token.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import asdict

import redis

from aiprism_desktop.core.findings import utc_now
from backend_contract.server.config import ServerConfig
from backend_contract.server.keys import Keys, StrRedis
from backend_contract.server.state import redis_client
from backend_contract.server.tokens import TEAM_PATTERN, TokenRecord, token_hash

ENV_VAR = "AIPRISM_TEAM_TOKENS"
MANAGED_NOTE = "from AIPRISM_TEAM_TOKENS"
MIN_TOKEN_CHARS = 32  # a secret, not a password: long random strings only

log = logging.getLogger("aiprism.tokens")


class TeamTokensError(ValueError):
    """``AIPRISM_TEAM_TOKENS`` does not hold usable tokens (the message never quotes one)."""


def parse_team_tokens(raw: str) -> dict[str, str]:
    """token → team, from the JSON object; ``TeamTokensError`` says what is wrong."""
    try:
        value = json.loads(raw)
    except ValueError:
        raise TeamTokensError(f"{ENV_VAR} must be a JSON object {{team: token}}") from None
    if not isinstance(value, dict):
        raise TeamTokensError(f"{ENV_VAR} must be a JSON object {{team: token}}")
    tokens: dict[str, str] = {}
    for team, given in value.items():
        if not TEAM_PATTERN.match(team):
            raise TeamTokensError(f"{ENV_VAR}: {team!r} is not a valid team name")
        for token in [given] if isinstance(given, str) else given:
            if not isinstance(token, str) or len(token) < MIN_TOKEN_CHARS:
                raise TeamTokensError(
                    f"{ENV_VAR}: a token of team {team!r} is not a string of at least "
                    f"{MIN_TOKEN_CHARS} characters"
                )
            if tokens.setdefault(token, team) != team:
                raise TeamTokensError(f"{ENV_VAR}: one token is given to two teams")
    return tokens


def sync_team_tokens(client: StrRedis, keys: Keys, tokens: Mapping[str, str]) -> tuple[int, int]:
    """Make the managed tokens in Redis exactly ``tokens``: (added, removed)."""
    key = keys.tokens()
    wanted = {token_hash(token): team for token, team in tokens.items()}
    stale: list[str] = []
    present: set[str] = set()
    for digest, raw in client.hgetall(key).items():
        record = TokenRecord(**json.loads(raw))
        if record.note != MANAGED_NOTE:
            continue
        if wanted.get(digest) == record.team:
            present.add(digest)
        else:
            stale.append(digest)
    pipe = client.pipeline()
    if stale:
        pipe.hdel(key, *stale)
    added = 0
    for digest, team in wanted.items():
        if digest not in present:
            record = TokenRecord(digest[:12], team, MANAGED_NOTE, utc_now())
            pipe.hset(key, digest, json.dumps(asdict(record)))
            added += 1
    pipe.execute()
    return added, len(stale)


def register_from_environment(
    config: ServerConfig, environ: Mapping[str, str], *, wait_s: float = 60.0
) -> None:
    """At API start: register ``AIPRISM_TEAM_TOKENS`` (if set), waiting for Redis to answer.

    Raises ``TeamTokensError`` for a bad value and ``redis.RedisError`` when Redis stays
    unreachable: the API then fails to start, and the platform restarts it.
    """
    raw = environ.get(ENV_VAR, "").strip()
    if not raw:
        return
    tokens = parse_team_tokens(raw)
    client = redis_client(config.tokens_url)
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                added, removed = sync_team_tokens(client, Keys(config.key_prefix), tokens)
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1.0)
    finally:
        client.close()
    log.info(
        "team tokens from the environment registered",
        extra={"tokens": len(tokens), "added": added, "removed": removed},
    )
