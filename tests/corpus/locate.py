"""Where the real-world .docx corpus is, for every corpus test.

In order: ``$AIPRISM_CORPUS_DIR`` (``none`` skips the corpus tests on purpose), the shared
corpus beside the checkout (``<repo>/../shared/corpus/public``), and the copy vendored in
``tests/corpus/files/public`` (with its MANIFEST, README and the LICENSES the sources require),
so a clean clone in CI runs the same 120 files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT

SUFFIXES = frozenset({".docx", ".docm", ".dotx", ".dotm", ".doc"})
MISSING = "corpus-directory-missing"
_REPO = REPO_ROOT
SHARED = _REPO.parent / "shared" / "corpus" / "public"
VENDORED = Path(__file__).resolve().parent / "files" / "public"


def corpus_dir() -> Path | None:
    """The corpus folder; None when AIPRISM_CORPUS_DIR=none asks to skip."""
    configured = os.environ.get("AIPRISM_CORPUS_DIR")
    if configured is not None:
        return None if configured.strip().lower() == "none" else Path(configured)
    return SHARED if SHARED.is_dir() else VENDORED


def corpus_files() -> list[str]:
    """File names to parametrize over (``MISSING`` when the folder does not exist)."""
    folder = corpus_dir()
    if folder is None:
        return ["(skipped)"]
    if not folder.is_dir():
        return [MISSING]
    return sorted(p.name for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)


def require_corpus(name: str) -> Path:
    """The path of corpus file ``name``: skips when asked to, fails when the corpus is missing."""
    folder = corpus_dir()
    if folder is None:
        pytest.skip("AIPRISM_CORPUS_DIR=none: corpus tests skipped on purpose")
    if name == MISSING:
        pytest.fail(
            f"The test corpus was not found at {folder}. Point AIPRISM_CORPUS_DIR at its "
            "public/ folder, or set AIPRISM_CORPUS_DIR=none to skip."
        )
    return folder / name
