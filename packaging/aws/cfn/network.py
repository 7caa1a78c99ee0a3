"""A new VPC (when no VpcId is given) and the security groups between the pieces."""

from __future__ import annotations

from cfn.fn import NO_VALUE, Json, att, if_, ref, tags

VPC_CIDR = "10.42.0.0/16"


def _subnet(name: str, az: int, cidr: str) -> Json:
    return {
        "Type": "AWS::EC2::Subnet",
        "Condition": "CreateVpc",
        "Properties": {
            "VpcId": ref("Vpc"),
            "CidrBlock": cidr,
            "AvailabilityZone": {"Fn::Select": [az, {"Fn::GetAZs": ""}]},
            "MapPublicIpOnLaunch": False,
            "Tags": tags(name),
        },
    }


def _association(subnet: str, table: str) -> Json:
    return {
        "Type": "AWS::EC2::SubnetRouteTableAssociation",
        "Condition": "CreateVpc",
        "Properties": {"SubnetId": ref(subnet), "RouteTableId": ref(table)},
    }


def new_vpc() -> dict[str, Json]:
    """Two AZs; public subnets for the load balancer and the NAT gateway, private for the rest."""
    vpc: dict[str, Json] = {
        "Vpc": {
            "Type": "AWS::EC2::VPC",
            "Condition": "CreateVpc",
            "Properties": {
                "CidrBlock": VPC_CIDR,
                "EnableDnsHostnames": True,
                "EnableDnsSupport": True,
                "Tags": tags("vpc"),
            },
        },
        "InternetGateway": {
            "Type": "AWS::EC2::InternetGateway",
            "Condition": "CreateVpc",
            "Properties": {"Tags": tags("igw")},
        },
        "GatewayAttachment": {
            "Type": "AWS::EC2::VPCGatewayAttachment",
            "Condition": "CreateVpc",
            "Properties": {"VpcId": ref("Vpc"), "InternetGatewayId": ref("InternetGateway")},
        },
        "PublicSubnet1": _subnet("public-1", 0, "10.42.0.0/20"),
        "PublicSubnet2": _subnet("public-2", 1, "10.42.16.0/20"),
        "PrivateSubnet1": _subnet("private-1", 0, "10.42.128.0/20"),
        "PrivateSubnet2": _subnet("private-2", 1, "10.42.144.0/20"),
        "NatAddress": {
            "Type": "AWS::EC2::EIP",
            "Condition": "CreateVpc",
            "DependsOn": "GatewayAttachment",
            "Properties": {"Domain": "vpc", "Tags": tags("nat")},
        },
        "NatGateway": {
            "Type": "AWS::EC2::NatGateway",
            "Condition": "CreateVpc",
            "Properties": {
                "AllocationId": att("NatAddress", "AllocationId"),
                "SubnetId": ref("PublicSubnet1"),
                "Tags": tags("nat"),
            },
        },
        "PublicRoutes": {
            "Type": "AWS::EC2::RouteTable",
            "Condition": "CreateVpc",
            "Properties": {"VpcId": ref("Vpc"), "Tags": tags("public")},
        },
        "PublicDefaultRoute": {
            "Type": "AWS::EC2::Route",
            "Condition": "CreateVpc",
            "DependsOn": "GatewayAttachment",
            "Properties": {
                "RouteTableId": ref("PublicRoutes"),
                "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": ref("InternetGateway"),
            },
        },
        "PrivateRoutes": {
            "Type": "AWS::EC2::RouteTable",
            "Condition": "CreateVpc",
            "Properties": {"VpcId": ref("Vpc"), "Tags": tags("private")},
        },
        "PrivateDefaultRoute": {
            "Type": "AWS::EC2::Route",
            "Condition": "CreateVpc",
            "Properties": {
                "RouteTableId": ref("PrivateRoutes"),
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": ref("NatGateway"),
            },
        },
    }
    for subnet in ("PublicSubnet1", "PublicSubnet2"):
        vpc[f"{subnet}Routes"] = _association(subnet, "PublicRoutes")
    for subnet in ("PrivateSubnet1", "PrivateSubnet2"):
        vpc[f"{subnet}Routes"] = _association(subnet, "PrivateRoutes")
    return vpc


VPC_ID = if_("CreateVpc", ref("Vpc"), ref("VpcId"))
PUBLIC_SUBNETS = if_(
    "CreateVpc", [ref("PublicSubnet1"), ref("PublicSubnet2")], ref("PublicSubnetIds")
)
PRIVATE_SUBNETS = if_(
    "CreateVpc", [ref("PrivateSubnet1"), ref("PrivateSubnet2")], ref("PrivateSubnetIds")
)


def _group(description: str, ingress: list[Json], name: str) -> Json:
    return {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": description,
            "VpcId": VPC_ID,
            "SecurityGroupIngress": ingress or NO_VALUE,
            "Tags": tags(name),
        },
    }


def _from_group(port: int, group: str, what: str) -> Json:
    return {
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": port,
        "SourceSecurityGroupId": ref(group),
        "Description": what,
    }


def security_groups() -> dict[str, Json]:
    """Internet → load balancer (80, 443) → API (8080); API and workers → Redis (6379)."""
    web = [
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "CidrIp": "0.0.0.0/0",
         "Description": what}
        for port, what in ((443, "HTTPS from desktops"), (80, "HTTP, redirected to HTTPS"))
    ]  # fmt: skip
    return {
        "LoadBalancerSecurityGroup": _group("AI-Prism load balancer", web, "alb"),
        "ApiSecurityGroup": _group(
            "AI-Prism API tasks",
            [_from_group(8080, "LoadBalancerSecurityGroup", "the load balancer")],
            "api",
        ),
        "WorkerSecurityGroup": _group("AI-Prism workers (no inbound)", [], "worker"),
        "RedisSecurityGroup": _group(
            "AI-Prism Redis",
            [
                _from_group(6379, "ApiSecurityGroup", "API tasks"),
                _from_group(6379, "WorkerSecurityGroup", "worker tasks"),
            ],
            "redis",
        ),
    }
