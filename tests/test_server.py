"""The real thing: `sourcecheck serve` under gunicorn, called over HTTP."""

import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time

import pytest
import requests

from classifiers.labels import FLAGGED
from tests.conftest import page_html

STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _command() -> list[str]:
    script = pathlib.Path(sys.executable).with_name("sourcecheck")
    if script.exists():
        return [str(script)]
    found = shutil.which("sourcecheck")
    return [found] if found else [sys.executable, "-m", "server.cli"]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*_command(), "serve", "--port", str(port), "--workers", "2"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    else:
        process.kill()
        process.wait()
        pytest.fail(f"server did not start: {log.read_text(errors='replace')[-2000:]}")
    yield url
    process.terminate()
    process.wait(timeout=30)


def _analyze(url: str, slug: str) -> dict:
    response = requests.post(f"{url}/api/v1/analyze", json={"html": page_html(slug)}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_gunicorn_serves_the_seed_blog_and_flags_it(server_url):
    result = _analyze(server_url, "seed-blog")
    flagged = [s for s in result["sentences"] if s["label"] in FLAGGED]
    assert len(flagged) >= 5
    assert "Popular posts" not in result["article"]["text"]


def test_gunicorn_serves_the_seed_wire_report_and_flags_at_most_one(server_url):
    result = _analyze(server_url, "seed-wire")
    assert sum(s["label"] in FLAGGED for s in result["sentences"]) <= 1
    assert "Related coverage" not in result["article"]["text"]


def test_gunicorn_answers_errors_as_problems_and_hides_its_version(server_url):
    response = requests.post(f"{server_url}/api/v1/analyze", data="nope", timeout=10)
    assert response.status_code == 415
    assert response.headers["Content-Type"] == "application/problem+json"
    assert not any(ch.isdigit() for ch in response.headers.get("Server", ""))
