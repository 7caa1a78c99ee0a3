"""gunicorn's entry point: ``gunicorn backend_contract.server.wsgi:app``."""

from __future__ import annotations

from backend_contract.server.app import create_app
from backend_contract.server.config import load_config
from backend_contract.server.logs import configure_logging

_config = load_config()
configure_logging(_config.log_level)
app = create_app(_config)
