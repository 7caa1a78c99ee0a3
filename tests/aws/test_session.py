"""build_session: every sign-in method, through the real boto3 code paths, against loopback."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from aiprism_desktop.aws.session import build_session, describe_identity, make_client
from aiprism_desktop.aws.settings import AuthMethod, AwsSettings
from aiprism_desktop.core.errors import AuthError, ConfigError
from aiprism_desktop.secrets.credentials import AwsKeys, CredentialStore
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.aws_servers import REGION
from tests.support.tls_proxy import TlsProxy

ONE_ATTEMPT = Config(retries={"mode": "standard", "total_max_attempts": 1})
KEYS = AwsKeys("AKIAKEYRINGTEST00001", "keyring-secret-access-key-0000000000000", "session-tok-1")


def _ping(client: object) -> None:
    client.converse(  # type: ignore[attr-defined]
        modelId="us.anthropic.claude-test-v1:0",
        messages=[{"role": "user", "content": [{"text": "ping"}]}],
        inferenceConfig={"maxTokens": 1},
    )


def test_keys_from_the_keyring_sign_the_request(fake_bedrock: FakeBedrock, home: Path) -> None:
    store = CredentialStore()
    store.save_aws_keys(KEYS)
    settings = AwsSettings(
        auth_method=AuthMethod.KEYS, region=REGION, bedrock_endpoint_url=fake_bedrock.endpoint_url
    )
    session = build_session(settings, store)

    credentials = session.get_credentials()
    assert credentials is not None
    frozen = credentials.get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == (
        KEYS.access_key_id,
        KEYS.secret_access_key,
        KEYS.session_token,
    )
    _ping(make_client(session, "bedrock-runtime", settings, ONE_ATTEMPT))
    request = fake_bedrock.requests[-1]
    assert request.auth_scheme == "sigv4"
    assert request.credential == KEYS.access_key_id
    assert request.signing_region == REGION
    assert request.headers["x-amz-security-token"] == KEYS.session_token
    assert not (home / ".aws").exists(), "keys must never be written to ~/.aws"


def test_keys_method_without_saved_keys_is_an_auth_error() -> None:
    with pytest.raises(AuthError, match="No AWS access key is saved"):
        build_session(AwsSettings(auth_method=AuthMethod.KEYS), CredentialStore())


def test_api_key_is_sent_as_bearer_without_touching_the_environment(
    fake_bedrock: FakeBedrock, tls_bedrock: TlsProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CA_BUNDLE", str(tls_bedrock.cert_path))
    store = CredentialStore()
    store.save_bedrock_api_key("ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLXRlc3Q=")
    settings = AwsSettings(
        auth_method=AuthMethod.API_KEY, region=REGION, bedrock_endpoint_url=tls_bedrock.endpoint_url
    )
    session = build_session(settings, store)
    _ping(make_client(session, "bedrock-runtime", settings, ONE_ATTEMPT))

    request = fake_bedrock.requests[-1]
    assert request.auth_scheme == "bearer"
    assert request.credential == "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLXRlc3Q="
    assert "AWS_BEARER_TOKEN_BEDROCK" not in os.environ
    # The token is scoped to Bedrock: S3 calls of the same session are signed with SigV4 from
    # the default chain (here: environment variables).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVFORS3000000001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    assert _s3_authorization(build_session(settings, store)).startswith("AWS4-HMAC-SHA256 ")


class _SentError(Exception):
    """Raised by a before-send hook once the signed request has been seen."""


def _s3_authorization(session: boto3.Session) -> str:
    """The Authorization header of a signed S3 request (stopped before it leaves)."""
    seen: list[str] = []

    def capture(request: Any, **_: Any) -> None:
        seen.append(request.headers["Authorization"].decode())
        raise _SentError

    s3 = session.client("s3", endpoint_url="http://127.0.0.1:9")
    s3.meta.events.register("before-send.s3", capture)
    with pytest.raises(_SentError):
        s3.list_buckets()
    return seen[0]


def test_two_api_key_sessions_in_one_process_stay_apart(
    fake_bedrock: FakeBedrock, tls_bedrock: TlsProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sessions with different keys in one process stay apart (no shared env var)."""
    monkeypatch.setenv("AWS_CA_BUNDLE", str(tls_bedrock.cert_path))
    settings = AwsSettings(
        auth_method=AuthMethod.API_KEY, region=REGION, bedrock_endpoint_url=tls_bedrock.endpoint_url
    )
    tokens = ["ABSKZmlyc3QtYXBpLWtleS0wMDAwMDAwMA==", "ABSKc2Vjb25kLWFwaS1rZXktMDAwMDAwMA=="]
    sessions = []
    for token in tokens:
        store = CredentialStore()
        store.save_bedrock_api_key(token)
        sessions.append(build_session(settings, store))
    for session in sessions:
        _ping(make_client(session, "bedrock-runtime", settings, ONE_ATTEMPT))
    assert [r.credential for r in fake_bedrock.requests] == tokens


def test_api_key_method_without_a_key_is_an_auth_error() -> None:
    with pytest.raises(AuthError, match="No Bedrock API key is saved"):
        build_session(AwsSettings(auth_method=AuthMethod.API_KEY), CredentialStore())


def _write_profile(home: Path, name: str, lines: list[str]) -> None:
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.write_text(f"[profile {name}]\n" + "\n".join(lines) + "\n", encoding="utf-8")


def test_named_profile_uses_boto3s_own_chain_credential_process(
    fake_bedrock: FakeBedrock, home: Path
) -> None:
    """credential_process (like SSO) works because boto3 resolves the profile itself."""
    script = home / "creds.py"
    script.write_text(
        "import json\nprint(json.dumps({'Version': 1, 'AccessKeyId': 'AKIAPROCESS000000001',"
        " 'SecretAccessKey': 'process-secret', 'SessionToken': 'process-token'}))\n",
        encoding="utf-8",
    )
    _write_profile(
        home, "review", [f"credential_process = {sys.executable} {script}", "region = eu-west-1"]
    )
    settings = AwsSettings(
        auth_method=AuthMethod.PROFILE,
        profile_name="review",
        bedrock_endpoint_url=fake_bedrock.endpoint_url,
    )
    session = build_session(settings, CredentialStore())
    assert session.region_name == "eu-west-1", "the profile's region applies when none is set"
    _ping(make_client(session, "bedrock-runtime", settings, ONE_ATTEMPT))
    assert fake_bedrock.requests[-1].credential == "AKIAPROCESS000000001"
    identity = describe_identity(settings, session)
    assert identity.credential_source == "custom-process"
    assert "review" in identity.summary


def test_unknown_profile_is_a_config_error() -> None:
    settings = AwsSettings(auth_method=AuthMethod.PROFILE, profile_name="missing")
    with pytest.raises(ConfigError, match="'missing' was not found"):
        build_session(settings, CredentialStore())


def test_default_chain_reads_the_environment_like_the_cli(
    fake_bedrock: FakeBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake_bedrock.endpoint_url)
    settings = AwsSettings()
    session = build_session(settings, CredentialStore())

    assert session.region_name == "eu-central-1"
    # No endpoint override configured: botocore's own env var resolution reaches the fake.
    _ping(make_client(session, "bedrock-runtime", settings, ONE_ATTEMPT))
    request = fake_bedrock.requests[-1]
    assert (request.credential, request.signing_region) == ("AKIAENVIRONMENT00001", "eu-central-1")
    identity = describe_identity(settings, session)
    assert identity.credential_source == "env"
    assert identity.summary == "Default AWS credentials via environment variables"


def test_default_chain_honours_aws_profile(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[team]\naws_access_key_id = AKIAFROMPROFILE00001\naws_secret_access_key = s\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("AWS_PROFILE", "team")
    session = build_session(AwsSettings(), CredentialStore())
    credentials = session.get_credentials()
    assert credentials is not None
    assert credentials.access_key == "AKIAFROMPROFILE00001"


def test_configured_region_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    assert build_session(AwsSettings(region="us-west-2"), CredentialStore()).region_name == (
        "us-west-2"
    )
    assert build_session(AwsSettings(), CredentialStore()).region_name == "eu-central-1"
    monkeypatch.delenv("AWS_REGION")
    assert build_session(AwsSettings(), CredentialStore()).region_name == "ap-south-1"


def test_endpoint_override_applies_only_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
    session = boto3.Session(region_name=REGION)
    plain = make_client(session, "s3", AwsSettings())
    assert plain.meta.endpoint_url == "http://127.0.0.1:9"
    overridden = make_client(session, "s3", AwsSettings(s3_endpoint_url="http://127.0.0.1:8"))
    assert overridden.meta.endpoint_url == "http://127.0.0.1:8"


def test_identity_never_contains_the_secret() -> None:
    store = CredentialStore()
    store.save_aws_keys(KEYS)
    settings = AwsSettings(auth_method=AuthMethod.KEYS, region=REGION)
    identity = describe_identity(settings, build_session(settings, store), store)
    assert identity.summary == "AWS temporary access key …0001 (in the system keyring)"
    text = json.dumps([identity.summary, identity.credential_source, identity.region])
    for value in KEYS.values():
        assert value not in text


@pytest.fixture
def home() -> Path:
    return Path(os.environ["HOME"])
