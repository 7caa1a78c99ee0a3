"""The ``backend`` provider: a team backend (``backend_contract/openapi.yaml``) over HTTPS."""
