"""Keeping Python's garbage collector from freezing the window.

A full (generation 2) collection walks every object the process holds; with a 300-page
document, its review and boto3's service models loaded that is a quarter of a second with the
window unable to react. What the window keeps for long (the open document, its review, the
loaded libraries) is moved out of the collector's reach (``gc.freeze``) once it is built, so
collections only walk what is new. The cost: a document that is closed is not collected
until the process ends (a few MB per document opened in one session).
"""

from __future__ import annotations

import gc


def freeze_long_lived() -> None:
    """Take everything alive now out of future collections (cheap: no collection runs)."""
    gc.freeze()
