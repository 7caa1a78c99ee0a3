"""The real team backend for tests (a pytest plugin of the whole suite): redis-server, gunicorn
and a Celery worker started once per test session on 127.0.0.1, with the fake Bedrock server
(in this process) behind the workers, reached by their real boto3 code path.

Each test gets its own team (a fresh token), so limits and isolation never leak between tests,
and a fresh model health and fake Bedrock scenario.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis

from backend_contract.server.keys import Keys, StrRedis
from backend_contract.server.local import LocalBackend
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.bedrock_harness import KEYS, answer_by, scenario

REGION = "us-east-1"
WORKER_THREADS = 8


@contextmanager
def private_redis() -> Iterator[str]:
    """A redis-server of one's own on 127.0.0.1 (yields its URL), stopped afterwards."""
    server = LocalBackend()
    server.start_redis()
    try:
        yield server.redis_url
    finally:
        server.stop_redis()


def default_scenario() -> dict[str, Any]:
    """Every model of the chain answers with one finding naming itself."""
    return scenario({key: [answer_by(key)] for key in KEYS})


def backend_environment(fake_url: str, home: Path, **overrides: str) -> dict[str, str]:
    """What the server processes see: Bedrock through the default credential chain (fake keys
    in the environment, as a task role would provide), the fake endpoint, test-sized limits."""
    env = {
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": "AKIDFAKEWORKERKEY",
        "AWS_SECRET_ACCESS_KEY": "fake-worker-secret",
        "AWS_REGION": REGION,
        "AIPRISM_PROVIDER": "bedrock",
        "AIPRISM_BEDROCK_ENDPOINT_URL": fake_url,
        "AIPRISM_ANALYSES_PER_MINUTE": "300",
        "AIPRISM_MAX_ACTIVE_JOBS": "40",
        "AIPRISM_JOB_TIME_LIMIT_S": "60",
        "AIPRISM_VISIBILITY_TIMEOUT_S": "90",
        "AIPRISM_LONG_POLL_MAX_S": "10",
        "AIPRISM_MAX_REQUEST_BYTES": str(2 * 1024 * 1024),
    }
    env.update(overrides)
    return env


@dataclass
class RunningBackend:
    """A started backend and what tests need to drive it."""

    server: LocalBackend
    fake: FakeBedrock
    keys: Keys

    @property
    def url(self) -> str:
        return self.server.url

    def token(self, team: str | None = None) -> str:
        return self.server.create_token(team or f"team-{uuid.uuid4().hex[:10]}")

    def redis(self) -> StrRedis:
        return redis.Redis.from_url(self.server.redis_url, decode_responses=True)

    def reset_model_health(self) -> None:
        client = self.redis()
        try:
            client.delete(self.keys.health())
            client.incr(self.keys.health_generation())
        finally:
            client.close()


def _logs_on_failure(server: LocalBackend) -> str:
    out = []
    for log in sorted(Path(server.log_dir).glob("*.log")):
        out.append(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}")
    return "\n".join(out)


@pytest.fixture(scope="session")
def session_fake_bedrock() -> Iterator[FakeBedrock]:
    with FakeBedrock(default_scenario()) as fake:
        yield fake


@pytest.fixture(scope="session")
def backend_session(
    session_fake_bedrock: FakeBedrock, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningBackend]:
    """One backend for the whole session (started on first use)."""
    if shutil.which("redis-server") is None:
        pytest.fail(
            "redis-server is not installed: ./test installs it (apt-get install redis-server)"
        )
    home = tmp_path_factory.mktemp("backend-home")
    server = LocalBackend(
        env=backend_environment(session_fake_bedrock.endpoint_url, home),
        worker_threads=WORKER_THREADS,
        log_dir=tmp_path_factory.mktemp("backend-logs"),
    )
    try:
        server.start(timeout=90)
    except Exception:
        print(_logs_on_failure(server))
        server.stop()
        raise
    yield RunningBackend(server, session_fake_bedrock, Keys())
    server.stop()


@pytest.fixture
def backend(backend_session: RunningBackend) -> RunningBackend:
    """The session's backend with the default scenario and every model ready."""
    backend_session.fake.set_scenario(default_scenario())
    backend_session.fake.reset()
    backend_session.reset_model_health()
    return backend_session
