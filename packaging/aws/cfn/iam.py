"""The task role (least privilege) and the execution role.

The task role may call Bedrock only for the models of the chain (resources/models.toml), only
through their inference profiles: InvokeModel and InvokeModelWithResponseStream (the IAM
actions behind Converse and ConverseStream) on the profiles' ARNs, the same actions on the
foundation models the profiles route to only when the request came through one of those
profiles (``bedrock:InferenceProfileArn``), and CountTokens (which refuses profile ids) on the
bare models in this region. S3: only the exports bucket. CloudWatch: only its own namespace.
"""

from __future__ import annotations

from pathlib import Path

from aiprism_desktop.providers.bedrock.chain.profiles import GLOBAL, parse_model_chain
from cfn.data import METRIC_NAMESPACE
from cfn.fn import NO_VALUE, Json, att, if_, ref, sub

INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
PARTITION = "arn:${AWS::Partition}:bedrock"


def _trust() -> Json:
    """ECS tasks of this account only (the confused-deputy guard AWS recommends)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")},
                    "ArnLike": {
                        "aws:SourceArn": sub(
                            "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*"
                        )
                    },
                },
            }
        ],
    }


def bedrock_statements(models_file: Path) -> list[Json]:
    """The Bedrock statements for the chain in ``models_file``.

    Every geography's profile of a model is listed (a profile ARN names this region, and only
    this region's geography has profiles here, so the others match nothing); ``global.``
    profiles only when the stack allows global routing.
    """
    profiles: list[Json] = []
    models: list[Json] = []
    direct: list[Json] = []  # models the chain calls by their bare id (requires_profile = false)
    counted: list[Json] = []
    for model in parse_model_chain(models_file):
        if not model.enabled:
            continue
        counted.append(sub(f"{PARTITION}:${{AWS::Region}}::foundation-model/{model.base_id}"))
        if not model.requires_profile:
            direct.append(sub(f"{PARTITION}:${{AWS::Region}}::foundation-model/{model.base_id}"))
        for geo in model.profile_prefixes:
            arn = sub(
                f"{PARTITION}:${{AWS::Region}}:${{AWS::AccountId}}:inference-profile/"
                f"{geo}.{model.base_id}"
            )
            profiles.append(if_("AllowGlobal", arn, NO_VALUE) if geo == GLOBAL else arn)
        # Destination regions of a geographic profile; "global." ones name no region.
        models.append(sub(f"{PARTITION}:*::foundation-model/{model.base_id}"))
        if GLOBAL in model.profile_prefixes:
            models.append(
                if_("AllowGlobal", sub(f"{PARTITION}:::foundation-model/{model.base_id}"), NO_VALUE)
            )
    on_demand = [
        {
            "Sid": "InvokeChainModelsOnDemand",
            "Effect": "Allow",
            "Action": INVOKE,
            "Resource": direct,
        }
    ]
    return [
        *(on_demand if direct else []),
        {"Sid": "InvokeChainProfiles", "Effect": "Allow", "Action": INVOKE, "Resource": profiles},
        {
            "Sid": "InvokeChainModelsThroughTheirProfiles",
            "Effect": "Allow",
            "Action": INVOKE,
            "Resource": models,
            "Condition": {"StringEquals": {"bedrock:InferenceProfileArn": profiles}},
        },
        {
            "Sid": "CountTokensOfChainModels",
            "Effect": "Allow",
            "Action": ["bedrock:CountTokens"],
            "Resource": counted,
        },
    ]


def roles(models_file: Path) -> dict[str, Json]:
    bucket = att("ExportsBucket", "Arn")
    return {
        "TaskRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Description": "AI-Prism API and workers: the chain's Bedrock models, the "
                "exports bucket, the queue-depth metric",
                "AssumeRolePolicyDocument": _trust(),
                "Policies": [
                    {
                        "PolicyName": "bedrock-chain",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": bedrock_statements(models_file),
                        },
                    },
                    {
                        "PolicyName": "exports-bucket",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Sid": "ListExports",
                                    "Effect": "Allow",
                                    "Action": ["s3:ListBucket"],
                                    "Resource": [bucket],
                                },
                                {
                                    "Sid": "ReadWriteExports",
                                    "Effect": "Allow",
                                    "Action": ["s3:GetObject", "s3:PutObject"],
                                    "Resource": [sub("${ExportsBucket.Arn}/*")],
                                },
                            ],
                        },
                    },
                    {
                        "PolicyName": "queue-depth-metric",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    # PutMetricData has no resource type: the namespace
                                    # condition is how it is narrowed.
                                    "Sid": "PublishQueueDepth",
                                    "Effect": "Allow",
                                    "Action": ["cloudwatch:PutMetricData"],
                                    "Resource": "*",
                                    "Condition": {
                                        "StringEquals": {"cloudwatch:namespace": METRIC_NAMESPACE}
                                    },
                                }
                            ],
                        },
                    },
                ],
            },
        },
        "ExecutionRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Description": "ECS agent: pull the image, write logs, read the two secrets",
                "AssumeRolePolicyDocument": _trust(),
                "ManagedPolicyArns": [
                    sub(
                        "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                        "AmazonECSTaskExecutionRolePolicy"
                    )
                ],
                "Policies": [
                    {
                        "PolicyName": "read-secrets",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": ["secretsmanager:GetSecretValue"],
                                    "Resource": [ref("TeamTokensSecret"), ref("RedisAuthSecret")],
                                }
                            ],
                        },
                    }
                ],
            },
        },
    }
