"""Settings: generated from the declarations, stored the moment they change (no Save), secrets
into the keyring through the app layer, session-only without a keyring, the model chain's
order and on/off, Test connection in words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from aiprism_desktop.app.settings import declared
from aiprism_desktop.providers.bedrock.chain.profiles import load_model_chain
from aiprism_desktop.ui.app import open_window
from aiprism_desktop.ui.dialogs.settings_dialog import SettingsDialog
from aiprism_desktop.ui.main_window import MainWindow
from tests.conftest import MemoryKeyring
from tests.ui.conftest import SAMPLE, close_window, run


def open_settings(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    window.registry["settings"].trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SettingsDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, SettingsDialog)
    return dialog


def editor(dialog: SettingsDialog, key: str) -> QComboBox | QLineEdit:
    found = dialog.findChild(QComboBox, key) or dialog.findChild(QLineEdit, key)
    assert found is not None, key
    return found


def test_changes_are_stored_at_once_and_refused_values_are_said_next_to_the_field(
    qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    services = window.controller.services
    assert services is not None
    dialog = open_settings(qtbot, window)
    provider = editor(dialog, "review.provider")
    assert isinstance(provider, QComboBox)
    offered = [provider.itemData(i) for i in range(provider.count())]
    assert offered == list(declared("review.provider").choices)

    name = editor(dialog, "review.reviewer_name")
    assert isinstance(name, QLineEdit)
    name.setText("Dana Reviewer")
    name.editingFinished.emit()
    run(qtbot, dialog.binder.settle())
    assert services.settings.reviewer_name == "Dana Reviewer"
    assert run(qtbot, services.store.get_setting("review.reviewer_name")) == "Dana Reviewer"

    region = editor(dialog, "aws.region")
    assert isinstance(region, QLineEdit)
    region.setText("moon-base-1")
    region.editingFinished.emit()
    run(qtbot, dialog.binder.settle())
    error = dialog.binder.errors["aws.region"]
    assert not error.isHidden()  # shown (on the AWS tab)
    assert "not an AWS region" in error.text()
    assert services.settings["aws.region"] == ""

    # Secrets go to the keyring through the app layer; the sign-in method follows.
    page = dialog.aws
    page.key_id.setText("AKIATESTKEY12345")
    page.secret.setText("secret-value")
    qtbot.mouseClick(
        next(b for b in page.findChildren(QPushButton) if b.text().startswith("Keep the access")),
        Qt.MouseButton.LeftButton,
    )
    qtbot.waitUntil(lambda: services.settings["aws.auth_method"] == "keys")
    assert ("AI-Prism", "aws_secret_access_key") in memory_keyring.entries
    assert page.secret.text() == ""  # not left in the form
    method = editor(dialog, "aws.auth_method")
    assert isinstance(method, QComboBox)
    qtbot.waitUntil(lambda: method.currentData() == "keys")
    qtbot.waitUntil(lambda: "system keyring" in page.keyring.text())

    # Test connection, offline: in words.
    qtbot.mouseClick(
        next(b for b in dialog.findChildren(QPushButton) if b.text().startswith("Test Offline")),
        Qt.MouseButton.LeftButton,
    )
    qtbot.waitUntil(lambda: dialog.results["offline"].text().startswith("Reachable."))
    assert "rules enabled" in dialog.results["offline"].text()

    # The model chain: switch one off and move another up; the file the chain reads changes.
    models = dialog.models
    qtbot.waitUntil(lambda: models.list.count() == 7)
    models.list.item(1).setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: models.task is not None and models.task.done())
    models.list.setCurrentRow(2)
    models.move_selected(-1)
    qtbot.waitUntil(lambda: models.task is not None and models.task.done())
    chain = load_model_chain(services.paths.config_dir)
    keys = [models.list.item(n).data(Qt.ItemDataRole.UserRole + 1) for n in range(7)]
    assert [p.key for p in chain] == keys
    assert [p.enabled for p in chain].count(False) == 1
    dialog.close()


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_the_dialog_says_secrets_last_for_this_session(
    qtbot: QtBot, qloop: object, data_dir: Path, no_keyring: None
) -> None:
    window = run(qtbot, open_window(SAMPLE, data_dir=data_dir))
    try:
        dialog = open_settings(qtbot, window)
        page = dialog.aws
        qtbot.waitUntil(lambda: "this session only" in page.keyring.text())
        page.api_key.setText("bedrock-api-key-value")
        page.save_api_key()
        qtbot.waitUntil(lambda: window.controller.services.settings["aws.auth_method"] == "api_key")  # type: ignore[union-attr]
        services = window.controller.services
        assert services is not None
        # Kept for this process only: nothing stored, so a restart does not point at it.
        assert run(qtbot, services.store.get_setting("aws.auth_method")) is None
        dialog.close()
    finally:
        close_window(qtbot, window)
