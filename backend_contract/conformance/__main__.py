"""``python -m backend_contract.conformance URL --token T [--token2 T2]``: exit 0 only when the
deployment conforms; a readable report either way."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from backend_contract.conformance import Context, report, run_checks


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m backend_contract.conformance",
        description="Check a team backend deployment against backend_contract/openapi.yaml.",
    )
    parser.add_argument("url", help="the deployment, e.g. https://aiprism.example.com")
    parser.add_argument("--token", required=True, help="a team token")
    parser.add_argument("--token2", help="a token of ANOTHER team (checks tenant isolation)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a job may take")
    parser.add_argument(
        "--rate-probe-max",
        type=int,
        default=300,
        help="probe the rate limit only when it is at most this many requests a minute",
    )
    args = parser.parse_args(argv)
    ctx = Context(args.url, args.token, args.token2, args.timeout, args.rate_probe_max)
    results = run_checks(ctx)
    print(report(args.url, results))
    return 0 if all(r.outcome != "FAIL" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
