"""The rendered AWS files of packaging/aws, read the way their consumers read them."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from cfnlint.decode import decode

from tests.support.paths import REPO_ROOT

AWS_DIR = REPO_ROOT / "packaging" / "aws"
TEMPLATES = [AWS_DIR / "fargate" / "template.yaml", AWS_DIR / "ecs-ec2" / "template.yaml"]
LIGHTSAIL_DEPLOYMENT = AWS_DIR / "lightsail" / "deployment.json"
LIGHTSAIL_POLICY = AWS_DIR / "lightsail" / "iam-policy.json"

# What a deployment would give each parameter or resource reference (for API validation).
SAMPLES: dict[str, str] = {
    "ImageUri": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/aiprism-backend@sha256:" + "a" * 64,
    "AWS::Region": "eu-west-1",
    "AWS::StackName": "aiprism",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
}


def load_template(path: Path) -> dict[str, Any]:
    template, problems = decode(str(path))
    assert not problems, problems
    assert template is not None
    return dict(template)


def resolve(value: Any, template: dict[str, Any]) -> Any:
    """Intrinsic functions replaced by what a deployment would see (parameters' defaults)."""
    if isinstance(value, list):
        return [resolve(item, template) for item in value]
    if not isinstance(value, dict):
        return value
    if "Ref" in value:
        name = value["Ref"]
        if name in SAMPLES:
            return SAMPLES[name]
        parameter = template.get("Parameters", {}).get(name)
        if parameter is not None:
            return str(parameter.get("Default", f"<{name}>"))
        return f"{name}-physical-id"
    if "Fn::Sub" in value:
        text = str(value["Fn::Sub"])
        for name, sample in SAMPLES.items():
            text = text.replace(f"${{{name}}}", sample)
        return text
    if "Fn::GetAtt" in value:
        resource, attribute = value["Fn::GetAtt"]
        return f"arn:aws:iam::123456789012:role/{resource}-{attribute}"
    return {key: resolve(item, template) for key, item in value.items()}


def _api_names(value: Any) -> Any:
    """CloudFormation's PascalCase property names as the ECS API's camelCase."""
    if isinstance(value, list):
        return [_api_names(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = key[0].lower() + key[1:]
        out[name] = item if key == "Options" else _api_names(item)  # log options: free-form
    return out


def register_task_definition_inputs(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each task definition of ``template`` as RegisterTaskDefinition's input."""
    found: dict[str, dict[str, Any]] = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::ECS::TaskDefinition":
            properties = resolve(resource["Properties"], template)
            found[name] = _api_names(properties)
    return found


def container(template: dict[str, Any], definition: str, name: str) -> dict[str, Any]:
    containers = template["Resources"][definition]["Properties"]["ContainerDefinitions"]
    return dict(next(c for c in containers if c["Name"] == name))


def lightsail_deployment(**values: str) -> dict[str, Any]:
    """deployment.json with its ``${...}`` placeholders filled as deploy.sh fills them."""
    text = LIGHTSAIL_DEPLOYMENT.read_text()
    for name, value in values.items():
        text = text.replace(f"${{{name}}}", json.dumps(value)[1:-1])
    assert "${" not in text, "a placeholder deploy.sh would fill is left"
    return dict(json.loads(text))


def policies(template: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every IAM policy statement list of the template's roles, by role.policy name."""
    found: dict[str, list[dict[str, Any]]] = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                found[f"{name}.{policy['PolicyName']}"] = policy["PolicyDocument"]["Statement"]
        elif resource["Type"] == "AWS::S3::BucketPolicy":
            found[name] = resource["Properties"]["PolicyDocument"]["Statement"]
    return found


def renderer(module: str) -> ModuleType:
    """A module of packaging/aws/cfn (run from its folder, not an installed package)."""
    if str(AWS_DIR) not in sys.path:
        sys.path.insert(0, str(AWS_DIR))
    return importlib.import_module(f"cfn.{module}")
