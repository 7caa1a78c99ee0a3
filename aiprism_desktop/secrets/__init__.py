"""Secrets: the OS keyring (never plain text), session-only when none is secure; log redaction."""
