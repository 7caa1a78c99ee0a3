"""Light and dark themes: the Fusion style with a palette, a little QSS, and risk colours.

"system" follows the operating system's colour scheme (and its changes while running).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True, slots=True)
class Theme:
    """Colours of one theme (hex strings, usable in QSS and HTML)."""

    name: str
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    accent: str
    border: str
    card: str
    risk: dict[str, str]  # strong colour per risk (chips, strips)
    highlight: dict[str, str]  # background of a quote per risk
    accepted: str
    rejected: str
    pending: str
    flash: str

    @property
    def is_dark(self) -> bool:
        return self.name == "dark"


LIGHT = Theme(
    name="light",
    window="#f4f5f7",
    base="#ffffff",
    alt_base="#f0f2f5",
    text="#1d2127",
    muted="#5c6570",
    accent="#2f6fdf",
    border="#d3d7dd",
    card="#ffffff",
    risk={"high": "#c62828", "medium": "#d46b08", "low": "#1e63c4"},
    highlight={"high": "#ffd3d3", "medium": "#ffe3bf", "low": "#d6e6ff"},
    accepted="#1b7f3b",
    rejected="#b3261e",
    pending="#5c6570",
    flash="#fff176",
)
DARK = Theme(
    name="dark",
    window="#1e2125",
    base="#25292e",
    alt_base="#2c3137",
    text="#e6e8eb",
    muted="#a2a9b1",
    accent="#6ea1ff",
    border="#3c434b",
    card="#2c3137",
    risk={"high": "#ff7a7a", "medium": "#ffb35c", "low": "#7fb2ff"},
    highlight={"high": "#6b2b2b", "medium": "#6a4715", "low": "#24456e"},
    accepted="#6fd08c",
    rejected="#ff8a80",
    pending="#a2a9b1",
    flash="#8a7a00",
)


def system_prefers_dark() -> bool:
    """Whether the OS asks for dark colours (Qt ≥ 6.5 knows; otherwise light)."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def resolve(choice: str) -> Theme:
    """The theme for the ``ui.theme`` setting: system, light or dark."""
    if choice == "dark" or (choice == "system" and system_prefers_dark()):
        return DARK
    return LIGHT


def _palette(theme: Theme) -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    for r, value in (
        (role.Window, theme.window),
        (role.WindowText, theme.text),
        (role.Base, theme.base),
        (role.AlternateBase, theme.alt_base),
        (role.Text, theme.text),
        (role.Button, theme.alt_base),
        (role.ButtonText, theme.text),
        (role.ToolTipBase, theme.base),
        (role.ToolTipText, theme.text),
        (role.PlaceholderText, theme.muted),
        (role.Highlight, theme.accent),
        (role.HighlightedText, "#ffffff"),
        (role.Link, theme.accent),
    ):
        palette.setColor(r, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(disabled, r, QColor(theme.muted))
    return palette


def stylesheet(theme: Theme) -> str:
    """The few rules the palette cannot express."""
    return f"""
    QToolTip {{ border: 1px solid {theme.border}; padding: 4px; }}
    QDockWidget::title {{ padding: 4px 6px; background: {theme.alt_base}; }}
    QStatusBar {{ border-top: 1px solid {theme.border}; }}
    QFrame#card {{ background: {theme.card}; border: 1px solid {theme.border};
                   border-radius: 8px; }}
    QLabel#muted {{ color: {theme.muted}; }}
    QLabel#banner {{ padding: 8px; border-radius: 6px; background: {theme.alt_base}; }}
    QPushButton {{ padding: 4px 10px; }}
    QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QSpinBox {{ padding: 3px; }}
    """


def apply(app: QApplication, theme: Theme) -> None:
    """Apply a theme to the whole application."""
    app.setStyle("Fusion")
    app.setPalette(_palette(theme))
    app.setStyleSheet(stylesheet(theme))
