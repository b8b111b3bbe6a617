"""POST /api/v1/feedback: documented, validated, idempotent, and never a 500."""

import json

import pytest

from server.feedback.store import FeedbackStore
from tests.test_api import CHROME_ORIGIN, assert_matches, assert_problem

GOOD = {
    "url": "https://news.example/story?session=abc#top",
    "text": "The council will regret this decision.",
    "context": "The council voted on Tuesday.",
    "model_label": "unattributed",
    "model_score": 0.74,
    "model_version": "0.1.0",
    "reader_label": "opinion",
    "note": "It is the writer's view.",
}


@pytest.fixture()
def make_feedback_app(make_app, feedback_db):
    """Apps on this test's database; their pooled connections are closed when the test ends."""
    made = []

    def make(**settings):
        made.append(make_app(FEEDBACK_DB=feedback_db, **settings))
        return made[-1]

    yield make
    for app in made:
        app.extensions["sourcecheck.feedback"].close_connections()


@pytest.fixture()
def feedback_app(make_feedback_app):
    return make_feedback_app()


@pytest.fixture()
def feedback_client(feedback_app):
    return feedback_app.test_client()


def stored(app) -> FeedbackStore:
    return app.extensions["sourcecheck.feedback"]


def test_a_correction_is_201_with_its_id_and_is_stored(feedback_app, feedback_client):
    response = feedback_client.post("/api/v1/feedback", json=GOOD)
    assert response.status_code == 201
    assert_matches("FeedbackStored", response.get_json())
    [item] = stored(feedback_app).items()
    assert item.id == response.get_json()["id"]
    assert item.url == "https://news.example/story"
    assert (item.reader_label, item.note, item.context) == ("opinion", GOOD["note"], GOOD["context"])


def test_the_request_the_extension_sends_matches_the_document():
    assert_matches("FeedbackRequest", GOOD)
    assert_matches("FeedbackRequest", {k: GOOD[k] for k in GOOD if k not in {"url", "context", "note"}})


def test_the_same_correction_again_is_200_with_the_first_id(feedback_client):
    first = feedback_client.post("/api/v1/feedback", json=GOOD)
    again = feedback_client.post("/api/v1/feedback", json={**GOOD, "url": "https://news.example/story?x=2"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert_matches("FeedbackStored", again.get_json())


def test_only_the_origin_is_kept_when_configured(make_feedback_app):
    app = make_feedback_app(FEEDBACK_KEEP_ORIGIN_ONLY=True)
    assert app.test_client().post("/api/v1/feedback", json=GOOD).status_code == 201
    assert [item.url for item in stored(app).items()] == ["https://news.example"]


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"text": 5}, 400),
        ({"text": ""}, 400),
        ({"text": "x" * 2001}, 400),
        ({"note": "x" * 501}, 400),
        ({"note": ["a"]}, 400),
        ({"reader_label": "gossip"}, 400),
        ({"model_label": None}, 400),
        ({"model_score": "high"}, 400),
        ({"model_score": 1.5}, 400),
        ({"model_score": True}, 400),
        ({"url": {"href": "x"}}, 400),
        ({"cookies": "sid=1"}, 400),
    ],
)
def test_bad_corrections_are_problems(feedback_client, feedback_app, change, status):
    body = {**GOOD, **change}
    assert_problem(feedback_client.post("/api/v1/feedback", json=body), status)
    assert stored(feedback_app).items() == []


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": "{", "content_type": "application/json"}, 400),
        ({"data": "[]", "content_type": "application/json"}, 400),
        ({"data": json.dumps(GOOD), "content_type": "text/plain"}, 415),
        ({"data": json.dumps({**GOOD, "context": "x" * 20_000}), "content_type": "application/json"}, 413),
    ],
)
def test_malformed_and_oversized_bodies_are_problems(feedback_client, kwargs, status):
    assert_problem(feedback_client.post("/api/v1/feedback", **kwargs), status)


def test_a_lone_surrogate_escape_is_a_problem(feedback_client):
    raw = json.dumps(GOOD).replace("The council", "\\ud800 The council")
    assert_problem(feedback_client.post("/api/v1/feedback", data=raw, content_type="application/json"), 400)


def test_the_api_key_applies(make_feedback_app):
    client = make_feedback_app(API_KEY="reader-key-123").test_client()
    assert_problem(client.post("/api/v1/feedback", json=GOOD), 401)
    sent = client.post("/api/v1/feedback", json=GOOD, headers={"Authorization": "Bearer reader-key-123"})
    assert sent.status_code == 201


def test_the_rate_limit_applies(make_feedback_app):
    client = make_feedback_app(RATE_LIMIT="2 per minute").test_client()
    statuses = [
        client.post("/api/v1/feedback", json={**GOOD, "text": f"S{i}."}).status_code for i in range(3)
    ]
    assert statuses[:2] == [201, 201]
    assert_problem(client.post("/api/v1/feedback", json=GOOD), 429)


def test_cors_allows_the_extension(feedback_client):
    preflight = feedback_client.options(
        "/api/v1/feedback",
        headers={"Origin": CHROME_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == CHROME_ORIGIN
    other = feedback_client.post("/api/v1/feedback", json=GOOD, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_a_database_that_is_down_is_a_503_problem(make_app, tmp_path):
    app = make_app(FEEDBACK_DB="postgresql://nobody@127.0.0.1:1/none")
    body = assert_problem(app.test_client().post("/api/v1/feedback", json=GOOD), 503)
    assert body["type"].endswith("feedback-store-unavailable")
    assert "not stored" in body["detail"]


def test_the_document_describes_feedback():
    from server.openapi import openapi_document

    operation = openapi_document()["paths"]["/api/v1/feedback"]["post"]
    assert {"201", "200", "400", "413", "503"} <= set(operation["responses"])
