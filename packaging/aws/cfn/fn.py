"""CloudFormation's intrinsic functions as plain data (rendered in their long form)."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


def ref(name: str) -> Json:
    return {"Ref": name}


def sub(text: str) -> Json:
    return {"Fn::Sub": text}


def att(resource: str, attribute: str) -> Json:
    return {"Fn::GetAtt": [resource, attribute]}


def if_(condition: str, then: Any, otherwise: Any) -> Json:
    return {"Fn::If": [condition, then, otherwise]}


NO_VALUE = ref("AWS::NoValue")


def tags(name: str) -> list[Json]:
    return [{"Key": "Name", "Value": sub(f"${{AWS::StackName}}-{name}")}]
