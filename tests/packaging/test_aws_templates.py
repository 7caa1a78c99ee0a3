"""The AWS deployment files: lint-clean, fresh, valid for the APIs that take them, and as
narrow in their permissions as the issue asks. No network: botocore's own service models."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from aiprism_desktop.providers.bedrock.chain.profiles import GLOBAL, parse_model_chain
from tests.packaging.aws_files import (
    AWS_DIR,
    LIGHTSAIL_POLICY,
    TEMPLATES,
    container,
    lightsail_deployment,
    load_template,
    policies,
    register_task_definition_inputs,
    renderer,
)
from tests.packaging.iam_checks import wildcard_problems
from tests.support.paths import REPO_ROOT

MODELS_FILE = REPO_ROOT / "resources" / "models.toml"


def _input_problems(service: str, operation: str, params: dict[str, Any]) -> str:
    model = botocore.session.get_session().get_service_model(service)
    shape = model.operation_model(operation).input_shape
    assert shape is not None
    report = ParamValidator().validate(params, shape)
    return report.generate_report() if report.has_errors() else ""


@pytest.fixture(scope="module", params=TEMPLATES, ids=lambda p: p.parent.name)
def template(request: pytest.FixtureRequest) -> dict[str, Any]:
    return load_template(request.param)


def test_cfn_lint_finds_nothing() -> None:
    cfn_lint = shutil.which("cfn-lint", path=str(Path(sys.executable).parent))
    assert cfn_lint, "cfn-lint is a test dependency"
    result = subprocess.run(
        [cfn_lint, "--format", "parseable", *map(str, TEMPLATES)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_committed_files_are_what_the_renderer_renders() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cfn", "--check"],
        cwd=AWS_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_task_definitions_validate_against_the_ecs_api(template: dict[str, Any]) -> None:
    inputs = register_task_definition_inputs(template)
    assert set(inputs) == {"ApiTaskDefinition", "WorkerTaskDefinition"}
    for name, params in inputs.items():
        assert _input_problems("ecs", "RegisterTaskDefinition", params) == "", name


def test_the_validator_refuses_a_misspelt_task_definition(template: dict[str, Any]) -> None:
    params = register_task_definition_inputs(template)["ApiTaskDefinition"]
    params["containerDefinitions"][0]["healthcheck"] = params["containerDefinitions"][0].pop(
        "healthCheck"
    )
    assert "Unknown parameter" in _input_problems("ecs", "RegisterTaskDefinition", params)


def test_lightsail_deployment_validates_against_the_lightsail_api() -> None:
    params = lightsail_deployment(
        SERVICE_NAME="aiprism",
        IMAGE=":aiprism.backend.3",
        AWS_REGION="eu-west-1",
        BEDROCK_ACCESS_KEY_ID="AKIAEXAMPLEEXAMPLE00",
        BEDROCK_SECRET_ACCESS_KEY="secret/with+chars",
        AIPRISM_TEAM_TOKENS='{"default": "' + "t" * 48 + '"}',
    )
    assert _input_problems("lightsail", "CreateContainerServiceDeployment", params) == ""
    assert set(params["containers"]) == {"api", "worker", "redis"}
    endpoint = params["publicEndpoint"]
    assert (endpoint["containerName"], endpoint["healthCheck"]["path"]) == ("api", "/v1/health")
    assert endpoint["healthCheck"]["successCodes"] == "200"  # Lightsail takes 200-499 only


def test_every_target_runs_the_same_worker_command(template: dict[str, Any]) -> None:
    worker = container(template, "WorkerTaskDefinition", "worker")
    deployment = lightsail_deployment(
        SERVICE_NAME="s", IMAGE="i", AWS_REGION="r", BEDROCK_ACCESS_KEY_ID="k",
        BEDROCK_SECRET_ACCESS_KEY="s", AIPRISM_TEAM_TOKENS="{}",
    )  # fmt: skip
    assert worker["Command"] == deployment["containers"]["worker"]["command"]
    assert "Command" not in container(template, "ApiTaskDefinition", "api")  # the image's CMD


def test_no_bedrock_or_s3_permission_is_a_wildcard(template: dict[str, Any]) -> None:
    found = policies(template)
    assert {"TaskRole.bedrock-chain", "TaskRole.exports-bucket"} <= set(found)
    for name, statements in found.items():
        assert wildcard_problems(statements) == [], name
    s3 = {str(r) for s in found["TaskRole.exports-bucket"] for r in s["Resource"]}
    assert s3 == {
        str({"Fn::GetAtt": ["ExportsBucket", "Arn"]}),
        str({"Fn::Sub": "${ExportsBucket.Arn}/*"}),
    }


def test_lightsail_policy_has_no_wildcard() -> None:
    statements: list[dict[str, Any]] = json.loads(LIGHTSAIL_POLICY.read_text())["Statement"]
    assert wildcard_problems(statements) == []
    assert not any("global." in str(s["Resource"]) for s in statements)


def test_the_wildcard_check_catches_broad_policies() -> None:
    broad: list[dict[str, Any]] = [
        {"Sid": "a", "Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"},
        {"Sid": "b", "Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::x/*"]},
        {
            "Sid": "c",
            "Effect": "Allow",
            "Action": ["bedrock:InvokeModel"],
            "Resource": ["arn:aws:bedrock:*::foundation-model/anthropic.claude"],
        },
    ]
    problems = wildcard_problems(broad)
    assert [p.split(":")[0] for p in problems] == ["a", "b", "b", "c"]


def test_bedrock_resources_follow_the_model_chain(template: dict[str, Any]) -> None:
    statements = {s["Sid"]: s for s in policies(template)["TaskRole.bedrock-chain"]}
    profiles = str(statements["InvokeChainProfiles"]["Resource"])
    models = str(statements["InvokeChainModelsThroughTheirProfiles"]["Resource"])
    chain = [m for m in parse_model_chain(MODELS_FILE) if m.enabled]
    for model in chain:
        for geo in model.profile_prefixes:
            assert f"inference-profile/{geo}.{model.base_id}'" in profiles
        assert f"foundation-model/{model.base_id}'" in models
        if GLOBAL in model.profile_prefixes:  # global. only when the stack allows it
            arn = f"inference-profile/global.{model.base_id}"
            assert re.search(rf"'AllowGlobal', \{{'Fn::Sub': '[^']*{re.escape(arn)}'", profiles)
    named = profiles.count("inference-profile/")
    assert named == sum(len(m.profile_prefixes) for m in chain)
    actions = {a for s in statements.values() for a in s["Action"]}
    assert actions == {
        "bedrock:InvokeModel",
        "bedrock:InvokeModelWithResponseStream",
        "bedrock:CountTokens",
    }


def _resources(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == kind]


def test_the_stack_has_what_the_issue_asks(template: dict[str, Any]) -> None:
    (alb,) = _resources(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    attributes = {a["Key"]: a["Value"] for a in alb["Properties"]["LoadBalancerAttributes"]}
    assert attributes["idle_timeout.timeout_seconds"] == "600"
    listeners = {
        r["Properties"]["Port"]: r["Properties"]
        for r in _resources(template, "AWS::ElasticLoadBalancingV2::Listener")
    }
    assert listeners[80]["DefaultActions"][0]["RedirectConfig"]["Protocol"] == "HTTPS"
    assert listeners[443]["Certificates"] == [{"CertificateArn": {"Ref": "CertificateArn"}}]
    (group,) = _resources(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert group["Properties"]["HealthCheckPath"] == "/v1/health"
    services = template["Resources"]
    for name in ("ApiService", "WorkerService"):
        deployment = services[name]["Properties"]["DeploymentConfiguration"]
        assert deployment["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert services["ApiService"]["Properties"]["DesiredCount"] == 2
    api_scaling = services["ApiScaling"]["Properties"]
    assert (api_scaling["MinCapacity"], api_scaling["MaxCapacity"]) == (2, 10)
    metrics = {
        str(r["Properties"]["TargetTrackingScalingPolicyConfiguration"].get(
            "PredefinedMetricSpecification", {}).get("PredefinedMetricType", "custom"))
        for r in _resources(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    }  # fmt: skip
    assert metrics == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget", "custom"}
    (redis,) = _resources(template, "AWS::ElastiCache::ReplicationGroup")
    for setting in ("TransitEncryptionEnabled", "AtRestEncryptionEnabled"):
        assert redis["Properties"][setting] is True
    assert "resolve:secretsmanager" in str(redis["Properties"]["AuthToken"])
    (bucket,) = _resources(template, "AWS::S3::Bucket")
    properties = bucket["Properties"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(properties["PublicAccessBlockConfiguration"].values())
    assert "GLACIER" in str(properties["LifecycleConfiguration"])
    (bucket_policy,) = _resources(template, "AWS::S3::BucketPolicy")
    assert "aws:SecureTransport" in str(bucket_policy)
    for group_ in _resources(template, "AWS::Logs::LogGroup"):
        assert group_["Properties"]["RetentionInDays"] == 7
    api = container(template, "ApiTaskDefinition", "api")
    assert {s["Name"] for s in api["Secrets"]} == {"AIPRISM_TEAM_TOKENS", "AIPRISM_REDIS_PASSWORD"}
    roles = {
        services[n]["Properties"][k]["Fn::GetAtt"][0]
        for n in ("ApiTaskDefinition", "WorkerTaskDefinition")
        for k in ("TaskRoleArn", "ExecutionRoleArn")
    }
    assert roles == {"TaskRole", "ExecutionRole"}
    assert "EndpointUrl" in template["Outputs"]


def test_the_ec2_variant_has_its_own_compute() -> None:
    template = load_template(AWS_DIR / "ecs-ec2" / "template.yaml")
    resources = template["Resources"]
    ami = template["Parameters"]["EcsAmiId"]
    assert ami["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    assert ami["Default"].startswith("/aws/service/ecs/optimized-ami/")
    scaling = resources["CapacityProvider"]["Properties"]["AutoScalingGroupProvider"]
    assert scaling["ManagedScaling"]["Status"] == "ENABLED"
    for name in ("ApiService", "WorkerService"):
        strategies = resources[name]["Properties"]["PlacementStrategies"]
        assert {"Type": "spread", "Field": "attribute:ecs.availability-zone"} in strategies
    assert resources["ApiTaskDefinition"]["Properties"]["RequiresCompatibilities"] == ["EC2"]


def test_a_model_called_by_its_own_id_is_allowed_without_a_profile(tmp_path: Path) -> None:
    text = MODELS_FILE.read_text()
    first = text.index("requires_profile = true")
    models = tmp_path / "models.toml"
    models.write_text(text[:first] + "requires_profile = false" + text[first + 23 :])
    statements = {s["Sid"]: s for s in renderer("iam").bedrock_statements(models)}
    on_demand = statements["InvokeChainModelsOnDemand"]
    assert "Condition" not in on_demand
    (arn,) = on_demand["Resource"]
    assert arn["Fn::Sub"].endswith(":${AWS::Region}::foundation-model/" + chain_first_model())
    assert wildcard_problems(list(statements.values())) == []


def chain_first_model() -> str:
    return parse_model_chain(MODELS_FILE)[0].base_id
