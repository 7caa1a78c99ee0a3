"""Settings: reviewer (offline / Bedrock / team backend, as the settings declare them), Test
connection, your name, framework, theme; AWS sign-in; the model chain. Every change is stored
the moment it is made — there is no Save button."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.app import credentials
from aiprism_desktop.app.connection import check_bedrock
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.settings import SETTINGS, declared
from aiprism_desktop.ui.dialogs.setting_fields import SettingsBinder, add_field, run_guarded
from aiprism_desktop.ui.dialogs.settings_aws import AwsPage
from aiprism_desktop.ui.dialogs.settings_models import ModelsPage

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
PROVIDER_LABELS = {
    "offline": "Offline rules (no network)",
    "bedrock": "Claude on Amazon Bedrock",
    "backend": "Team backend",
}


class SettingsDialog(QDialog):
    """Tabs: Reviewer, AWS, Models."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.services = services
        self.binder = SettingsBinder(services, self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._reviewer_page(), "Reviewer")
        self.aws = AwsPage(self.binder)
        self.tabs.addTab(self.aws, "AWS")
        self.models = ModelsPage(self.binder)
        self.tabs.addTab(self.models, "Models")
        note = QLabel("Changes are saved as you make them.")
        note.setObjectName("muted")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(640, 600)

    def _reviewer_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        providers = declared("review.provider").choices
        add_field(form, self.binder, "review.provider", labels=PROVIDER_LABELS)
        frameworks = self.services.frameworks
        add_field(
            form,
            self.binder,
            "review.framework",
            choices=sorted(frameworks),
            labels={key: fw.name for key, fw in frameworks.items()},
        )
        add_field(
            form,
            self.binder,
            "review.reviewer_name",
            placeholder=f"{self.services.settings.reviewer_name} (your login name)",
        )
        add_field(form, self.binder, "review.concurrency")
        add_field(form, self.binder, "ui.theme", labels=THEME_LABELS)
        backend_form = QFormLayout()
        for setting in SETTINGS:  # settings of providers added later (e.g. the team backend)
            prefix = setting.key.split(".")[0]
            if prefix == "backend":
                add_field(backend_form, self.binder, setting.key)
            elif prefix not in ("review", "ui", "aws", "bedrock"):
                add_field(form, self.binder, setting.key)
        box = QGroupBox("Review")
        box.setLayout(form)
        tests = QFormLayout()
        self.results: dict[str, QLabel] = {}
        for provider in providers:
            button, result = self._test_row(provider)
            if provider == "backend":
                self._add_backend_token(backend_form)
                backend_form.addRow(button, result)
            else:
                tests.addRow(button, result)
        test_box = QGroupBox("Test connection")
        test_box.setLayout(tests)
        layout = QVBoxLayout(page)
        layout.addWidget(box)
        if backend_form.rowCount():
            backend_box = QGroupBox("Team backend")
            backend_box.setLayout(backend_form)
            layout.addWidget(backend_box)
        layout.addWidget(test_box)
        layout.addStretch(1)
        return page

    def _test_row(self, provider: str) -> tuple[QPushButton, QLabel]:
        button = QPushButton(f"Test {PROVIDER_LABELS.get(provider, provider)}")
        button.setAccessibleName(f"Test connection: {provider}")
        result = QLabel()
        result.setWordWrap(True)
        result.setAccessibleName(f"Test result: {provider}")
        self.results[provider] = result
        button.clicked.connect(lambda _c=False, p=provider: self.test(p))
        return button, result

    def _add_backend_token(self, form: QFormLayout) -> None:
        """The token goes to the keyring through the secrets layer; the field never shows it."""
        self.backend_token = QLineEdit()
        self.backend_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.backend_token.setAccessibleName("Team backend token")
        self.backend_token.setPlaceholderText("paste the token your team's admin gave you")
        keep = QPushButton("Keep the token")
        keep.clicked.connect(self.save_backend_token)
        form.addRow("Token", self.backend_token)
        form.addRow("", keep)

    def test(self, provider: str) -> None:
        async def work() -> str:
            if provider == "bedrock":
                report = await check_bedrock(self.services)
                lines = [report.summary()]
                lines += [
                    f"• {m.display_name}: {'usable' if m.usable else m.reason}"
                    for m in report.models
                ]
                return "<br>".join(lines)
            health = await (await self.services.reviewer(provider)).health()
            verdict = "Reachable." if health.reachable else "Not reachable."
            return f"{verdict} {health.detail}".strip()

        run_guarded(self.results[provider], work, "Testing…")

    def save_backend_token(self) -> None:
        async def work() -> str:
            outcome = await credentials.save_backend_token(
                self.services, self.backend_token.text().strip()
            )
            self.backend_token.clear()
            return outcome.message

        run_guarded(self.results["backend"], work, "Keeping the token…")

    def refresh_values(self, keys: tuple[str, ...]) -> None:
        """Show values changed elsewhere (e.g. the sign-in method after keeping a key)."""
        for key in keys:
            editor = self.findChild(QWidget, key)
            if editor is None:
                continue
            value = self.services.settings[key]
            editor.blockSignals(True)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(value))
            elif isinstance(editor, QLineEdit):
                editor.setText(str(value))
            editor.blockSignals(False)
