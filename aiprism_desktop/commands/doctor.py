"""``aiprism doctor``: versions, paths, keyring backend, and which providers are usable."""

from __future__ import annotations

import argparse
import asyncio
import platform
import sqlite3
import sys
from importlib import metadata
from typing import Any

from aiprism_desktop import __version__
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.commands.common import ExitCode, emit_json
from aiprism_desktop.core.errors import AIPrismError
from aiprism_desktop.core.reviewer import ModelControl

_PACKAGES = ("PySide6-Essentials", "qasync", "boto3", "botocore", "lxml", "keyring", "platformdirs")
PROBE_TIMEOUT_S = 20.0


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


async def _provider_status(services: AppServices, name: str) -> dict[str, Any]:
    try:
        reviewer = await services.reviewer(name)
        # A provider with a model chain can prove it answers with one free call.
        check = (
            reviewer.health(probe=True) if isinstance(reviewer, ModelControl) else reviewer.health()
        )
        health = await asyncio.wait_for(check, PROBE_TIMEOUT_S)
    except AIPrismError as error:
        return {"reachable": False, "detail": error.message}
    except TimeoutError:
        return {"reachable": False, "detail": f"no answer within {PROBE_TIMEOUT_S:.0f} s"}
    return {
        "reachable": health.reachable,
        "detail": health.detail,
        "models": [
            {"model": m.model, "state": m.state, "detail": m.detail, "until": m.until}
            for m in health.models
        ],
    }


async def run_doctor(args: argparse.Namespace, services: AppServices) -> int:
    """Everything a support person asks first, in one place."""
    keyring = await services.credentials.astatus()
    pending = await services.store.pending()
    report: dict[str, Any] = {
        "aiprism": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "packages": {name: _version(name) for name in _PACKAGES},
        "paths": {
            "data": str(services.paths.data_dir),
            "config": str(services.paths.config_dir),
            "logs": str(services.paths.log_dir),
            "database": str(services.store.path),
        },
        "keyring": {"backend": keyring.backend, "secure": keyring.secure, "note": keyring.message},
        "settings": {k: v for k, v in services.settings.values.items()},
        "frameworks": sorted(services.frameworks),
        "framework_errors": [e.message for e in services.framework_errors],
        "outbox_pending": len(pending),
        "providers": {
            "offline": await _provider_status(services, "offline"),
            "bedrock": await _provider_status(services, "bedrock"),
        },
    }
    if args.json:
        emit_json(report)
        return ExitCode.OK
    print(f"AI-Prism {report['aiprism']} on Python {report['python']} ({report['platform']})")
    print("packages: " + ", ".join(f"{k} {v}" for k, v in report["packages"].items()))
    for key, value in report["paths"].items():
        print(f"{key:>9}: {value}")
    secure = "secure" if keyring.secure else "NOT secure: credentials are session-only"
    print(f"  keyring: {keyring.backend} ({secure})")
    print(f"frameworks: {', '.join(report['frameworks'])}")
    for problem in report["framework_errors"]:
        print(f"  problem: {problem}")
    print(f"queued requests: {report['outbox_pending']}")
    for name, status in report["providers"].items():
        state = "usable" if status["reachable"] else "not usable"
        print(f"provider {name}: {state} — {status['detail']}")
        for model in status.get("models", []):
            until = f" until {model['until']}" if model["until"] else ""
            print(f"    {model['model']}: {model['state']}{until} {model['detail']}")
    return ExitCode.OK
