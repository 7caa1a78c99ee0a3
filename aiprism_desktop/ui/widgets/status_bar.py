"""The status bar: which reviewer, the run's progress with the model being tried live and a
Cancel button, and how many requests wait in the offline queue."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from aiprism_desktop.ui.icons import icon
from aiprism_desktop.ui.theme import Theme


class AppStatusBar(QStatusBar):
    """Progress while analysing; the queue count whenever something waits."""

    cancel_clicked = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.provider = QLabel()
        self.provider.setAccessibleName("Reviewer in use")
        self.live = QLabel()
        self.live.setAccessibleName("Model being tried")
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Analysis progress")
        self.bar.setMaximumWidth(180)
        self.bar.setFormat("%v of %m sections")
        self.cancel = QPushButton("Cancel")
        self.cancel.setAccessibleName("Cancel the analysis")
        self.cancel.clicked.connect(self.cancel_clicked)
        self.queue = QPushButton()
        self.queue.setFlat(True)
        self.queue.setAccessibleName("Queued requests")
        self.queue.setToolTip(
            "Sections that wait for the reviewer to be reachable; they run when it is back."
        )
        self.addWidget(self.live, 1)
        self.addPermanentWidget(self.bar)
        self.addPermanentWidget(self.cancel)
        self.addPermanentWidget(self.queue)
        self.addPermanentWidget(self.provider)
        self.apply_theme(theme)
        self.set_running(False)
        self.set_queue(0)

    def apply_theme(self, theme: Theme) -> None:
        self.queue.setIcon(icon("cloud-off", theme.text))

    def set_running(self, running: bool, total: int = 0) -> None:
        self.bar.setVisible(running)
        self.cancel.setVisible(running)
        if running:
            self.bar.setRange(0, max(total, 1))
            self.bar.setValue(0)
        else:
            self.live.clear()

    def set_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def set_live(self, text: str) -> None:
        self.live.setText(text)

    def set_queue(self, pending: int) -> None:
        self.queue.setVisible(pending > 0)
        plural = "s" if pending != 1 else ""
        self.queue.setText(f"{pending} request{plural} queued (offline)")

    def set_provider(self, text: str) -> None:
        self.provider.setText(text)
