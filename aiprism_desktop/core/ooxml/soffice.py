"""Convert .doc/.rtf/.odt to .docx with headless LibreOffice, in a private, disposable place.

Each conversion gets its own temporary folder (mode 0700, removed afterwards) holding the
input, the output and a fresh LibreOffice profile (``-env:UserInstallation``) whose settings
disable macros outright (``DisableMacrosExecution``, security level "very high"), so no
document macro or event script runs and no other LibreOffice instance or user profile is
touched. soffice runs in its own process group with a time limit; on timeout the whole group
is killed. It needs no network. The same input converts to the same package (LibreOffice's
output is deterministic for a given version), and the last few conversions are kept in
memory, so a read followed by an export converts once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from aiprism_desktop.core.ooxml.errors import ConversionFailedError

DEFAULT_TIMEOUT_S = 120.0
_MEMO_ENTRIES = 4
_FILTER = "docx:MS Word 2007 XML"
# A profile that refuses to run any macro, written before soffice first starts.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    """The LibreOffice binary: ``$AIPRISM_SOFFICE`` ("none" = do not convert), else PATH."""
    configured = os.environ.get("AIPRISM_SOFFICE")
    if configured is not None:
        return None if configured.strip().lower() in ("", "none") else configured
    return shutil.which("soffice") or shutil.which("libreoffice")


class SofficeConverter:
    """``legacy.Converter`` backed by a LibreOffice binary."""

    def __init__(self, binary: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.binary = binary
        self.timeout_s = timeout_s
        self._memo: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def convert(self, data: bytes, source_format: str) -> bytes:
        key = hashlib.sha256(data).hexdigest()
        with self._lock:
            cached = self._memo.get(key)
            if cached is not None:
                self._memo.move_to_end(key)
                return cached
        converted = self._run(data, source_format)
        with self._lock:
            self._memo[key] = converted
            while len(self._memo) > _MEMO_ENTRIES:
                self._memo.popitem(last=False)
        return converted

    def _run(self, data: bytes, source_format: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="aiprism-convert-") as folder:
            work = Path(folder)
            os.chmod(work, 0o700)
            source = work / f"input.{source_format}"
            source.write_bytes(data)
            profile = work / "profile"
            (profile / "user").mkdir(parents=True)
            (profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, "utf-8")
            out = work / "out"
            command = [
                self.binary,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                "--convert-to",
                _FILTER,
                "--outdir",
                str(out),
                str(source),
            ]
            env = {"PATH": os.environ.get("PATH", ""), "HOME": str(work), "LANG": "C.UTF-8"}
            self._execute(command, env, work)
            result = out / "input.docx"
            if not result.is_file() or result.stat().st_size == 0:
                raise ConversionFailedError(
                    detail=f"LibreOffice wrote no .docx for the .{source_format} file"
                )
            return result.read_bytes()

    def _execute(self, command: list[str], env: dict[str, str], cwd: Path) -> None:
        try:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,  # its own process group: a timeout kills all of it
            )
        except OSError as exc:
            raise ConversionFailedError(detail=f"{self.binary}: {exc}") from None
        try:
            _, stderr = process.communicate(timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ConversionFailedError(
                "LibreOffice took too long to convert this file, so it was stopped. Open the "
                "file in Word or LibreOffice, save it as Word Document (*.docx), and open the "
                "copy.",
                detail=f"timeout after {self.timeout_s:.0f} s",
            ) from None
        finally:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)  # helpers left behind by soffice
        if process.returncode != 0:
            raise ConversionFailedError(
                detail=f"soffice exit {process.returncode}: {stderr.decode(errors='replace')[:300]}"
            )


_default: SofficeConverter | None = None
_default_binary: str | None = None
_default_lock = threading.Lock()


def default_converter() -> SofficeConverter | None:
    """The process-wide converter (one memo for reads and exports), or None without
    LibreOffice."""
    global _default, _default_binary
    binary = find_soffice()
    if binary is None:
        return None
    with _default_lock:
        if _default is None or _default_binary != binary:
            _default, _default_binary = SofficeConverter(binary), binary
        return _default
