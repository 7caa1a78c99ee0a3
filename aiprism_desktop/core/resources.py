"""Where the application's resources (frameworks, rules, models.toml, samples, icons) live.

Every module that reads a packaged resource goes through ``resources_dir()`` so the lookup
works the same in a source checkout, in an installed wheel and in a PyInstaller build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES_ENV_VAR = "AIPRISM_RESOURCES_DIR"
_MARKER = "frameworks"  # a directory every complete resources tree has


def _candidates() -> list[Path]:
    found: list[Path] = []
    override = os.environ.get(RESOURCES_ENV_VAR)
    if override:
        found.append(Path(override))
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:  # PyInstaller unpacks data files under sys._MEIPASS
        found.append(Path(frozen_root) / "resources")
    # A source checkout (editable install included): <repo>/aiprism_desktop/core/resources.py
    found.append(Path(__file__).resolve().parents[2] / "resources")
    # A wheel install: pyproject's data-files put the tree under <prefix>/share.
    found.append(Path(sys.prefix) / "share" / "aiprism-desktop" / "resources")
    return found


def resources_dir() -> Path:
    """The resources directory; FileNotFoundError naming every place looked at if none exists.

    Order: ``$AIPRISM_RESOURCES_DIR``, the PyInstaller bundle, the source checkout, the
    installed data files.
    """
    candidates = _candidates()
    for candidate in candidates:
        if (candidate / _MARKER).is_dir():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"AI-Prism resources not found (looked in: {looked})")
