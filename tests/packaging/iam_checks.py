"""What a least-privilege policy of the backend may not contain (Bedrock and S3)."""

from __future__ import annotations

from typing import Any

SERVICES = ("bedrock", "s3")
PSEUDO = {
    "${AWS::Partition}": "aws",
    "${AWS::Region}": "eu-west-1",
    "${AWS::AccountId}": "123456789012",
}


def _strings(value: Any) -> list[str]:
    """Every resource string, both branches of an Fn::If, Fn::Sub text as written."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    if isinstance(value, dict):
        if "Fn::Sub" in value:  # pseudo parameters hold colons: put plain values in
            text = str(value["Fn::Sub"])
            for name, plain in PSEUDO.items():
                text = text.replace(name, plain)
            return [text]
        if "Fn::If" in value:
            return [text for branch in value["Fn::If"][1:] for text in _strings(branch)]
        if "Fn::GetAtt" in value:
            return [f"<{'.'.join(value['Fn::GetAtt'])}>"]
        if "Ref" in value:
            return [] if value["Ref"] == "AWS::NoValue" else [f"<{value['Ref']}>"]
    raise AssertionError(f"unexpected resource form: {value!r}")


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def wildcard_problems(statements: list[dict[str, Any]]) -> list[str]:
    """Why each Allow statement on Bedrock or S3 is broader than named resources.

    Allowed: a region wildcard in a foundation-model ARN when the statement requires the call
    to come through an inference profile (``bedrock:InferenceProfileArn``) — the profile routes
    to regions of its geography, which IAM must allow.
    """
    problems: list[str] = []
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        actions = _listed(statement["Action"])
        services = {action.split(":")[0] for action in actions}
        if not services & set(SERVICES):
            continue
        sid = statement.get("Sid", "?")
        problems += [f"{sid}: action {a}" for a in actions if "*" in a]
        through_profile = "bedrock:InferenceProfileArn" in str(statement.get("Condition", {}))
        for resource in _strings(statement["Resource"]):
            if resource == "*":
                problems.append(f"{sid}: resource *")
                continue
            if not resource.startswith("arn:"):
                continue  # a reference to a resource of the stack (<ExportsBucket.Arn>)
            parts = resource.split(":", 5)
            if len(parts) < 6:
                problems.append(f"{sid}: not an ARN: {resource}")
                continue
            region, target = parts[3], parts[5]
            if "*" in target:
                problems.append(f"{sid}: wildcard resource {resource}")
            if "*" in region and not (target.startswith("foundation-model/") and through_profile):
                problems.append(f"{sid}: any-region resource {resource}")
            if "*" in parts[4]:
                problems.append(f"{sid}: any-account resource {resource}")
    return problems
