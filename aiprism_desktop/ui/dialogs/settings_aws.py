"""Settings → AWS: sign-in method (default chain, keys, profile incl. SSO, Bedrock API key),
secrets kept in the OS keyring through the app layer only, region, global routing, S3."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aiprism_desktop.app import credentials
from aiprism_desktop.secrets.credentials import AwsKeys
from aiprism_desktop.ui.dialogs.setting_fields import SettingsBinder, add_field, run_guarded

ROUTING_LABELS = {
    "auto": "Only where the region has no own profiles (keeps EU documents in the EU)",
    "yes": "Allowed: any commercial region",
    "no": "Never",
}
SIGN_IN_LABELS = {
    "default_chain": "AWS default (environment, AWS_PROFILE, SSO, role)",
    "keys": "Access key (kept in the keyring)",
    "profile": "Named profile from ~/.aws/config (SSO included)",
    "api_key": "Bedrock API key (kept in the keyring)",
}


def _secret(placeholder: str, name: str) -> QLineEdit:
    line = QLineEdit()
    line.setEchoMode(QLineEdit.EchoMode.Password)
    line.setPlaceholderText(placeholder)
    line.setAccessibleName(name)
    return line


class AwsPage(QWidget):
    """Sign-in, where, and where exports go."""

    def __init__(self, binder: SettingsBinder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.binder = binder
        self.keyring = QLabel("Checking the keyring…")
        self.keyring.setWordWrap(True)
        self.keyring.setAccessibleName("Keyring status")
        sign_in = QFormLayout()
        add_field(sign_in, binder, "aws.auth_method", labels=SIGN_IN_LABELS)
        add_field(sign_in, binder, "aws.profile_name", placeholder="e.g. my-sso-profile")
        add_field(sign_in, binder, "aws.region", placeholder="e.g. eu-west-1 (empty: AWS_REGION)")
        add_field(sign_in, binder, "bedrock.global_routing", labels=ROUTING_LABELS)

        self.key_id = _secret("AKIA…", "Access key ID")
        self.key_id.setEchoMode(QLineEdit.EchoMode.Normal)
        self.secret = _secret("Secret access key", "Secret access key")
        self.token = _secret("Session token (optional)", "Session token")
        self.keys_result = QLabel()
        self.keys_result.setWordWrap(True)
        keep_keys = QPushButton("Keep the access key and use it")
        keep_keys.setAccessibleName("Keep the access key in the keyring")
        keep_keys.clicked.connect(self.save_keys)
        keys = QFormLayout()
        keys.addRow("Access key ID", self.key_id)
        keys.addRow("Secret access key", self.secret)
        keys.addRow("Session token", self.token)
        keys.addRow("", keep_keys)
        keys.addRow("", self.keys_result)

        self.api_key = _secret("Bedrock API key", "Bedrock API key")
        keep_api = QPushButton("Keep the API key and use it")
        keep_api.setAccessibleName("Keep the Bedrock API key in the keyring")
        keep_api.clicked.connect(self.save_api_key)
        self.api_result = QLabel()
        self.api_result.setWordWrap(True)
        forget = QPushButton("Forget every saved secret")
        forget.setAccessibleName("Forget every saved secret")
        forget.clicked.connect(self.forget)
        keys.addRow("API key", self.api_key)
        keys.addRow("", keep_api)
        keys.addRow("", self.api_result)
        keys.addRow("", forget)

        s3 = QFormLayout()
        for key in ("aws.s3_bucket", "aws.s3_prefix", "aws.s3_sse", "aws.s3_kms_key_id"):
            add_field(s3, binder, key)

        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring)
        for title, form in (("Sign-in and region", sign_in), ("Secrets", keys), ("S3 export", s3)):
            box = QGroupBox(title)
            box.setLayout(form)
            layout.addWidget(box)
        layout.addStretch(1)
        run_guarded(self.keyring, self._keyring_text, "Checking the keyring…")

    async def _keyring_text(self) -> str:
        status = await self.binder.services.credentials.astatus()
        if status.session_only:
            return (
                "<b>No secure keyring on this machine:</b> secrets you enter last for this "
                "session only (nothing is written to disk)."
            )
        return f"Secrets are kept in the system keyring ({status.backend})."

    def save_keys(self) -> None:
        async def work() -> str:
            keys = AwsKeys(self.key_id.text(), self.secret.text(), self.token.text() or None)
            outcome = await credentials.save_aws_keys(self.binder.services, keys)
            self.secret.clear()
            self.token.clear()
            return outcome.message

        run_guarded(self.keys_result, work, "Keeping the access key…")

    def save_api_key(self) -> None:
        async def work() -> str:
            outcome = await credentials.save_bedrock_api_key(
                self.binder.services, self.api_key.text().strip()
            )
            self.api_key.clear()
            return outcome.message

        run_guarded(self.api_result, work, "Keeping the API key…")

    def forget(self) -> None:
        async def work() -> str:
            await credentials.delete_all(self.binder.services)
            return "Every saved secret is forgotten."

        run_guarded(self.api_result, work, "Forgetting…")
