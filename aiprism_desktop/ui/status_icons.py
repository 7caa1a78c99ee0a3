"""An icon for each section state in the navigator, in the theme's colours."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from aiprism_desktop.app.section_status import SectionStatus
from aiprism_desktop.ui.icons import icon
from aiprism_desktop.ui.theme import Theme


class StatusIcons:
    def __init__(self, theme: Theme) -> None:
        self.theme = theme

    def for_status(self, status: SectionStatus) -> QIcon:
        theme = self.theme
        if status.kind == "not_analyzed":
            return icon("file-text", theme.muted)
        if status.kind == "queued":
            return icon("cloud-off", theme.muted)
        if status.kind == "analyzing":
            return icon("refresh-cw", theme.accent)
        if status.kind == "failed":
            return icon("triangle-alert", theme.rejected)
        if status.kind == "decided" or status.findings == 0:
            return icon("circle-check", theme.accepted)
        top = next((risk.value for risk, count in status.by_risk if count), "low")
        return icon("circle-alert", theme.risk[top])
