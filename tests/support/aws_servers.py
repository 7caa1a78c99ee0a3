"""Loopback servers for the AWS tests (a pytest plugin of the whole suite): the fake Bedrock (plain
and behind TLS) and moto's S3."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from aiprism_desktop.providers.bedrock.chain.profiles import ModelProfile
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.tls_proxy import TlsProxy

REGION = "us-east-1"
BUCKET = "aiprism-exports"


@pytest.fixture
def fake_bedrock() -> Iterator[FakeBedrock]:
    with FakeBedrock() as fake:
        yield fake


@pytest.fixture
def tls_bedrock(fake_bedrock: FakeBedrock, tmp_path: Path) -> Iterator[TlsProxy]:
    """The fake Bedrock behind HTTPS (bearer tokens are only sent over TLS)."""
    cert_dir = tmp_path / "tls"
    cert_dir.mkdir()
    with TlsProxy(fake_bedrock.port, cert_dir) as proxy:
        yield proxy


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto in server mode on 127.0.0.1, reached over real HTTP."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def moto_post(endpoint: str, path: str, data: bytes = b"") -> bytes:
    # text/plain: a form content type would make moto's Flask app swallow the body.
    request = urllib.request.Request(
        f"{endpoint}{path}", data=data, method="POST", headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body: bytes = response.read()
        return body


@pytest.fixture
def moto_s3(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A clean moto with one bucket; ``AWS_ENDPOINT_URL_S3`` points at it (as users would)."""
    moto_post(moto_endpoint, "/moto-api/reset")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_endpoint)
    admin = boto3.client(
        "s3",
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    admin.create_bucket(Bucket=BUCKET)
    yield moto_endpoint
    moto_post(moto_endpoint, "/moto-api/reset-auth", b"inf")
    moto_post(moto_endpoint, "/moto-api/reset")


def enforce_moto_auth(endpoint: str) -> None:
    """From now on moto checks credentials and IAM policies on every request."""
    answer = json.loads(moto_post(endpoint, "/moto-api/reset-auth", b"0"))
    assert "PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT" in answer


def make_profile(key: str, base_id: str, **changes: object) -> ModelProfile:
    """A chain entry with sensible defaults for probes."""
    fields: dict[str, object] = {
        "key": key,
        "display_name": key.title(),
        "base_id": base_id,
        "profile_prefixes": ("us", "eu", "global"),
        "context_window": 200_000,
        "max_output_tokens": 64_000,
        "default_max_tokens": 4096,
        "sampling": ("temperature",),
        "json_mode": "tool_forced",
    }
    fields.update(changes)
    return ModelProfile(**fields)  # type: ignore[arg-type]
