"""Where the team backend is and how to talk to it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiprism_desktop.core.errors import ConfigError

TOKEN_ENV = "AIPRISM_BACKEND_TOKEN"


@dataclass(frozen=True, slots=True)
class BackendSettings:
    url: str  # e.g. https://aiprism.example.com (no /v1)
    token: str
    concurrency: int = 4
    connect_timeout_s: float = 5.0
    request_timeout_s: float = 30.0
    long_poll_s: float = 20.0
    # How long a job poll keeps trying while the backend is unreachable before the section is
    # handed to the outbox (the job goes on; asking again later fetches its result).
    outage_budget_s: float = 30.0
    # A job still unfinished after this is given up on (the server's own time limit is shorter;
    # this only guards against a job a broken deployment never ends).
    job_deadline_s: float = 3600.0

    def __post_init__(self) -> None:
        check_backend_url(self.url)
        if not self.token.strip():
            raise ConfigError(
                "No team backend token: run `aiprism credentials set-backend-token`, or set "
                f"{TOKEN_ENV}."
            )

    @property
    def base_url(self) -> str:
        return self.url.rstrip("/")


def check_backend_url(url: str) -> str:
    """``url`` when it can carry a token safely: https, or http to this machine only."""
    if not url.strip():
        raise ConfigError(
            "No team backend URL: set it in Settings, with `aiprism config set backend.url "
            "https://…`, or with --backend-url."
        )
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"The team backend URL must look like https://host[:port], not {url!r}.")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError(
            "The team backend URL must use https: over plain http the team token would cross "
            "the network in clear text (http is accepted for this machine only)."
        )
    return url.strip()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
