"""Nothing acknowledged is lost: SIGKILL the server mid-load, restart it, find every 201's id stored."""

import os
import pathlib
import signal
import threading

import pytest
import requests

from server.feedback.store import FeedbackStore
from tests.conftest import running_server

pytestmark = [pytest.mark.server, pytest.mark.load]

CLIENTS = 8
CORRECTIONS = 1_000
KILL_AFTER = 300  # acknowledged corrections before the kill: well inside the run


def _children(pid: int) -> list[int]:
    found = []
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _kill_server(pid: int) -> None:
    """SIGKILL the gunicorn master and its workers at once, as a power cut would."""
    for victim in [pid, *_children(pid)]:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _correction(number: int) -> dict:
    return {
        "url": "https://news.example/load",
        "text": f"Sentence number {number} is the writer's view.",
        "model_label": "unattributed",
        "model_score": 0.6,
        "model_version": "load",
        "reader_label": "opinion",
    }


def test_sigkill_loses_no_acknowledged_correction(feedback_db, tmp_path):
    env = {"SOURCECHECK_FEEDBACK_DB": feedback_db, "SOURCECHECK_RATE_LIMIT": "1000000 per minute"}
    acknowledged: list[int] = []
    server_errors: list[int] = []
    numbers = iter(range(CORRECTIONS))
    lock = threading.Lock()
    killed = threading.Event()
    base = {"url": ""}

    def client() -> None:
        with requests.Session() as session:
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    return
                try:
                    response = session.post(
                        f"{base['url']}/api/v1/feedback", json=_correction(number), timeout=10
                    )
                except requests.RequestException:
                    continue  # the server is down: not acknowledged, so nothing is owed
                with lock:
                    if response.status_code == 201:
                        acknowledged.append(response.json()["id"])
                    elif response.status_code >= 500:
                        server_errors.append(response.status_code)
                    if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                        killed.set()

    for run in ("first", "second"):
        (tmp_path / run).mkdir()
    with running_server(tmp_path / "first", env=env) as first:
        base["url"] = first.url
        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        assert killed.wait(120), "the clients never reached the kill point"
        _kill_server(first.process.pid)
        first.process.wait(timeout=30)
        for thread in threads:
            thread.join(timeout=300)
    assert KILL_AFTER <= len(acknowledged) < CORRECTIONS, "the kill came after the load, not during it"

    with running_server(tmp_path / "second", env=env) as second:
        assert requests.get(f"{second.url}/api/v1/health", timeout=5).ok
    store = FeedbackStore.open(feedback_db)
    stored = {item.id for item in store.items()}
    store.close_connections()
    assert not set(acknowledged) - stored, "acknowledged corrections were lost"
    assert server_errors == []
