"""Parameters and conditions both ECS variants take."""

from __future__ import annotations

from cfn.fn import Json

PARAMETERS: dict[str, Json] = {
    "ImageUri": {
        "Type": "String",
        "Description": "The backend image (packaging/docker/Dockerfile) in ECR, by digest: "
        "ACCOUNT.dkr.ecr.REGION.amazonaws.com/aiprism-backend@sha256:...",
    },
    "CertificateArn": {
        "Type": "String",
        "AllowedPattern": "^arn:aws[a-z-]*:acm:.+",
        "Description": "ACM certificate for the HTTPS listener (the name desktops will use).",
    },
    "VpcId": {
        "Type": "String",
        "Default": "",
        "Description": "An existing VPC; empty = create a VPC (2 AZs, public and private "
        "subnets, one NAT gateway).",
    },
    "PublicSubnetIds": {
        "Type": "CommaDelimitedList",
        "Default": "",
        "Description": "With VpcId: two or more public subnets (the load balancer).",
    },
    "PrivateSubnetIds": {
        "Type": "CommaDelimitedList",
        "Default": "",
        "Description": "With VpcId: two or more private subnets with a NAT route (tasks, Redis).",
    },
    "AllowGlobalRouting": {
        "Type": "String",
        "AllowedValues": ["no", "yes"],
        "Default": "no",
        "Description": "yes: models may also run through global. inference profiles (any "
        "commercial region). no: only this region's geography.",
    },
    "InitialTeam": {
        "Type": "String",
        "Default": "default",
        "AllowedPattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
        "Description": "The team whose token the stack generates (more: edit the secret).",
    },
    "ApiCpu": {"Type": "Number", "Default": 1024, "AllowedValues": [512, 1024, 2048, 4096]},
    "ApiMemory": {"Type": "Number", "Default": 2048, "MinValue": 1024, "MaxValue": 30720},
    "WorkerCpu": {"Type": "Number", "Default": 1024, "AllowedValues": [512, 1024, 2048, 4096]},
    "WorkerMemory": {"Type": "Number", "Default": 2048, "MinValue": 1024, "MaxValue": 30720},
    "WorkerConcurrency": {
        "Type": "Number",
        "Default": 8,
        "MinValue": 1,
        "MaxValue": 64,
        "Description": "Model calls at once per worker task; also the queue-depth target.",
    },
    "WorkerMinCount": {"Type": "Number", "Default": 1, "MinValue": 1},
    "WorkerMaxCount": {"Type": "Number", "Default": 10, "MinValue": 1},
    "RedisNodeType": {"Type": "String", "Default": "cache.t4g.small"},
}

CONDITIONS: dict[str, Json] = {
    "CreateVpc": {"Fn::Equals": [{"Ref": "VpcId"}, ""]},
    "AllowGlobal": {"Fn::Equals": [{"Ref": "AllowGlobalRouting"}, "yes"]},
}

# With an existing VPC its subnets must be given (the defaults are empty for a new VPC).
RULES: dict[str, Json] = {
    "SubnetsOfTheGivenVpc": {
        "RuleCondition": {"Fn::Not": [{"Fn::Equals": [{"Ref": "VpcId"}, ""]}]},
        "Assertions": [
            {
                "Assert": {"Fn::Not": [{"Fn::Contains": [{"Ref": name}, ""]}]},
                "AssertDescription": f"With VpcId, give {name} (two or more subnets)",
            }
            for name in ("PublicSubnetIds", "PrivateSubnetIds")
        ],
    }
}

# cfn-lint resolves Ref PublicSubnetIds/PrivateSubnetIds to their empty defaults even inside
# the Fn::If branch that only an existing VPC takes (W1030); RULES above refuses that case.
METADATA: Json = {"cfn-lint": {"config": {"ignore_checks": ["W1030"]}}}
