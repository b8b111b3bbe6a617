"""Shared fixtures: a model the tests train themselves, the app, and its client."""

from __future__ import annotations

import contextlib
import os
import pathlib
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from classifiers.features import build_pipeline
from classifiers.model import Model, load_model, save_model
from classifiers.samples import TRAIN, load_split

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "sentences"
PAGES = ROOT / "samples" / "pages"


@pytest.fixture(scope="session")
def test_model_path(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """Train a model from the train split, so tests do not depend on the shipped file."""
    samples = load_split(SAMPLES, TRAIN)
    pipeline = build_pipeline().fit([s.input for s in samples], [s.label for s in samples])
    path = tmp_path_factory.mktemp("model") / "test.skops"
    card = {"name": "test", "version": "test", "labels": list(pipeline.classes_), "samples_digest": "test"}
    save_model(pipeline, card, path)
    return path


@pytest.fixture(scope="session")
def test_model(test_model_path: pathlib.Path) -> Model:
    return load_model(test_model_path)


@pytest.fixture(scope="session")
def make_app(test_model_path: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Flask]:
    """Return a factory of apps on the test model, for tests that need other settings.

    Feedback goes to a temporary SQLite file, never to the user's data directory.
    """
    from server import create_app

    feedback_db = f"sqlite:///{tmp_path_factory.mktemp('feedback') / 'feedback.sqlite3'}"

    def make(**overrides: object) -> Flask:
        settings = {
            "TESTING": True,
            "MODEL_PATH": str(test_model_path),
            "RATE_LIMIT": "100000 per minute",
            "FEEDBACK_DB": feedback_db,
        }
        return create_app({**settings, **overrides})

    return make


@pytest.fixture(scope="session")
def app(make_app: Callable[..., Flask]) -> Flask:
    """One app for the tests that leave its settings alone (loading a model takes a while)."""
    return make_app(ADMIN_TOKEN="s3cret")


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def page_html(slug: str) -> str:
    from server.fetch import decode_html

    return decode_html((PAGES / slug / "page.html").read_bytes())


STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def checkout_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a subprocess that runs this checkout's code, not an installed copy."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "PYTHONWARNINGS": "ignore", **(extra or {})}


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]
    log: pathlib.Path


@contextlib.contextmanager
def running_server(
    workdir: pathlib.Path, workers: int = 2, env: dict[str, str] | None = None
) -> Iterator[RunningServer]:
    """Run `sourcecheck serve` (gunicorn) from the checkout on a free port until the block ends."""
    port = free_port()
    log = workdir / "server.log"
    # Corrections sent to a test server stay in its work directory, not the user's data directory.
    env = {"SOURCECHECK_FEEDBACK_DB": f"sqlite:///{workdir / 'feedback.sqlite3'}", **(env or {})}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", str(workers)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=checkout_environment(env),
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield RunningServer(url, process, log)
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextlib.contextmanager
def running_api(workdir: pathlib.Path, workers: int = 2, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `sourcecheck serve` (gunicorn, the shipped model) on a free port; yield its URL."""
    with running_server(workdir, workers, env) as server:
        yield server.url


#: The PostgreSQL server .ci/run starts (.ci/postgres); the PostgreSQL variants fail without it.
POSTGRES_URL_VARIABLE = "TEST_POSTGRES_URL"


def postgres_url() -> str:
    """The test PostgreSQL's URL, or fail saying how to get one (never skip: CI must run both)."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.fail(
            f"{POSTGRES_URL_VARIABLE} is not set: start a throwaway server with "
            f"`export {POSTGRES_URL_VARIABLE}=$(.ci/postgres start /tmp/pg)` (as .ci/run does)"
        )
    return url


def _emptied(url: str) -> str:
    """Drop the feedback tables, so each test starts from a database that was never migrated."""
    from server.feedback.store import make_engine, metadata

    engine = make_engine(url)
    with engine.begin() as connection:
        metadata.drop_all(connection)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def feedback_db(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> str:
    """A fresh feedback database: a SQLite file, then the test PostgreSQL (the same tests run on both)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    from server.feedback.store import database_url

    return _emptied(database_url(postgres_url(), lambda: tmp_path))
