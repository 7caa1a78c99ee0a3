"""gunicorn settings (``gunicorn -c python:backend_contract.server.gunicorn_conf``).

Threads, because requests wait on Redis (long-polls, chat streams) rather than compute; SIGTERM
stops accepting connections and lets requests in flight finish within ``graceful_timeout``.
"""

from __future__ import annotations

import os

wsgi_app = "backend_contract.server.wsgi:app"
bind = os.environ.get("AIPRISM_BIND", "0.0.0.0:8080")
workers = int(os.environ.get("AIPRISM_API_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("AIPRISM_API_THREADS", "32"))
timeout = 120  # a chat stream sends a keep-alive every second; this only catches a stuck worker
graceful_timeout = 30
keepalive = 30
accesslog = None  # the app writes one JSON line per request
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "backend_contract.server.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}


def on_starting(server: object) -> None:
    """Before any worker starts: register the team tokens a deployment passes as a secret."""
    from backend_contract.server.config import load_config
    from backend_contract.server.team_tokens import register_from_environment

    register_from_environment(load_config(), os.environ)
