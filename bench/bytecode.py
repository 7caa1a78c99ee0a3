"""Benches start processes as a user's installed app starts: with the package's bytecode.

An installed wheel and the frozen app carry compiled bytecode; an editable install writes it on
the first run. A machine with ``PYTHONDONTWRITEBYTECODE=1`` set (these CI machines) never
writes it, and every process would compile all of AI-Prism from source first (~0.25 s of CPU),
which no user pays. Compiling once before measuring removes that artefact; Python still checks
each file's timestamp and compiles again whatever changed.
"""

from __future__ import annotations

import compileall
from pathlib import Path

import aiprism_desktop


def ensure_compiled() -> None:
    """Write any missing or stale bytecode of the ``aiprism_desktop`` package."""
    compileall.compile_dir(Path(aiprism_desktop.__file__).parent, quiet=1)
