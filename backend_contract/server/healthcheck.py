"""The container's health check: ``python -m backend_contract.server.healthcheck``.

One image runs both process kinds, so one command checks whichever runs in this container:
- the API (something listens on ``AIPRISM_BIND``'s port): ``/v1/health`` answers with its JSON
  body, 200 (ready) or 503 (alive, but Redis or every worker is missing — restarting this API
  would not bring them back);
- otherwise the Celery worker: its heartbeat (``tasks._heartbeat``) for this host is fresh.
Exit 0 when healthy, 1 otherwise, with one line on stderr saying why.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request

from backend_contract.server.config import load_config
from backend_contract.server.keys import Keys
from backend_contract.server.routes_meta import WORKER_FRESH_S
from backend_contract.server.state import redis_client

TIMEOUT_S = 4.0


def _api_port() -> int:
    return int(os.environ.get("AIPRISM_BIND", "0.0.0.0:8080").rpartition(":")[2])


def check_api(port: int) -> str | None:
    """None when the API answers /v1/health as itself, else why not (OSError: none listens)."""
    url = f"http://127.0.0.1:{port}/v1/health"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            body = json.load(response)
    except urllib.error.HTTPError as error:
        if error.code != 503:
            return f"/v1/health answered {error.code}"
        body = json.load(error)
    except (ValueError, TimeoutError) as error:
        return f"/v1/health did not answer with JSON in time ({error})"
    return None if body.get("live") is True else "/v1/health did not say live"


def check_worker() -> str | None:
    """None when a Celery worker on this host reported in within ``WORKER_FRESH_S``."""
    config = load_config()
    client = redis_client(config.redis_url)
    try:
        beats = client.zrangebyscore(
            Keys(config.key_prefix).workers(), time.time() - WORKER_FRESH_S, "+inf"
        )
    finally:
        client.close()
    host = socket.gethostname()
    if any(name.partition("@")[2] == host for name in beats):
        return None
    return f"no API on port {_api_port()} and no worker heartbeat from {host}"


def main() -> int:
    try:
        problem = check_api(_api_port())
    except OSError:  # connection refused: this container runs the worker (or a dead API)
        try:
            problem = check_worker()
        except Exception as error:
            problem = f"worker check failed: {type(error).__name__}"
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
