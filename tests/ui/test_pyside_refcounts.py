"""PySide6 must not drop references it does not own: one that drops a reference to None on each
void call (6.12.0 does) aborts the window with "deallocating None" after some thousands of
paints, on Pythons where None is not immortal (3.11). pyproject.toml keeps such versions out."""

from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from pytestqt.qtbot import QtBot

CALLS = 500


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_void_calls_keep_the_references_to_none(qtbot: QtBot) -> None:
    pixmap = QPixmap(64, 64)
    painter = QPainter(pixmap)
    try:
        gc.collect()
        before = sys.getrefcount(None)
        for _ in range(CALLS):  # what a card delegate does for every card it paints
            painter.save()
            painter.setPen(QPen(QColor("#336699"), 1))
            painter.fillRect(QRect(0, 0, 8, 8), QColor("#ff0000"))
            painter.restore()
        gc.collect()
        lost = before - sys.getrefcount(None)
    finally:
        painter.end()
    assert lost < CALLS, f"{lost} references to None dropped by {CALLS} rounds of painter calls"
