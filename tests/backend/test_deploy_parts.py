"""What the container deployments add to the server: the Redis password kept apart from the
URL, team tokens from a secret, and the queue depth published for the workers' scaling."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import boto3
import pytest
import redis
from moto import mock_aws

from backend_contract.server.config import load_config, with_password
from backend_contract.server.keys import Keys, StrRedis
from backend_contract.server.queue_metric import measure, publish_once
from backend_contract.server.team_tokens import (
    MANAGED_NOTE,
    TeamTokensError,
    parse_team_tokens,
    sync_team_tokens,
)
from backend_contract.server.tokens import TokenStore
from tests.support.backend_servers import private_redis

pytestmark = pytest.mark.backend

TOKEN_A = "a" * 40
TOKEN_B = "b" * 40


def test_the_password_goes_into_both_urls_escaped() -> None:
    config = load_config(
        {
            "AIPRISM_REDIS_URL": "rediss://cache.example:6379/0?ssl_cert_reqs=required",
            "AIPRISM_TOKEN_REDIS_URL": "redis://tokens.example:6380/1",
            "AIPRISM_REDIS_PASSWORD": "p@ss/word",
        }
    )
    assert config.redis_url == "rediss://:p%40ss%2Fword@cache.example:6379/0?ssl_cert_reqs=required"
    assert config.tokens_url == "redis://:p%40ss%2Fword@tokens.example:6380/1"
    assert redis.Redis.from_url(config.redis_url).get_connection_kwargs()["password"] == "p@ss/word"
    assert with_password("redis://u:own@h:1/0", "other") == "redis://u:own@h:1/0"
    assert load_config({"AIPRISM_REDIS_PASSWORD": "x"}).token_redis_url == ""


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("not json", "JSON object"),
        ('["a"]', "JSON object"),
        (json.dumps({"bad team!": TOKEN_A}), "not a valid team name"),
        (json.dumps({"team": "short"}), "at least 32 characters"),
        (json.dumps({"one": TOKEN_A, "two": [TOKEN_B, TOKEN_A]}), "two teams"),
    ],
)
def test_a_bad_tokens_value_is_refused_without_quoting_tokens(raw: str, says: str) -> None:
    with pytest.raises(TeamTokensError, match=says) as caught:
        parse_team_tokens(raw)
    assert TOKEN_A not in str(caught.value)


@pytest.fixture(scope="module")
def redis_server() -> Iterator[str]:
    with private_redis() as url:
        yield url


@pytest.fixture
def client(redis_server: str) -> Iterator[StrRedis]:
    connection: StrRedis = redis.Redis.from_url(redis_server, decode_responses=True)
    connection.flushdb()
    yield connection
    connection.close()


def test_tokens_from_the_secret_follow_it(client: StrRedis) -> None:
    keys = Keys("t")
    store = TokenStore(client, keys, cache_s=0)
    own, _ = store.create("ops", "made with admin tokens create")
    assert sync_team_tokens(client, keys, parse_team_tokens(json.dumps({"a": TOKEN_A}))) == (1, 0)
    assert sync_team_tokens(client, keys, {TOKEN_A: "a"}) == (0, 0)  # every API start
    record = store.lookup(TOKEN_A)
    assert record is not None
    assert (record.team, record.note) == ("a", MANAGED_NOTE)
    # Edited secret: A dropped, B added, and the admin's token is not the secret's to remove.
    assert sync_team_tokens(client, keys, {TOKEN_B: "b"}) == (1, 1)
    assert store.lookup(TOKEN_A) is None
    assert store.lookup(TOKEN_B) is not None
    assert store.lookup(own) is not None
    # A token moved to another team is re-registered under it.
    assert sync_team_tokens(client, keys, {TOKEN_B: "c"}) == (1, 1)
    moved = store.lookup(TOKEN_B)
    assert moved is not None
    assert moved.team == "c"
    assert TOKEN_B not in json.dumps(client.hgetall(keys.tokens()))  # hashes only


def test_queue_depth_counts_waiting_and_taken_jobs_per_live_worker(
    client: StrRedis, redis_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = Keys("q")
    client.rpush("celery", "job1", "job2")
    client.rpush("celery\x06\x163", "urgent")
    client.hset("unacked", mapping={"t1": "x", "t2": "y", "t3": "z"})
    now = time.time()
    client.zadd(keys.workers(), {"celery@w1": now, "celery@w2": now, "celery@gone": now - 600})
    figures = measure(client, keys)
    assert (figures.waiting, figures.taken, figures.workers) == (3, 3, 2)
    assert figures.backlog_per_worker == 3.0

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    config = load_config({"AIPRISM_REDIS_URL": redis_server, "AIPRISM_KEY_PREFIX": "q"})
    with mock_aws():
        cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
        publish_once(config, cloudwatch, "AIPrism", "prod")
        listed = cloudwatch.list_metrics(Namespace="AIPrism")["Metrics"]
        assert {m["MetricName"] for m in listed} == {"QueueDepth", "BacklogPerWorker"}
        assert all(m["Dimensions"] == [{"Name": "Deployment", "Value": "prod"}] for m in listed)
        stats = cloudwatch.get_metric_statistics(
            Namespace="AIPrism",
            MetricName="QueueDepth",
            Dimensions=[{"Name": "Deployment", "Value": "prod"}],
            StartTime=now - 600,
            EndTime=now + 600,
            Period=60,
            Statistics=["Maximum"],
        )
        assert [p["Maximum"] for p in stats["Datapoints"]] == [6.0]
