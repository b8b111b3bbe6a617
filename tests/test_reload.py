"""A reload reaches every gunicorn worker, fails no request, and a bad model file changes nothing."""

from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import signal
import threading
import time

import pytest
import requests

from classifiers.model import BUNDLED_MODEL
from tests.conftest import page_html, running_server

pytestmark = pytest.mark.server

WORKERS = 3
CALLS = 30
SETTLE_SECONDS = 30  # the master loads the model again (a few seconds), then forks new workers
KEY = {"Authorization": "Bearer reader-key"}
ADMIN = {**KEY, "X-Admin-Token": "admin-token"}


def _install(model: pathlib.Path, at: pathlib.Path) -> str:
    """Put a model and its card at `at`, as an operator would (atomic replace); return its digest."""
    for source, target in ((model, at), (model.with_suffix(".json"), at.with_suffix(".json"))):
        staged = target.with_name(f".{target.name}.new")
        shutil.copyfile(source, staged)
        os.replace(staged, target)
    return hashlib.sha256(at.read_bytes()).hexdigest()


def _digests(url: str, calls: int = CALLS) -> list[str]:
    session = requests.Session()
    digests = []
    for _ in range(calls):
        session.headers["Connection"] = "close"  # a new connection, so any worker may answer
        response = session.get(f"{url}/api/v1/model", headers=KEY, timeout=30)
        assert response.status_code == 200, response.text
        digests.append(response.json()["digest"])
    return digests


def _settled_on(url: str, digest: str) -> float:
    """Wait until CALLS calls in a row all see `digest`; return how long that took."""
    started = time.monotonic()
    while time.monotonic() - started < SETTLE_SECONDS:
        if _digests(url) == [digest] * CALLS:
            return time.monotonic() - started
        time.sleep(0.5)
    pytest.fail(f"workers did not all serve {digest[:12]} within {SETTLE_SECONDS} s: {_digests(url)}")


class _Traffic:
    """Analyze requests in a loop while a reload happens; every answer must be a 200."""

    def __init__(self, url: str) -> None:
        self.url, self.statuses, self.stop = url, [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        html = page_html("seed-wire")
        while not self.stop.is_set():
            try:
                response = requests.post(
                    f"{self.url}/api/v1/analyze", json={"html": html}, headers=KEY, timeout=30
                )
                self.statuses.append(response.status_code)
            except requests.RequestException as error:
                self.statuses.append(repr(error))

    def __enter__(self) -> _Traffic:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=60)


@pytest.fixture()
def server(tmp_path, test_model_path):
    model = tmp_path / "model.skops"
    first = _install(test_model_path, model)
    env = {
        "SOURCECHECK_MODEL_PATH": str(model),
        "SOURCECHECK_API_KEY": "reader-key",
        "SOURCECHECK_ADMIN_TOKEN": "admin-token",
        "SOURCECHECK_RATE_LIMIT": "100000 per minute",
    }
    with running_server(tmp_path, workers=WORKERS, env=env) as running:
        assert set(_digests(running.url)) == {first}
        yield running, model, first


def test_an_api_reload_reaches_every_worker_and_a_bad_file_is_refused(server, test_model_path):
    running, model, first = server
    with _Traffic(running.url) as traffic:
        second = _install(BUNDLED_MODEL, model)
        assert second != first
        response = requests.post(f"{running.url}/api/v1/model/reload", headers=ADMIN, timeout=60)
        assert response.status_code == 200, response.text
        assert response.json()["digest"] == second
        waited = _settled_on(running.url, second)
    assert waited < SETTLE_SECONDS
    assert traffic.statuses and set(traffic.statuses) == {200}, traffic.statuses

    model.write_bytes(b"this is not a model")
    refused = requests.post(f"{running.url}/api/v1/model/reload", headers=ADMIN, timeout=60)
    assert refused.status_code == 409
    assert refused.headers["Content-Type"] == "application/problem+json"
    time.sleep(3)
    assert _digests(running.url) == [second] * CALLS
    assert "model reload refused" in running.log.read_text(errors="replace")


def test_a_hup_reaches_every_worker_and_a_bad_file_keeps_the_old_model(server):
    running, model, first = server
    with _Traffic(running.url) as traffic:
        second = _install(BUNDLED_MODEL, model)
        os.kill(running.process.pid, signal.SIGHUP)
        _settled_on(running.url, second)
    assert traffic.statuses and set(traffic.statuses) == {200}, traffic.statuses

    model.write_bytes(b"this is not a model")
    os.kill(running.process.pid, signal.SIGHUP)
    time.sleep(5)
    assert running.process.poll() is None, "the server stopped"
    assert _digests(running.url) == [second] * CALLS
    assert "reload refused, the loaded model stays" in running.log.read_text(errors="replace")
