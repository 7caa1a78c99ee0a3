"""``aiprism-desktop --self-test``: does this build work here? (exit 0 only if every check does)

Made for the frozen app (packaging/pyinstaller): a bundle that lacks a module, a data file, Qt
plugin or package metadata fails here rather than in a reviewer's hands. Checks, in order:
imports (botocore's service data included), resources, keyring backends, an offscreen window,
a .docx opened, reviewed offline and exported with its comments, read back, and the same
export done by a child process, as the window does. Nothing of the
user's is touched: the review runs in a temporary data folder. One line per check on stdout.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

MODULES = (
    "PySide6.QtWidgets", "PySide6.QtSvg", "PySide6.QtCharts", "qasync", "boto3", "lxml.etree",
    "keyring", "jsonschema", "yaml", "sentencex", "httpx", "httpx_sse", "olefile", "dateutil",
    "tomli_w", "platformdirs", "aiprism_desktop.ui.app", "aiprism_desktop.cli",
)  # fmt: skip
# The keyring backend each OS stores secrets in; found only if the bundle kept keyring's
# entry-point metadata (its backends are plugins).
NATIVE_KEYRING = {
    "linux": "keyring.backends.SecretService",
    "darwin": "keyring.backends.macOS",
    "win32": "keyring.backends.Windows",
}
SAMPLE = "investigation_report.docx"


def check_imports() -> str:
    for name in MODULES:
        importlib.import_module(name)
    import botocore.session

    session = botocore.session.get_session()
    for service in ("bedrock-runtime", "bedrock", "s3", "sts"):
        session.get_service_model(service)  # botocore's JSON data files are bundled
    return f"{len(MODULES)} modules, botocore data for bedrock-runtime, bedrock, s3, sts"


def check_resources() -> str:
    from aiprism_desktop.core.frameworks import load_frameworks
    from aiprism_desktop.core.resources import resources_dir
    from aiprism_desktop.providers.bedrock.chain.profiles import load_model_chain

    root = resources_dir()
    chain = load_model_chain(None)
    frameworks = load_frameworks(None)
    if not (root / "samples" / SAMPLE).is_file():
        raise FileNotFoundError(f"the sample {SAMPLE} is missing from {root}")
    return f"{root}: {len(chain)} models, {len(frameworks)} frameworks"


def check_keyring() -> str:
    """The native backend is registered (entry-point metadata bundled) and imports; which
    backend is in use depends on the session (no Secret Service on a headless CI runner)."""
    import keyring

    registered = {e.value for e in entry_points(group="keyring.backends")}
    native = NATIVE_KEYRING.get(sys.platform)
    if native is not None:
        if native not in registered:
            raise RuntimeError(f"{native} is not registered (found: {sorted(registered)})")
        importlib.import_module(native)
    active = keyring.get_keyring()
    return f"{len(registered)} backends registered, {native} among them; in use: {active.name}"


def check_window() -> str:
    from PySide6.QtWidgets import QApplication

    from aiprism_desktop.ui.app import application, build_window

    application()
    window, _presenter = build_window()
    window.resize(1000, 700)
    window.show()
    QApplication.processEvents()
    picture = window.grab()
    if not window.isVisible() or picture.isNull() or picture.width() < 100:
        raise RuntimeError("the window did not show")
    window.hide()
    return f"offscreen window {picture.width()}x{picture.height()}, theme {window.theme.name}"


def check_round_trip() -> str:
    from aiprism_desktop.cli import main as cli_main
    from aiprism_desktop.core.ooxml.reader import read_document
    from aiprism_desktop.core.resources import resources_dir

    with tempfile.TemporaryDirectory(prefix="aiprism-self-test-") as scratch:
        work = Path(scratch)
        document = work / SAMPLE
        shutil.copyfile(resources_dir() / "samples" / SAMPLE, document)
        reviewed = work / "reviewed.docx"
        os.environ["AIPRISM_DATA_DIR"] = str(work / "data")  # not the user's reviews
        code = cli_main(
            ["review", str(document), "--provider", "offline", "--accept-all",
             "--out", str(reviewed)]
        )  # fmt: skip
        if code != 0:
            raise RuntimeError(f"aiprism review exited {code}")
        before = len(read_document(document).comments)
        after = read_document(reviewed)
        added = len(after.comments) - before
        if added < 1:
            raise RuntimeError("the exported document has no new comment")
    return f"{len(after.sections)} sections, {added} comments exported and read back"


def check_export_process() -> str:
    """The window exports in a spawned child process: the frozen app must start one."""
    import asyncio

    from aiprism_desktop.app.export_worker import ExportWorker
    from aiprism_desktop.app.services import AppServices
    from aiprism_desktop.app.session import ReviewSession
    from aiprism_desktop.core.ooxml.reader import read_document
    from aiprism_desktop.core.resources import resources_dir

    async def export(work: Path) -> tuple[int, int]:
        worker = ExportWorker()
        services = await AppServices.open(work / "data", export_worker=worker)
        try:
            session = await ReviewSession.open(services, resources_dir() / "samples" / SAMPLE)
            await session.analyze()
            await session.accept_all_pending()
            result = await session.export(work / "reviewed.docx")
            return result.docx.comments_added, await worker.run(os.getpid)
        finally:
            await services.close()

    with tempfile.TemporaryDirectory(prefix="aiprism-self-test-") as scratch:
        work = Path(scratch)
        added, child = asyncio.run(export(work))
        read_back = len(read_document(work / "reviewed.docx").comments)
        if added < 1 or read_back < added or child == os.getpid():
            raise RuntimeError(f"{added} comments exported, {read_back} read back")
    return f"{added} comments exported by child process {child}, read back"


CHECKS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("imports", check_imports),
    ("resources", check_resources),
    ("keyring", check_keyring),
    ("window", check_window),
    ("round trip", check_round_trip),
    ("export process", check_export_process),
)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
    failed = 0
    for name, check in CHECKS:
        try:
            detail = check()
        except Exception as error:
            failed += 1
            print(f"FAIL  {name}: {type(error).__name__}: {error}", flush=True)
            traceback.print_exc(file=sys.stderr)
        else:
            print(f"PASS  {name}: {detail}", flush=True)
    print("SELF-TEST PASSED" if not failed else f"SELF-TEST FAILED ({failed} of {len(CHECKS)})")
    return 1 if failed else 0
