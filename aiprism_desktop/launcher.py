"""What ``./run`` starts: the desktop app on the bundled sample, or the same review headlessly.

Without a display (or before the desktop UI is available) it reviews the bundled sample with the
offline reviewer, accepts every finding, and writes the reviewed .docx and reports to ``out/``.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from aiprism_desktop.core.resources import resources_dir

SAMPLE_NAME = "investigation_report.docx"


def has_display() -> bool:
    """True when a GUI can be shown (X11/Wayland on Linux; always on macOS and Windows)."""
    platform: str = sys.platform  # a plain str: the check runs on every OS
    if platform.startswith(("linux", "freebsd")):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


# Libraries Qt's X11 platform plugin loads that minimal Linux installs may lack (Qt ≥ 6.5);
# without them Qt aborts the process, so they are checked before the window is started.
X11_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
}


def missing_gui_libraries(
    find: Callable[[str], str | None] = ctypes.util.find_library,
) -> list[str]:
    """The system packages the window needs on this X11 display and cannot find (Debian names)."""
    platform: str = sys.platform
    x11_only = os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if not platform.startswith("linux") or not x11_only:
        return []
    return [package for library, package in X11_LIBRARIES.items() if find(library) is None]


def gui_available() -> bool:
    """True when the desktop UI is part of this build."""
    return importlib.util.find_spec("aiprism_desktop.ui.app") is not None


def headless_review(document: Path, out_dir: Path) -> int:
    """Run ``aiprism review`` on ``document`` and say where the results are."""
    from aiprism_desktop.cli import main as cli_main

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = document.stem
    reviewed = out_dir / f"{stem}.reviewed.docx"
    reports = [out_dir / f"{stem}.report.{suffix}" for suffix in ("json", "md", "csv")]
    argv = [
        "review",
        str(document),
        "--provider",
        "offline",
        "--accept-all",
        "--force",  # out/ is ours: each run replaces the previous run's results
        "--out",
        str(reviewed),
    ]
    for report in reports:
        argv += ["--report", str(report)]
    code = cli_main(argv)
    if code == 0:
        print(f"\nThe reviewed document is {reviewed}")
        print("Reports: " + ", ".join(str(r) for r in reports))
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """``./run [FILE.docx]``: the GUI when there is a display, else a headless review."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--self-test"]:  # the installed build checks itself (packaging/pyinstaller)
        from aiprism_desktop.selftest import main as self_test

        return self_test()
    document = Path(args[0]) if args else resources_dir() / "samples" / SAMPLE_NAME
    missing = missing_gui_libraries() if has_display() else []
    if has_display() and gui_available() and not missing:
        from aiprism_desktop.ui.app import main as gui_main

        return int(gui_main([str(document)]))
    if missing:
        print(
            "The window needs these system packages: "
            f"{' '.join(missing)} (e.g. sudo apt install {' '.join(missing)}). "
            "Reviewing headlessly with the offline reviewer instead.",
            file=sys.stderr,
        )
    elif not has_display():
        print("No display found: reviewing headlessly with the offline reviewer.", file=sys.stderr)
    return headless_review(document, Path.cwd() / "out")


if __name__ == "__main__":
    sys.exit(main())
