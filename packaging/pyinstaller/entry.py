"""The frozen app's entry point: the window (optionally on a document), or ``--self-test``."""

from __future__ import annotations

import multiprocessing
import sys


def main() -> int:
    # The window exports in a spawned child: this same executable, told by multiprocessing's
    # arguments to run the child's loop instead of the app.
    multiprocessing.freeze_support()
    args = sys.argv[1:]
    if args == ["--self-test"]:
        from aiprism_desktop.selftest import main as self_test

        return self_test()
    from aiprism_desktop.ui.app import main as window

    return window(args)


if __name__ == "__main__":
    sys.exit(main())
