"""Keeping Python's garbage collector and busy worker threads from freezing the window.

A full (generation 2) collection walks every object the process holds; with a 300-page
document, its review and boto3's service models loaded that is a quarter of a second with the
window unable to react. What the window keeps for long (the open document, its review, the
loaded libraries) is moved out of the collector's reach (``gc.freeze``) once it is built, so
collections only walk what is new. The cost: a document that is closed is not collected
until the process ends (a few MB per document opened in one session).
"""

from __future__ import annotations

import gc
import sys

# PySide releases the GIL around its C++ calls, so one turn of the window's loop takes the GIL
# back dozens of times. While a worker thread computes (an export re-anchoring a thousand
# quotes), each take-back waits up to the interpreter's switch interval (5 ms by default): a
# tick that needs 30 of them stalls 150 ms. One millisecond keeps that under the 50 ms budget
# for little switching overhead in the workers.
SWITCH_INTERVAL_S = 0.001


def share_the_gil_quickly() -> None:
    """Let the window's thread get the GIL back within a millisecond of asking."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def freeze_long_lived() -> None:
    """Take everything alive now out of future collections (cheap: no collection runs)."""
    gc.freeze()
