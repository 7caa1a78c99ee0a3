"""Bundled Lucide icons (ISC licence, ``resources/icons``), recoloured for the theme.

The SVGs draw with ``currentColor``; each icon is rendered with the theme's text colour at a
few sizes (and twice that for high-DPI screens), and cached per theme.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from aiprism_desktop.core.resources import resources_dir

_SIZES = (16, 20, 24, 32)


@cache
def _svg(name: str) -> str:
    return (resources_dir() / "icons" / f"{name}.svg").read_text(encoding="utf-8")


@cache
def icon(name: str, color: str) -> QIcon:
    """The icon ``name`` (file stem in resources/icons) drawn in ``color``."""
    renderer = QSvgRenderer(QByteArray(_svg(name).replace("currentColor", color).encode()))
    result = QIcon()
    for size in _SIZES:
        for scale in (1, 2):
            pixmap = QPixmap(size * scale, size * scale)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            renderer.render(painter, QRectF(0, 0, size * scale, size * scale))
            painter.end()
            pixmap.setDevicePixelRatio(scale)
            result.addPixmap(pixmap)
    return result
