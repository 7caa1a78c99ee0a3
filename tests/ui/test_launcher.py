"""./run on Linux/X11 without the libraries Qt's xcb plugin loads: a clear message naming the
packages and the headless review, instead of Qt aborting the process."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from aiprism_desktop import launcher


def test_missing_x11_libraries_are_named_by_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    present = {"xcb-icccm"}
    missing = launcher.missing_gui_libraries(lambda name: name if name in present else None)
    assert missing == ["libxcb-cursor0", "libxcb-keysyms1"]
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")  # Wayland does not use xcb
    assert launcher.missing_gui_libraries(lambda _name: None) == []


def test_the_launcher_falls_back_to_the_headless_review_and_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(launcher, "has_display", lambda: True)
    monkeypatch.setattr(launcher, "missing_gui_libraries", lambda: ["libxcb-cursor0"])
    reviewed: list[Path] = []

    def headless(document: Path, _out: Path) -> int:
        reviewed.append(document)
        return 0

    monkeypatch.setattr(launcher, "headless_review", headless)
    assert launcher.main([]) == 0
    assert reviewed
    assert "libxcb-cursor0" in capsys.readouterr().err
