"""``aiprism findings`` and ``aiprism stats``."""

from __future__ import annotations

import argparse
from typing import Any

from aiprism_desktop.app.services import AppServices
from aiprism_desktop.commands.common import ExitCode, emit_json, open_session
from aiprism_desktop.core.codec import finding_to_dict


async def run_findings(args: argparse.Namespace, services: AppServices) -> int:
    """List the stored findings of the document with their decisions."""
    session = await open_session(services, args.file)
    document = session.document
    states = session.state.finding_states()
    if args.json:
        items: list[dict[str, Any]] = []
        for item in states:
            data = finding_to_dict(item.finding)
            data["decision"] = item.decision.value
            data["reason"] = item.reason
            items.append(data)
        emit_json({"document": str(document.path), "findings": items})
        return ExitCode.OK
    if not states:
        print("No findings stored for this document: run `aiprism review` first.")
        return ExitCode.OK
    for item in states:
        finding = item.finding
        where = "" if finding.anchor else " (unanchored)"
        print(
            f"{finding.id}  [{item.decision.value}] {finding.risk.value}/{finding.type.value} "
            f"{finding.category}: {finding.description}{where}"
        )
        if finding.quote:
            print(f"    “{finding.quote}”")
    return ExitCode.OK


async def run_stats(args: argparse.Namespace, services: AppServices) -> int:
    """Statistics of the stored review."""
    session = await open_session(services, args.file)
    data = session.statistics().to_dict()
    if args.json:
        emit_json(data)
        return ExitCode.OK
    for key, value in data.items():
        if isinstance(value, dict):
            print(f"{key}:")
            for inner_key, inner_value in value.items():
                print(f"  {inner_key}: {inner_value}")
        elif not isinstance(value, list):
            print(f"{key}: {value}")
    return ExitCode.OK
