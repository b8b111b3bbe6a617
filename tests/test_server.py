"""The real thing: `sourcecheck serve` under gunicorn, called over HTTP."""

import pytest
import requests

from classifiers.labels import FLAGGED
from tests.conftest import page_html, running_api


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
