"""``python -m aiprism_desktop`` / ``aiprism-desktop``: what ``./run`` starts."""

from __future__ import annotations

import sys

from aiprism_desktop.launcher import main

if __name__ == "__main__":
    sys.exit(main())
