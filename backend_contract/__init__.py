"""The team backend: its contract (openapi.yaml), the reference server and the conformance kit."""
