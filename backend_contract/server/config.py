"""The server's configuration: environment variables only (the table in docs/backend.md).

Read once per process; a value that does not parse stops the process at start with a message
naming the variable, rather than failing on the first request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from aiprism_desktop.app.worker import WorkerSettings


class ConfigurationError(ValueError):
    """An environment variable has a value the server cannot use."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Every setting of the API and the workers."""

    redis_url: str = "redis://127.0.0.1:6379/0"
    token_redis_url: str = ""  # "" = redis_url; tokens may live in a more durable Redis
    key_prefix: str = "aiprism"
    provider: str = "bedrock"  # bedrock | offline
    region: str | None = None
    bedrock_endpoint_url: str | None = None
    config_dir: Path | None = (
        None  # a models.toml / frameworks / rule packs overriding the built-in
    )
    allow_global_profiles: bool | None = None
    worker_concurrency: int = 8  # model calls at once per worker process (= Celery threads)
    max_request_bytes: int = 4 * 1024 * 1024
    analyses_per_minute: int = 120
    max_active_jobs: int = 50
    long_poll_max_s: float = 20.0
    result_ttl_s: int = 24 * 3600
    job_time_limit_s: int = 600
    visibility_timeout_s: int = 900  # an unacknowledged job goes to another worker after this
    chat_idle_timeout_s: float = 120.0
    log_level: str = "INFO"

    @property
    def tokens_url(self) -> str:
        return self.token_redis_url or self.redis_url

    def worker_settings(self) -> WorkerSettings:
        """How the workers (and the API's capabilities view) build the reviewer."""
        return WorkerSettings(
            provider=self.provider,
            region=self.region,
            bedrock_endpoint_url=self.bedrock_endpoint_url,
            concurrency=self.worker_concurrency,
            allow_global_profiles=self.allow_global_profiles,
            config_dir=self.config_dir,
        )


# name → (field, parser). One table, so the docs and the code list the same variables.
def _int(name: str, raw: str, minimum: int = 1) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {value}")
    return value


def _float(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, not {raw!r}") from None
    if value < 0:
        raise ConfigurationError(f"{name} must not be negative")
    return value


def _choice(name: str, raw: str, choices: tuple[str, ...]) -> str:
    if raw not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def _tristate(name: str, raw: str) -> bool | None:
    return {"auto": None, "yes": True, "no": False}[_choice(name, raw, ("auto", "yes", "no"))]


ENVIRONMENT: dict[str, str] = {
    "AIPRISM_REDIS_URL": "Redis for the job queue, results, limits, model health",
    "AIPRISM_TOKEN_REDIS_URL": "Redis holding the hashed team tokens (default: AIPRISM_REDIS_URL)",
    "AIPRISM_REDIS_PASSWORD": "password (AUTH token) for both Redis URLs, kept out of the URL",
    "AIPRISM_TEAM_TOKENS": "JSON {team: token}: tokens the API registers at start (a secret)",
    "AIPRISM_KEY_PREFIX": "prefix of every Redis key (several deployments can share a Redis)",
    "AIPRISM_PROVIDER": "bedrock (default) or offline",
    "AWS_REGION": "the Bedrock region (credentials: the default AWS chain, e.g. the task role)",
    "AIPRISM_BEDROCK_ENDPOINT_URL": "a Bedrock Runtime endpoint override (VPC endpoint, tests)",
    "AIPRISM_CONFIG_DIR": "directory with models.toml (the model chain), frameworks/, rules/",
    "AIPRISM_GLOBAL_ROUTING": "auto, yes or no: may requests use global. inference profiles",
    "AIPRISM_WORKER_CONCURRENCY": "model calls at once per worker process (its Celery threads)",
    "AIPRISM_MAX_REQUEST_BYTES": "largest request body accepted",
    "AIPRISM_ANALYSES_PER_MINUTE": "analyses + chats per team per minute",
    "AIPRISM_MAX_ACTIVE_JOBS": "analyses queued or running at once per team",
    "AIPRISM_LONG_POLL_MAX_S": "longest ?wait= a job poll may hold a request",
    "AIPRISM_RESULT_TTL_S": "how long finished jobs (and idempotency keys) are kept",
    "AIPRISM_JOB_TIME_LIMIT_S": "a job running longer fails with JOB_TIME_LIMIT",
    "AIPRISM_VISIBILITY_TIMEOUT_S": "a job whose worker died runs again after this (> time limit)",
    "AIPRISM_CHAT_IDLE_TIMEOUT_S": "a chat stream with no event for this long ends with an error",
    "AIPRISM_LOG_LEVEL": "DEBUG, INFO (default), WARNING or ERROR; logs are JSON on stdout",
}


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` as its Redis AUTH password (one already in the URL wins).

    Lets a deployment inject the ElastiCache auth token as a secret of its own while the URL,
    which is not secret, stays in plain configuration.
    """
    parts = urlsplit(url)
    if parts.password is not None:
        return url
    user = quote(parts.username or "", safe="")
    netloc = f"{user}:{quote(password, safe='')}@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit(parts._replace(netloc=netloc))


def load_config(environ: Mapping[str, str] | None = None) -> ServerConfig:
    """The configuration from the environment; ``ConfigurationError`` names a bad variable."""
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    defaults = ServerConfig()
    values: dict[str, object] = {}
    simple: dict[str, tuple[str, object]] = {
        "AIPRISM_WORKER_CONCURRENCY": ("worker_concurrency", _int),
        "AIPRISM_MAX_REQUEST_BYTES": ("max_request_bytes", _int),
        "AIPRISM_ANALYSES_PER_MINUTE": ("analyses_per_minute", _int),
        "AIPRISM_MAX_ACTIVE_JOBS": ("max_active_jobs", _int),
        "AIPRISM_RESULT_TTL_S": ("result_ttl_s", _int),
        "AIPRISM_JOB_TIME_LIMIT_S": ("job_time_limit_s", _int),
        "AIPRISM_VISIBILITY_TIMEOUT_S": ("visibility_timeout_s", _int),
        "AIPRISM_LONG_POLL_MAX_S": ("long_poll_max_s", _float),
        "AIPRISM_CHAT_IDLE_TIMEOUT_S": ("chat_idle_timeout_s", _float),
    }
    for name, (field_name, parse) in simple.items():
        raw = get(name)
        if raw is not None:
            values[field_name] = parse(name, raw)  # type: ignore[operator]
    password = get("AIPRISM_REDIS_PASSWORD")
    for name, field_name in (
        ("AIPRISM_REDIS_URL", "redis_url"),
        ("AIPRISM_TOKEN_REDIS_URL", "token_redis_url"),
        ("AIPRISM_KEY_PREFIX", "key_prefix"),
        ("AIPRISM_BEDROCK_ENDPOINT_URL", "bedrock_endpoint_url"),
    ):
        raw = get(name)
        if raw is not None:
            values[field_name] = raw
    if password is not None:
        for field_name in ("redis_url", "token_redis_url"):
            url = str(values.get(field_name, getattr(defaults, field_name)))
            if url:
                values[field_name] = with_password(url, password)
    if (raw := get("AIPRISM_PROVIDER")) is not None:
        values["provider"] = _choice("AIPRISM_PROVIDER", raw, ("bedrock", "offline"))
    values["region"] = get("AWS_REGION") or get("AWS_DEFAULT_REGION")
    if (raw := get("AIPRISM_CONFIG_DIR")) is not None:
        values["config_dir"] = Path(raw)
    if (raw := get("AIPRISM_GLOBAL_ROUTING")) is not None:
        values["allow_global_profiles"] = _tristate("AIPRISM_GLOBAL_ROUTING", raw)
    if (raw := get("AIPRISM_LOG_LEVEL")) is not None:
        values["log_level"] = _choice(
            "AIPRISM_LOG_LEVEL", raw.upper(), ("DEBUG", "INFO", "WARNING", "ERROR")
        )
    config = replace(defaults, **values)  # type: ignore[arg-type]
    if config.visibility_timeout_s <= config.job_time_limit_s:
        raise ConfigurationError(
            "AIPRISM_VISIBILITY_TIMEOUT_S must be longer than AIPRISM_JOB_TIME_LIMIT_S, or a "
            "job still running would be handed to a second worker"
        )
    return config
