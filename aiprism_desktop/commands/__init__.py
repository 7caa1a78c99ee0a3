"""Subcommands of the ``aiprism`` CLI, one module each, over the shared services."""
