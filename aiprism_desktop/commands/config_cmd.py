"""``aiprism config`` (non-secret settings) and ``aiprism credentials`` (the OS keyring)."""

from __future__ import annotations

import argparse
import getpass
import sys

from aiprism_desktop.app import connection
from aiprism_desktop.app import credentials as saved
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.settings import SETTINGS, declared, parse_value
from aiprism_desktop.commands.common import (
    CredentialsNotKeptError,
    ExitCode,
    UsageError,
    emit_json,
    info,
)
from aiprism_desktop.secrets.credentials import AwsKeys, SaveOutcome


async def run_config(args: argparse.Namespace, services: AppServices) -> int:
    """List, show, set or unset a setting."""
    if args.config_action == "list":
        settings = services.settings
        if args.json:
            emit_json(dict(settings.values))
            return ExitCode.OK
        for setting in SETTINGS:
            print(f"{setting.key} = {settings[setting.key]!r}    # {setting.help}")
        return ExitCode.OK
    setting = declared(args.key)
    if args.config_action == "get":
        print(services.settings[setting.key])
    elif args.config_action == "set":
        value = parse_value(setting.key, args.value)
        await services.set_setting(setting.key, value)
        info(f"{setting.key} = {value!r}")
    else:
        await services.unset_setting(setting.key)
        info(f"{setting.key} is back to its default ({setting.default!r}).")
    return ExitCode.OK


def _read_secret(prompt: str, *, from_stdin: bool) -> str:
    """A secret from a hidden prompt, or one line of stdin for scripts (never a CLI argument,
    which would land in shell history and the process list)."""
    if from_stdin:
        return sys.stdin.readline().strip()
    return getpass.getpass(prompt).strip()


_AWS_INSTEAD = (
    "use an AWS profile (`aiprism config set aws.auth_method profile`) or environment variables"
)


def _report_saved(outcome: SaveOutcome, what: str, instead: str = _AWS_INSTEAD) -> int:
    """Success only for a secret that was really kept: the command line ends with this
    command, so a session-only secret is gone at once (and the stored sign-in method stays)."""
    if outcome.persisted:
        info(f"{what} saved in the OS keyring.")
        return ExitCode.OK
    raise CredentialsNotKeptError(
        f"{what} NOT saved: {outcome.message} The command line cannot keep it after this "
        f"command ends: {instead} instead."
    )


async def run_credentials(args: argparse.Namespace, services: AppServices) -> int:
    """Save, delete or test credentials; secrets are read from a hidden prompt or stdin."""
    credentials = services.credentials
    action = args.credentials_action
    if action == "status":
        status = await credentials.astatus()
        keys = await credentials.aload_aws_keys()
        api_key = await credentials.aload_bedrock_api_key()
        print(f"keyring: {status.backend} ({'secure' if status.secure else 'not secure'})")
        print(status.message)
        print(f"AWS access key: {keys.masked_id if keys else 'not saved'}")
        print(f"Bedrock API key: {'saved' if api_key else 'not saved'}")
        backend_token = await credentials.aload_backend_token()
        print(f"team backend token: {'saved' if backend_token else 'not saved'}")
        print(f"sign-in method: {services.settings['aws.auth_method']}")
        return ExitCode.OK
    if action == "set-keys":
        key_id = _read_secret("AWS access key ID: ", from_stdin=args.stdin)
        secret = _read_secret("AWS secret access key: ", from_stdin=args.stdin)
        token = _read_secret("Session token (empty if none): ", from_stdin=args.stdin)
        outcome = await saved.save_aws_keys(services, AwsKeys(key_id, secret, token or None))
        return _report_saved(outcome, "AWS access key")
    if action == "set-api-key":
        api_key = _read_secret("Bedrock API key: ", from_stdin=args.stdin)
        if not api_key:
            raise UsageError("No API key given.")
        return _report_saved(await saved.save_bedrock_api_key(services, api_key), "Bedrock API key")
    if action == "set-backend-token":
        token = _read_secret("Team backend token: ", from_stdin=args.stdin)
        if not token:
            raise UsageError("No token given.")
        outcome = await saved.save_backend_token(services, token)
        return _report_saved(outcome, "Team backend token", "set AIPRISM_BACKEND_TOKEN")
    if action == "delete":
        await saved.delete_all(services)
        info("Saved credentials deleted from the keyring.")
        return ExitCode.OK
    return await _test_connection(args, services)


async def _test_connection(args: argparse.Namespace, services: AppServices) -> int:
    report = await connection.check_bedrock(services, region=args.region)
    if args.json:
        emit_json(
            {
                "region": report.region,
                "usable_models": list(report.usable_models),
                "models": [
                    {"key": m.key, "model_id": m.model_id, "status": m.status, "reason": m.reason}
                    for m in report.models
                ],
            }
        )
    else:
        print(report.summary())
        for model in report.models:
            print(f"  {model.key:<12} {model.status:<12} {model.reason}")
    return ExitCode.OK if report.usable_models else ExitCode.PROVIDER
