"""Several workers and instances share one rate limit through a real Redis, keyed on the proxied client."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import subprocess
import time

import pytest
import redis
import requests

from tests.conftest import free_port, running_server

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """The redis-server .ci/run started (TEST_REDIS_URL), or one of our own on a free port."""
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed: apt-get install redis-server (as .ci/run does)"
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture()
def fresh_redis(redis_url):
    redis.Redis.from_url(redis_url).flushall()
    return redis_url


def test_two_instances_share_one_limit_through_redis(make_app, fresh_redis):
    settings = {"RATE_LIMIT": "3 per minute", "RATE_LIMIT_STORAGE": fresh_redis}
    first, second = make_app(**settings).test_client(), make_app(**settings).test_client()
    assert [first.get("/api/v1/model").status_code for _ in range(2)] == [200, 200]
    assert second.get("/api/v1/model").status_code == 200
    refused = second.get("/api/v1/model")
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0


def test_behind_a_trusted_proxy_each_reader_has_its_own_bucket(make_app, fresh_redis):
    client = make_app(
        RATE_LIMIT="2 per minute", RATE_LIMIT_STORAGE=fresh_redis, TRUSTED_PROXIES=1
    ).test_client()
    alice, bob = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.9"}
    assert [client.get("/api/v1/model", headers=alice).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/model", headers=bob).status_code == 200


def test_without_a_trusted_proxy_a_forged_header_does_not_buy_a_new_bucket(make_app, fresh_redis):
    client = make_app(RATE_LIMIT="2 per minute", RATE_LIMIT_STORAGE=fresh_redis).test_client()
    statuses = [
        client.get("/api/v1/model", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


@pytest.mark.server
@pytest.mark.load
def test_gunicorn_workers_count_together_and_a_flood_gets_429_not_errors(tmp_path, fresh_redis):
    env = {"SOURCECHECK_RATE_LIMIT": "20 per minute", "SOURCECHECK_RATE_LIMIT_STORAGE": fresh_redis}
    with running_server(tmp_path, workers=2, env=env) as server:

        def call(_: int) -> tuple[int, str | None, str]:
            response = requests.get(f"{server.url}/api/v1/model", headers={"Connection": "close"}, timeout=30)
            return response.status_code, response.headers.get("Retry-After"), response.headers["Content-Type"]

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(call, range(200)))
    statuses = [status for status, _, _ in answers]
    assert statuses.count(200) == 20, "each worker counted alone" if statuses.count(200) > 20 else statuses
    assert set(statuses) == {200, 429}
    refusals = [(after, kind) for status, after, kind in answers if status == 429]
    assert all(after and int(after) > 0 and kind == "application/problem+json" for after, kind in refusals)
