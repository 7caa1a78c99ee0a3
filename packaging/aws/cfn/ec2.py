"""The EC2 launch type's compute: container instances from the ECS-optimized AMI in an Auto
Scaling group, a capacity provider with managed scaling, tasks spread across AZs."""

from __future__ import annotations

from cfn.fn import Json, att, ref, sub, tags
from cfn.network import PRIVATE_SUBNETS, VPC_ID

AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"

PARAMETERS: dict[str, Json] = {
    "EcsAmiId": {
        "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
        "Default": AMI_PARAMETER,
        "Description": "The ECS-optimized Amazon Linux 2023 AMI (AWS's public SSM parameter).",
    },
    "InstanceType": {"Type": "String", "Default": "m7i.large"},
    "InstanceMinCount": {"Type": "Number", "Default": 2, "MinValue": 0},
    "InstanceMaxCount": {"Type": "Number", "Default": 10, "MinValue": 1},
}

# Spread each service's tasks over AZs first, then over instances; the capacity provider
# places them (and scales the group to fit them).
PLACEMENT = {
    "CapacityProviderStrategy": [{"CapacityProvider": ref("CapacityProvider"), "Weight": 1}],
    "PlacementStrategies": [
        {"Type": "spread", "Field": "attribute:ecs.availability-zone"},
        {"Type": "spread", "Field": "instanceId"},
    ],
}

USER_DATA = """#!/bin/bash
cat >> /etc/ecs/ecs.config <<CONFIG
ECS_CLUSTER=${Cluster}
ECS_ENABLE_TASK_IAM_ROLE=true
ECS_CONTAINER_STOP_TIMEOUT=120s
ECS_ENABLE_CONTAINER_METADATA=true
CONFIG
"""


def compute() -> dict[str, Json]:
    return {
        "InstanceRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Description": "ECS container instances: register with the cluster, pull, log",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    sub(
                        "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                        "AmazonEC2ContainerServiceforEC2Role"
                    ),
                    sub("arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"),
                ],
            },
        },
        "InstanceProfile": {
            "Type": "AWS::IAM::InstanceProfile",
            "Properties": {"Roles": [ref("InstanceRole")]},
        },
        "InstanceSecurityGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": "AI-Prism container instances (tasks have their own ENIs)",
                "VpcId": VPC_ID,
                "Tags": tags("instances"),
            },
        },
        "LaunchTemplate": {
            "Type": "AWS::EC2::LaunchTemplate",
            "Properties": {
                "LaunchTemplateData": {
                    "ImageId": ref("EcsAmiId"),
                    "InstanceType": ref("InstanceType"),
                    "IamInstanceProfile": {"Arn": att("InstanceProfile", "Arn")},
                    "SecurityGroupIds": [ref("InstanceSecurityGroup")],
                    "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 2},
                    "Monitoring": {"Enabled": True},
                    "UserData": {"Fn::Base64": sub(USER_DATA)},
                    "TagSpecifications": [{"ResourceType": "instance", "Tags": tags("ecs")}],
                }
            },
        },
        "InstanceGroup": {
            "Type": "AWS::AutoScaling::AutoScalingGroup",
            "Properties": {
                "VPCZoneIdentifier": PRIVATE_SUBNETS,
                "LaunchTemplate": {
                    "LaunchTemplateId": ref("LaunchTemplate"),
                    "Version": att("LaunchTemplate", "LatestVersionNumber"),
                },
                "MinSize": ref("InstanceMinCount"),
                "MaxSize": ref("InstanceMaxCount"),
                # Managed termination protection: the capacity provider decides which
                # instances may go (never one still running tasks).
                "NewInstancesProtectedFromScaleIn": True,
                "Tags": [
                    {
                        "Key": "AmazonECSManaged",
                        "Value": "true",
                        "PropagateAtLaunch": True,
                    }
                ],
            },
        },
        "CapacityProvider": {
            "Type": "AWS::ECS::CapacityProvider",
            "Properties": {
                "AutoScalingGroupProvider": {
                    "AutoScalingGroupArn": ref("InstanceGroup"),
                    "ManagedScaling": {
                        "Status": "ENABLED",
                        "TargetCapacity": 90,
                        "MinimumScalingStepSize": 1,
                        "MaximumScalingStepSize": 4,
                    },
                    "ManagedTerminationProtection": "ENABLED",
                    "ManagedDraining": "ENABLED",
                }
            },
        },
        "ClusterCapacity": {
            "Type": "AWS::ECS::ClusterCapacityProviderAssociations",
            "Properties": {
                "Cluster": ref("Cluster"),
                "CapacityProviders": [ref("CapacityProvider")],
                "DefaultCapacityProviderStrategy": [
                    {"CapacityProvider": ref("CapacityProvider"), "Weight": 1}
                ],
            },
        },
    }
