"""``python -m cfn [--check]`` (from packaging/aws): render the templates and Lightsail files."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from cfn import data, ec2, ecs, iam, lightsail, network
from cfn.fn import Json
from cfn.parameters import CONDITIONS, METADATA, PARAMETERS, RULES

HERE = Path(__file__).resolve().parent
AWS_DIR = HERE.parent
REPO = AWS_DIR.parents[1]
MODELS_FILE = REPO / "resources" / "models.toml"
HEADER = (
    "# Rendered by packaging/aws/cfn (python -m cfn, run from packaging/aws): edit that code,\n"
    "# not this file. ./test fails when the two differ.\n"
)


def _shared(models_file: Path) -> dict[str, Json]:
    return {
        **network.new_vpc(),
        **network.security_groups(),
        **data.secrets(),
        **data.redis(),
        **data.exports_bucket(),
        **data.log_groups(),
        **iam.roles(models_file),
        **ecs.load_balancer(),
        **ecs.cluster(),
        **ecs.scaling(),
    }


def fargate(models_file: Path = MODELS_FILE) -> Json:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "AI-Prism team backend on ECS Fargate: ALB (HTTPS), API and worker "
        "services, ElastiCache Redis, exports bucket, least-privilege Bedrock access",
        "Metadata": METADATA,
        "Parameters": PARAMETERS,
        "Rules": RULES,
        "Conditions": CONDITIONS,
        "Resources": {
            **_shared(models_file),
            **ecs.task_definitions("FARGATE"),
            **ecs.services({"LaunchType": "FARGATE"}),
        },
        "Outputs": ecs.outputs(),
    }


def ecs_ec2(models_file: Path = MODELS_FILE) -> Json:
    services = ecs.services(ec2.PLACEMENT)
    for service in services.values():
        service["DependsOn"] = [*service.get("DependsOn", []), "ClusterCapacity"]
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "AI-Prism team backend on ECS with the EC2 launch type (sustained "
        "load): the Fargate stack's pieces on an Auto Scaling group of ECS-optimized instances",
        "Metadata": METADATA,
        "Parameters": {**PARAMETERS, **ec2.PARAMETERS},
        "Rules": RULES,
        "Conditions": CONDITIONS,
        "Resources": {
            **_shared(models_file),
            **ec2.compute(),
            **ecs.task_definitions("EC2"),
            **services,
        },
        "Outputs": ecs.outputs(),
    }


class _NoAliases(yaml.SafeDumper):
    """CloudFormation refuses YAML anchors and aliases: repeat shared pieces instead."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _yaml(template: Json) -> str:
    body = yaml.dump(template, Dumper=_NoAliases, sort_keys=False, width=100, allow_unicode=True)
    return HEADER + body


def _json(document: Json) -> str:
    return json.dumps(document, indent=2) + "\n"


# Every rendered file, by its path under packaging/aws.
RENDERED: dict[str, Callable[[], str]] = {
    "fargate/template.yaml": lambda: _yaml(fargate()),
    "ecs-ec2/template.yaml": lambda: _yaml(ecs_ec2()),
    "lightsail/deployment.json": lambda: _json(lightsail.deployment()),
    "lightsail/iam-policy.json": lambda: _json(
        lightsail.iam_policy(iam.bedrock_statements(MODELS_FILE))
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cfn")
    parser.add_argument("--check", action="store_true", help="fail if a template is stale")
    args = parser.parse_args(argv)
    stale = []
    for relative, build in RENDERED.items():
        path = AWS_DIR / relative
        text = build()
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(relative)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    for relative in stale:
        print(f"{relative} is stale: run `python -m cfn` in packaging/aws", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
