"""The main window: a shell that composes the panels and the docks. What the panels show is
kept in step with the review by ``ui.presenter``; the menus, toolbar and shortcuts come from
``ui.commands`` (``ui.app.build_window`` puts the three together)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QWidget,
)

from aiprism_desktop.app.section_status import SectionStatus
from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.ui import theme as themes
from aiprism_desktop.ui.actions import ActionRegistry
from aiprism_desktop.ui.controller import ReviewController
from aiprism_desktop.ui.dialogs.error_dialog import ErrorDialog
from aiprism_desktop.ui.dialogs.settings_dialog import SettingsDialog
from aiprism_desktop.ui.models.findings_model import FindingsModel
from aiprism_desktop.ui.models.sections_model import SectionsModel
from aiprism_desktop.ui.status_icons import StatusIcons
from aiprism_desktop.ui.widgets.activity_panel import ActivityPanel
from aiprism_desktop.ui.widgets.chat_dock import ChatDock
from aiprism_desktop.ui.widgets.dashboard import Dashboard
from aiprism_desktop.ui.widgets.findings_panel import FindingsPanel
from aiprism_desktop.ui.widgets.models_panel import ModelsPanel
from aiprism_desktop.ui.widgets.navigator import Navigator
from aiprism_desktop.ui.widgets.section_view import SectionView
from aiprism_desktop.ui.widgets.status_bar import AppStatusBar
from aiprism_desktop.ui.widgets.welcome import WelcomePage

DOCUMENT_SUFFIXES = (".docx", ".docm", ".dotx", ".dotm")
SETTINGS_ORG, SETTINGS_APP = "AI-Prism", "AI-Prism Desktop"
LAYOUT_VERSION = 1


class MainWindow(QMainWindow):
    """Docks: sections (left), findings and chat (right), models and activity (bottom);
    centre: the welcome page, then the section view and the dashboard."""

    theme_changed = Signal(object)  # Theme

    def __init__(self, controller: ReviewController, theme: themes.Theme) -> None:
        super().__init__()
        self.setWindowTitle("AI-Prism")
        self.setAccessibleName("AI-Prism main window")
        self.setObjectName("main_window")
        self.setAcceptDrops(True)
        self.resize(1360, 860)
        self.controller = controller
        self.theme = theme
        self.icons = StatusIcons(theme)
        self.closing = False
        self.shutdown_task: asyncio.Task[None] | None = None
        self.closed = asyncio.Event()  # set once the store is closed and the window is gone
        self.export_dialog: QDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.command_palette: QDialog | None = None

        self.sections_model = SectionsModel(self._section_status, self.icons.for_status, self)
        self.findings_model = FindingsModel(
            lambda: controller.session.state if controller.session else None, self
        )
        self.navigator = Navigator(self.sections_model)
        self.findings = FindingsPanel(self.findings_model, theme)
        self.section_view = SectionView(theme)
        self.dashboard = Dashboard(theme)
        self.chat = ChatDock(theme)
        self.models_panel = ModelsPanel()
        self.activity = ActivityPanel()
        self.welcome = WelcomePage()
        self.status = AppStatusBar(theme)
        self.setStatusBar(self.status)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Document and dashboard")
        self.tabs.addTab(self.section_view, "Document")
        self.tabs.addTab(self.dashboard, "Dashboard")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        self.docks: dict[str, QDockWidget] = {}
        for key, title, widget, area in (
            ("sections", "Sections", self.navigator, Qt.DockWidgetArea.LeftDockWidgetArea),
            ("findings", "Findings", self.findings, Qt.DockWidgetArea.RightDockWidgetArea),
            ("chat", "Chat", self.chat, Qt.DockWidgetArea.RightDockWidgetArea),
            ("models", "Models", self.models_panel, Qt.DockWidgetArea.BottomDockWidgetArea),
            ("activity", "Activity", self.activity, Qt.DockWidgetArea.BottomDockWidgetArea),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(widget)
            dock.setAccessibleName(f"{title} panel")
            self.addDockWidget(area, dock)
            self.docks[key] = dock
        self.tabifyDockWidget(self.docks["findings"], self.docks["chat"])
        self.tabifyDockWidget(self.docks["models"], self.docks["activity"])
        self.docks["findings"].raise_()
        self.docks["activity"].raise_()
        self.resizeDocks(
            [self.docks["sections"], self.docks["findings"]], [340, 440], Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.docks["activity"]], [190], Qt.Orientation.Vertical)

        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("toolbar_main")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(self.toolbar)
        self.registry = ActionRegistry(self)
        self.current_section = ""  # the section the section view shows (set by the presenter)
        self.welcome.open_clicked.connect(self.choose_document)
        self.welcome.recent_chosen.connect(self.open_path)
        controller.runner.failed.connect(self.show_error)
        self.chat.failed.connect(self.show_error)
        themes.apply(self._application(), theme)

    def _section_status(self, section_id: str) -> SectionStatus:
        session = self.controller.session
        return session.section_status(section_id) if session else SectionStatus("not_analyzed")

    # -- theme and layout --------------------------------------------------------------------
    @staticmethod
    def _application() -> QApplication:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        return app

    def apply_theme(self, theme: themes.Theme) -> None:
        self.theme = theme
        themes.apply(self._application(), theme)
        self.icons.theme = theme
        self.findings.apply_theme(theme)
        self.status.apply_theme(theme)
        self.section_view.theme = theme
        self.chat.theme = theme
        self.dashboard.theme = theme
        self.theme_changed.emit(theme)

    def restore_layout(self) -> None:
        settings = QSettings(SETTINGS_ORG, SETTINGS_APP)
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        settings = QSettings(SETTINGS_ORG, SETTINGS_APP)
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        settings.sync()

    def set_document_actions(self, enabled: bool) -> None:
        for key, action in self.registry.actions.items():
            if self.registry.commands[key].group in ("Review",) or key in (
                "export",
                "undo",
                "redo",
                "dashboard",
            ):
                action.setEnabled(enabled)
        self.registry["cancel"].setEnabled(enabled and self.controller.analyzing)

    # -- documents ---------------------------------------------------------------------------
    def choose_document(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a Word document", "", "Word documents (*.docx *.docm *.dotx *.dotm)"
        )
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> None:
        if path.suffix.lower() not in DOCUMENT_SUFFIXES:
            self.show_error(
                f"Opening {path.name}",
                DocumentError(
                    f"'{path.name}' is not a Word document: AI-Prism reviews .docx, .docm and "
                    ".dotx files. Save it as .docx in Word first."
                ),
            )
            return
        self.status.showMessage(f"Opening {path.name}…")
        self.controller.open_document(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()
            self.open_path(Path(urls[0].toLocalFile()))

    # -- errors ------------------------------------------------------------------------------
    def show_error(self, what: str, error: object) -> ErrorDialog:
        exception = error if isinstance(error, BaseException) else RuntimeError(str(error))
        dialog = ErrorDialog(what, exception, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.status.showMessage(f"{what} failed.", 8000)
        return dialog

    # -- closing -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout, then stop the work and close the store before the window goes."""
        if self.shutdown_task is not None and self.shutdown_task.done():
            event.accept()
            return
        event.ignore()
        if self.shutdown_task is None:
            self.closing = True
            self.save_layout()
            self.shutdown_task = asyncio.ensure_future(self._shutdown())

    async def _shutdown(self) -> None:
        try:
            await self.controller.shutdown()
        finally:
            self.close()
            self.closed.set()

    def focus_widget(self, widget: QWidget) -> None:
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
