"""Settings → "Test connection" against the fake Bedrock server over real HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket

import boto3
import pytest

from aiprism_desktop.aws.session import build_session
from aiprism_desktop.aws.settings import AuthMethod, AwsSettings
from aiprism_desktop.core.errors import AuthError, ConfigError, ProviderUnavailableError
from aiprism_desktop.providers.bedrock import connection
from aiprism_desktop.providers.bedrock.chain.profiles import load_model_chain, resolve_model_id
from aiprism_desktop.secrets.credentials import AwsKeys, CredentialStore
from tests.fakes.fake_bedrock import FakeBedrock, ModelScript, Outcome
from tests.support.aws_servers import REGION, make_profile

TODAY = dt.date(2026, 11, 26)
CHAIN = (
    make_profile("alpha", "anthropic.alpha-v1:0"),
    make_profile("beta", "anthropic.beta-v1:0"),
    make_profile("gamma", "anthropic.gamma-v1:0"),
    make_profile("delta", "anthropic.delta-v1:0"),
)


def _session_and_settings(
    endpoint: str, region: str | None = REGION
) -> tuple[boto3.Session, AwsSettings]:
    store = CredentialStore()
    store.save_aws_keys(AwsKeys("AKIACONNECTIONTEST01", "connection-test-secret"))
    settings = AwsSettings(
        auth_method=AuthMethod.KEYS, region=region, bedrock_endpoint_url=endpoint
    )
    return build_session(settings, store), settings


def _check(fake: FakeBedrock, chain: tuple[object, ...] = CHAIN) -> connection.ConnectionReport:
    session, settings = _session_and_settings(fake.endpoint_url)
    return connection.test_connection(session, settings, chain, today=TODAY)  # type: ignore[arg-type]


def _error(name: str) -> ModelScript:
    return ModelScript(outcomes=(Outcome(kind="error", error=name),))


def test_all_models_usable_with_one_tiny_call_each(fake_bedrock: FakeBedrock) -> None:
    report = _check(fake_bedrock)

    assert report.usable_models == ("alpha", "beta", "gamma", "delta")
    assert report.region == REGION
    calls = fake_bedrock.requests_for("converse")
    assert sorted(r.model_id for r in calls) == sorted(
        f"us.anthropic.{k}-v1:0" for k in ("alpha", "beta", "gamma", "delta")
    )
    assert calls[0].model_id == "us.anthropic.alpha-v1:0", "the first chain model is probed first"
    for request in calls:
        assert request.body is not None
        assert request.body["inferenceConfig"] == {"maxTokens": 1}
    assert report.summary() == "Connected to Amazon Bedrock in us-east-1: 4 of 4 models usable."
    assert report.identity is not None
    assert report.identity.summary.endswith("…ST01")


def test_each_model_reports_why_it_cannot_be_used(fake_bedrock: FakeBedrock) -> None:
    fake_bedrock.set_model("anthropic.beta-v1:0", _error("no_access"))
    fake_bedrock.set_model("anthropic.gamma-v1:0", _error("eol"))
    fake_bedrock.set_model("anthropic.delta-v1:0", _error("throttling"))
    report = _check(fake_bedrock)

    by_key = {m.key: m for m in report.models}
    assert report.usable_models == ("alpha", "delta")
    assert by_key["beta"].status == "unusable"
    assert "no access to this model" in by_key["beta"].reason
    assert by_key["gamma"].status == "unusable"
    assert by_key["gamma"].reason == "end of life"
    assert "throttled" in by_key["delta"].reason


def test_disabled_and_end_of_life_models_are_not_called(fake_bedrock: FakeBedrock) -> None:
    chain = (
        make_profile("old", "anthropic.old-v1:0", lifecycle="eol"),
        make_profile("off", "anthropic.off-v1:0", enabled=False),
        make_profile("eu-only", "anthropic.euonly-v1:0", profile_prefixes=("eu",)),
        make_profile("live", "anthropic.live-v1:0"),
    )
    report = _check(fake_bedrock, chain)

    assert [(m.key, m.status) for m in report.models] == [
        ("old", "skipped"),
        ("off", "skipped"),
        ("eu-only", "unusable"),
        ("live", "usable"),
    ]
    assert "not offered in us-east-1" in report.models[2].reason
    assert [r.model_id for r in fake_bedrock.requests] == ["us.anthropic.live-v1:0"]


@pytest.mark.parametrize("preset", ["bad_credentials", "unrecognized_client", "expired_token"])
def test_refused_credentials_stop_the_test_at_the_first_model(
    fake_bedrock: FakeBedrock, preset: str
) -> None:
    fake_bedrock.set_model("anthropic.alpha-v1:0", _error(preset))
    with pytest.raises(AuthError) as caught:
        _check(fake_bedrock)
    assert caught.value.message.startswith("The AWS credentials were refused: The security token")
    assert len(fake_bedrock.requests) == 1, "no point probing the other models"


def test_unreachable_bedrock_names_the_region() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    session, settings = _session_and_settings(f"http://127.0.0.1:{port}")
    with pytest.raises(ProviderUnavailableError) as caught:
        connection.test_connection(session, settings, CHAIN)
    assert caught.value.message.startswith("Cannot reach Amazon Bedrock in us-east-1: Could not")


def test_no_region_is_a_config_error(fake_bedrock: FakeBedrock) -> None:
    session, settings = _session_and_settings(fake_bedrock.endpoint_url, region=None)
    with pytest.raises(ConfigError, match="No AWS region is set"):
        connection.test_connection(session, settings, CHAIN)
    assert fake_bedrock.requests == []


def test_no_credentials_at_all_is_an_auth_error(fake_bedrock: FakeBedrock) -> None:
    settings = AwsSettings(region=REGION, bedrock_endpoint_url=fake_bedrock.endpoint_url)
    session = build_session(settings, CredentialStore())
    with pytest.raises(AuthError, match="No AWS credentials were found"):
        connection.test_connection(session, settings, CHAIN)


def test_the_shipped_chain_is_probed_with_region_profile_ids(fake_bedrock: FakeBedrock) -> None:
    chain = load_model_chain()
    session, settings = _session_and_settings(fake_bedrock.endpoint_url)
    report = asyncio.run(connection.atest_connection(session, settings, chain))

    called = {r.model_id for r in fake_bedrock.requests}
    expected = {
        resolve_model_id(p, REGION)
        for p in chain
        if p.enabled and not p.is_past_end_of_life(dt.datetime.now(dt.UTC).date())
    }
    assert called == expected
    assert set(report.usable_models) == {m.key for m in report.models if m.model_id in expected}
