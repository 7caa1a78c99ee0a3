"""The load balancer, the cluster, the two services and their scaling."""

from __future__ import annotations

from typing import Any

from cfn.containers import API_PORT, api_containers, endpoint, worker_containers
from cfn.data import METRIC_NAMESPACE
from cfn.fn import Json, att, ref, sub, tags
from cfn.network import PRIVATE_SUBNETS, PUBLIC_SUBNETS, VPC_ID

IDLE_TIMEOUT_S = 600  # long model calls and chat streams


def load_balancer() -> dict[str, Json]:
    return {
        "LoadBalancer": {
            "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "Properties": {
                "Scheme": "internet-facing",
                "Type": "application",
                "Subnets": PUBLIC_SUBNETS,
                "SecurityGroups": [ref("LoadBalancerSecurityGroup")],
                "LoadBalancerAttributes": [
                    {"Key": "idle_timeout.timeout_seconds", "Value": str(IDLE_TIMEOUT_S)},
                    {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
                ],
                "Tags": tags("alb"),
            },
        },
        "ApiTargetGroup": {
            "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
            "Properties": {
                "VpcId": VPC_ID,
                "TargetType": "ip",
                "Protocol": "HTTP",
                "Port": API_PORT,
                "HealthCheckPath": "/v1/health",
                # 503 = the API answers but Redis or every worker is away: replacing API tasks
                # would not help, and the API's own 503 (with Retry-After) beats the ALB's.
                "Matcher": {"HttpCode": "200,503"},
                "HealthCheckIntervalSeconds": 15,
                "HealthyThresholdCount": 2,
                "UnhealthyThresholdCount": 3,
                "TargetGroupAttributes": [
                    {"Key": "deregistration_delay.timeout_seconds", "Value": "30"}
                ],
            },
        },
        "HttpListener": {
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Properties": {
                "LoadBalancerArn": ref("LoadBalancer"),
                "Port": 80,
                "Protocol": "HTTP",
                "DefaultActions": [
                    {
                        "Type": "redirect",
                        "RedirectConfig": {
                            "Protocol": "HTTPS",
                            "Port": "443",
                            "StatusCode": "HTTP_301",
                        },
                    }
                ],
            },
        },
        "HttpsListener": {
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Properties": {
                "LoadBalancerArn": ref("LoadBalancer"),
                "Port": 443,
                "Protocol": "HTTPS",
                "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "Certificates": [{"CertificateArn": ref("CertificateArn")}],
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": ref("ApiTargetGroup")}],
            },
        },
    }


def task_definitions(compatibility: str) -> dict[str, Json]:
    def definition(kind: str, cpu: str, memory: str, containers: list[Json]) -> Json:
        return {
            "Type": "AWS::ECS::TaskDefinition",
            "Properties": {
                "Family": sub(f"${{AWS::StackName}}-{kind}"),
                "Cpu": ref(cpu),
                "Memory": ref(memory),
                "NetworkMode": "awsvpc",
                "RequiresCompatibilities": [compatibility],
                "RuntimePlatform": {
                    "CpuArchitecture": "X86_64",
                    "OperatingSystemFamily": "LINUX",
                },
                "ExecutionRoleArn": att("ExecutionRole", "Arn"),
                "TaskRoleArn": att("TaskRole", "Arn"),
                "Volumes": [{"Name": "tmp"}],
                "ContainerDefinitions": containers,
            },
        }

    return {
        "ApiTaskDefinition": definition("api", "ApiCpu", "ApiMemory", api_containers()),
        "WorkerTaskDefinition": definition(
            "worker", "WorkerCpu", "WorkerMemory", worker_containers()
        ),
    }


def services(placement: dict[str, Any]) -> dict[str, Json]:
    """``placement``: the launch type or capacity-provider strategy and placement strategy."""

    def service(kind: str, desired: Json | int, group: str, extra: dict[str, Any]) -> Json:
        return {
            "Type": "AWS::ECS::Service",
            "Properties": {
                "ServiceName": sub(f"${{AWS::StackName}}-{kind}"),
                "Cluster": ref("Cluster"),
                "TaskDefinition": ref(f"{kind.capitalize()}TaskDefinition"),
                "DesiredCount": desired,
                "PropagateTags": "SERVICE",
                "EnableECSManagedTags": True,
                "NetworkConfiguration": {
                    "AwsvpcConfiguration": {
                        "Subnets": PRIVATE_SUBNETS,
                        "SecurityGroups": [ref(group)],
                        "AssignPublicIp": "DISABLED",
                    }
                },
                "DeploymentConfiguration": {
                    "MinimumHealthyPercent": 100,
                    "MaximumPercent": 200,
                    "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
                },
                **placement,
                **extra,
            },
        }

    api = service(
        "api",
        2,
        "ApiSecurityGroup",
        {
            "HealthCheckGracePeriodSeconds": 60,
            "LoadBalancers": [
                {
                    "ContainerName": "api",
                    "ContainerPort": API_PORT,
                    "TargetGroupArn": ref("ApiTargetGroup"),
                }
            ],
        },
    )
    api["DependsOn"] = ["HttpsListener"]
    worker = service("worker", ref("WorkerMinCount"), "WorkerSecurityGroup", {})
    return {"ApiService": api, "WorkerService": worker}


def _scalable(service: str, low: Json | int, high: Json | int) -> Json:
    return {
        "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
        "Properties": {
            "ServiceNamespace": "ecs",
            "ScalableDimension": "ecs:service:DesiredCount",
            "ResourceId": sub(f"service/${{Cluster}}/${{{service}.Name}}"),
            "MinCapacity": low,
            "MaxCapacity": high,
        },
    }


def _tracking(target: str, name: str, configuration: Json) -> Json:
    return {
        "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
        "Properties": {
            "PolicyName": sub(f"${{AWS::StackName}}-{name}"),
            "PolicyType": "TargetTrackingScaling",
            "ScalingTargetId": ref(target),
            "TargetTrackingScalingPolicyConfiguration": {
                "ScaleOutCooldown": 60,
                "ScaleInCooldown": 300,
                **configuration,
            },
        },
    }


def scaling() -> dict[str, Json]:
    """API: 2-10 tasks on CPU and on requests per task. Workers: on the queue's backlog per
    worker (published by the queue-metric container), kept near one worker's concurrency."""
    return {
        "ApiScaling": _scalable("ApiService", 2, 10),
        "ApiCpuPolicy": _tracking(
            "ApiScaling",
            "api-cpu",
            {
                "TargetValue": 60,
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
                },
            },
        ),
        "ApiRequestsPolicy": _tracking(
            "ApiScaling",
            "api-requests",
            {
                "TargetValue": 1200,  # per task per minute; a waiting desktop polls 3 a minute
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ALBRequestCountPerTarget",
                    "ResourceLabel": sub(
                        "${LoadBalancer.LoadBalancerFullName}/${ApiTargetGroup.TargetGroupFullName}"
                    ),
                },
            },
        ),
        "WorkerScaling": _scalable("WorkerService", ref("WorkerMinCount"), ref("WorkerMaxCount")),
        "WorkerBacklogPolicy": _tracking(
            "WorkerScaling",
            "worker-backlog",
            {
                "TargetValue": ref("WorkerConcurrency"),
                "CustomizedMetricSpecification": {
                    "Namespace": METRIC_NAMESPACE,
                    "MetricName": "BacklogPerWorker",
                    "Dimensions": [{"Name": "Deployment", "Value": ref("AWS::StackName")}],
                    "Statistic": "Average",
                    "Unit": "Count",
                },
            },
        ),
    }


def cluster() -> dict[str, Json]:
    return {
        "Cluster": {
            "Type": "AWS::ECS::Cluster",
            "Properties": {
                "ClusterName": ref("AWS::StackName"),
                "ClusterSettings": [{"Name": "containerInsights", "Value": "disabled"}],
                "Tags": tags("cluster"),
            },
        }
    }


def outputs() -> dict[str, Json]:
    return {
        "EndpointUrl": {
            "Description": "The backend's URL (desktops: Settings → Team backend). Point the "
            "certificate's name at LoadBalancerDnsName (CNAME or alias) and use that name.",
            "Value": endpoint(),
        },
        "LoadBalancerDnsName": {"Value": att("LoadBalancer", "DNSName")},
        "TeamTokensSecretArn": {
            "Description": "The team tokens (JSON {team: token})",
            "Value": ref("TeamTokensSecret"),
        },
        "ExportsBucketName": {"Value": ref("ExportsBucket")},
        "ClusterName": {"Value": ref("Cluster")},
    }
