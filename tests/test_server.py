"""The real thing: `sourcecheck serve` under gunicorn, called over HTTP."""

import contextlib
import socket
import threading
import time

import pytest
import requests

from classifiers.labels import FLAGGED
from tests.conftest import page_html, running_api

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    with running_api(tmp_path_factory.mktemp("server")) as url:
        yield url


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


def _raw(url: str, request: bytes, *, wait: float = 15) -> bytes:
    """Send raw bytes to the server and return everything it answers before closing."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as connection:
        connection.sendall(request)
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return answer


def _status_and_type(answer: bytes) -> tuple[int, str]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status = int(head.split(" ", 2)[1])
    types = [
        line.split(":", 1)[1].strip()
        for line in head.split("\r\n")
        if line.lower().startswith("content-type:")
    ]
    return status, types[0] if types else ""


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 10_000 + b"\r\n\r\n", 431),
        (
            b"POST /api/v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            400,
        ),
        (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: 1\r\n" * 200 + b"\r\n", 431),
    ],
    ids=["long-request-line", "big-header", "bad-chunk-size", "too-many-headers"],
)
def test_gunicorns_own_refusals_are_problems(server_url, request_bytes, status):
    got, content_type = _status_and_type(_raw(server_url, request_bytes))
    assert (got, content_type) == (status, "application/problem+json")


def test_a_body_shorter_than_its_length_is_a_quick_408(server_url):
    started = time.monotonic()
    answer = _raw(
        server_url,
        b"POST /api/v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"html": "<p>',
        wait=25,
    )
    assert _status_and_type(answer) == (408, "application/problem+json")
    assert time.monotonic() - started < 15


def test_clients_trickling_their_bodies_do_not_freeze_the_server(server_url):
    host, port = server_url.removeprefix("http://").split(":")
    slow = []
    for _ in range(4):
        connection = socket.create_connection((host, int(port)), timeout=30)
        connection.sendall(
            b"POST /api/v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n{"
        )
        slow.append(connection)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.is_set():
            for connection in slow:
                with contextlib.suppress(OSError):
                    connection.sendall(b" ")
            time.sleep(1)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        time.sleep(1)
        for _ in range(5):
            started = time.monotonic()
            response = requests.get(f"{server_url}/api/v1/model", timeout=10)
            assert response.status_code == 200
            assert time.monotonic() - started < 3
    finally:
        stop.set()
        thread.join()
        for connection in slow:
            connection.close()
