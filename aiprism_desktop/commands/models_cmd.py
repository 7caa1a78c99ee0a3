"""``aiprism models`` and ``aiprism enable-model``: the model chain and each model's state."""

from __future__ import annotations

import argparse

from aiprism_desktop.app import models
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.commands.common import ExitCode, emit_json, info
from aiprism_desktop.core.reviewer import ModelRow


def format_models(rows: tuple[ModelRow, ...]) -> str:
    """A plain-text table for the terminal: two lines per model."""
    lines = []
    for index, row in enumerate(rows, start=1):
        state = row.state
        if state.state == "cooling_down":
            status = f"cooling down until {state.until} ({state.detail})"
        elif state.state in ("disabled", "not_offered"):
            status = f"{state.state.replace('_', ' ')}: {state.detail}"
        else:
            status = f"ready ({state.detail})" if state.detail else "ready"
        eol = f", end of life {row.eol_date}" if row.eol_date else ""
        lines.append(
            f"{index}. {row.key:<12} {row.name:<20} {row.model_id or '-'}\n"
            f"   {status}; context {row.context_window:,}, max output "
            f"{row.max_output_tokens:,}, JSON mode {row.json_mode}{eol}"
        )
    return "\n".join(lines)


async def run_models(args: argparse.Namespace, services: AppServices) -> int:
    """List the chain in order with resolved ids and ready / cooling down / disabled."""
    view = await models.models(services, region=getattr(args, "region", None))
    if args.json:
        emit_json(
            {
                "provider": view.provider,
                "region": view.location,
                "models": [
                    {
                        "key": row.key,
                        "name": row.name,
                        "model_id": row.model_id or None,
                        "state": row.state.state,
                        "detail": row.state.detail,
                        "until": row.state.until,
                        "lifecycle": row.lifecycle,
                        "eol_date": row.eol_date,
                    }
                    for row in view.rows
                ],
            }
        )
        return ExitCode.OK
    print(f"Model chain of {view.provider} in {view.location} (tried in this order):")
    print(format_models(view.rows))
    return ExitCode.OK


async def run_enable_model(args: argparse.Namespace, services: AppServices) -> int:
    """Put a disabled or cooling-down model back into the chain."""
    await models.enable_model(services, args.model)
    info(f"{args.model} is enabled again.")
    return ExitCode.OK
