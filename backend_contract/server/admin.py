"""Operator commands: team tokens and the shared model chain.

    python -m backend_contract.server.admin tokens create TEAM [--note TEXT]
    python -m backend_contract.server.admin tokens list
    python -m backend_contract.server.admin tokens revoke TOKEN_ID
    python -m backend_contract.server.admin models enable KEY

Configuration comes from the same environment variables as the server (AIPRISM_REDIS_URL, …).
A new token is printed once, on stdout; only its hash is stored.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.reviewer import ModelControl
from backend_contract.server.config import ConfigurationError, load_config
from backend_contract.server.state import ServerState


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backend_contract.server.admin")
    groups = parser.add_subparsers(dest="group", required=True)
    tokens = groups.add_parser("tokens", help="team tokens").add_subparsers(
        dest="action", required=True
    )
    create = tokens.add_parser("create", help="create a token for a team (printed once)")
    create.add_argument("team")
    create.add_argument("--note", default="", help="who or what the token is for")
    tokens.add_parser("list", help="token ids, teams, notes (never the tokens)")
    revoke = tokens.add_parser("revoke", help="revoke a token by its id (from `list`)")
    revoke.add_argument("token_id")
    models = groups.add_parser("models", help="the shared model chain").add_subparsers(
        dest="action", required=True
    )
    enable = models.add_parser("enable", help="put a disabled or cooling-down model back")
    enable.add_argument("key")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        state = ServerState.open(load_config())
    except ConfigurationError as error:
        print(f"configuration: {error}", file=sys.stderr)
        return 2
    try:
        if args.group == "tokens":
            return _tokens(state, args)
        return _enable_model(state, args.key)
    finally:
        state.close()


def _tokens(state: ServerState, args: argparse.Namespace) -> int:
    if args.action == "create":
        try:
            token, record = state.tokens.create(args.team, args.note)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        print(token)
        print(f"created token {record.token_id} for team {record.team}", file=sys.stderr)
        return 0
    if args.action == "list":
        for record in state.tokens.list():
            print(f"{record.token_id}  {record.team:<20} {record.created_at}  {record.note}")
        return 0
    try:
        revoked = state.tokens.revoke(args.token_id)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"revoked {revoked} token(s)", file=sys.stderr)
    return 0 if revoked else 1


def _enable_model(state: ServerState, key: str) -> int:
    runtime = state.runtime()

    async def enable() -> None:
        async with runtime.reviewer() as reviewer:
            if not isinstance(reviewer, ModelControl):
                raise ConfigError("This backend's reviewer has no model chain.")
            await reviewer.enable_model(key)

    try:
        runtime.run(enable(), timeout=30)
    except ConfigError as error:
        print(error.message, file=sys.stderr)
        return 2
    print(f"{key} is back in the chain for every worker", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
