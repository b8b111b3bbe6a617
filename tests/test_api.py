import hashlib
import json
import shutil

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from server.openapi import openapi_document
from tests.conftest import ROOT, page_html

PROBLEM = "application/problem+json"
CHROME_ORIGIN = "chrome-extension://" + "a" * 32


def assert_matches(schema_name: str, instance: object) -> None:
    """Validate `instance` against a schema of the served OpenAPI document (JSON Schema 2020-12)."""
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(openapi_document()))
    schema = {"$ref": f"urn:openapi#/components/schemas/{schema_name}"}
    Draft202012Validator(schema, registry=registry).validate(instance)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert_matches("Problem", body)
    assert body["status"] == status
    assert body["detail"]
    return body


def test_the_openapi_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_analyze_returns_the_documented_shape(client):
    response = client.post(
        "/api/v1/analyze", json={"html": page_html("seed-blog"), "url": "https://blog.example/x"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert_matches("AnalyzeResponse", body)
    text = body["article"]["text"]
    assert "Popular posts from this blog" not in text
    for sentence in body["sentences"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
        assert sentence["quote"]["exact"] == sentence["text"]
        assert text[: sentence["start"]].endswith(sentence["quote"]["prefix"])
        assert text[sentence["end"] :].startswith(sentence["quote"]["suffix"])
        for cue in sentence["cues"] + ([sentence["source"]] if sentence["source"] else []):
            assert text[cue["start"] : cue["end"]] == cue["text"]
    summary = body["summary"]
    assert sum(summary["counts"].values()) == len(body["sentences"])
    assert [s["id"] for s in body["sentences"]] == list(range(len(body["sentences"])))
    assert body["timing_ms"]["total"] >= body["timing_ms"]["extract"]


def test_each_sentence_names_the_block_it_stands_in(client):
    story = " ".join(
        f"The council met for the {n}th time on Tuesday to discuss the budget." for n in range(4, 9)
    )
    html = (
        f"<html><body><article><h1>Budget</h1><p>{story}</p><h2>Why the vote was delayed</h2>"
        f"<p>{story}</p><ul><li>Rents rose by a tenth in the year to March.</li></ul></article></body></html>"
    )
    body = client.post("/api/v1/analyze", json={"html": html}).get_json()
    kinds = {s["text"]: s["kind"] for s in body["sentences"]}
    assert kinds["Why the vote was delayed"] == "heading"
    assert kinds["Rents rose by a tenth in the year to March."] == "list_item"
    assert kinds["The council met for the 4th time on Tuesday to discuss the budget."] == "paragraph"


def test_health_and_model_match_the_document(client):
    health = client.get("/api/v1/health")
    assert health.status_code == 200
    assert_matches("Health", health.get_json())
    model = client.get("/api/v1/model")
    assert_matches("ModelInfo", model.get_json())
    assert model.get_json()["samples_digest"] == "test"


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400),
        ({"data": b"\xff\xfe\x00", "content_type": "application/json"}, 400),
        ({"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"}, 400),
        ({"json": ["a", "list"]}, 400),
        ({"json": {}}, 400),
        ({"json": {"html": 42}}, 400),
        ({"json": {"html": "<p>x</p>", "url": ["not", "a", "string"]}}, 400),
        ({"data": "<html></html>", "content_type": "text/html"}, 415),
        ({"data": "html=x"}, 415),
        ({"json": {"html": "<nav><a href='/'>Home</a></nav>"}}, 422),
        ({"json": {"html": ""}}, 422),
    ],
)
def test_bad_requests_get_problem_details(client, kwargs, status):
    assert_problem(client.post("/api/v1/analyze", **kwargs), status)


def test_an_article_not_in_english_is_refused_with_its_language(client):
    html = (ROOT / "tests" / "fixtures" / "german-news.html").read_text(encoding="utf-8")
    body = assert_problem(client.post("/api/v1/analyze", json={"html": html}), 422)
    assert body["type"].endswith(":not-english")
    assert "'de'" in body["detail"]


def test_too_large_a_body_is_413(make_app):
    response = (
        make_app(MAX_CONTENT_LENGTH=1000)
        .test_client()
        .post("/api/v1/analyze", json={"html": "<p>" + "x" * 2000 + "</p>"})
    )
    assert_problem(response, 413)


def test_too_many_elements_is_422(make_app):
    body = assert_problem(
        make_app(MAX_ELEMENTS=50).test_client().post("/api/v1/analyze", json={"html": "<p>x</p>" * 100}), 422
    )
    assert "elements" in body["detail"]


def test_unknown_routes_and_methods_are_problems_too(client):
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    response = client.get("/api/v1/analyze")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_cors_allows_extensions_and_configured_origins_only(client):
    allowed = client.post("/api/v1/analyze", json={"html": ""}, headers={"Origin": CHROME_ORIGIN})
    assert allowed.headers["Access-Control-Allow-Origin"] == CHROME_ORIGIN
    firefox = "moz-extension://0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
    preflight = client.options(
        "/api/v1/analyze",
        headers={
            "Origin": firefox,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == firefox
    stranger = client.get("/api/v1/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in stranger.headers


def test_configured_origins_are_allowed(make_app):
    app = make_app(CORS_ORIGINS=["https://newsroom.example"])
    response = app.test_client().get("/api/v1/health", headers={"Origin": "https://newsroom.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://newsroom.example"


def test_responses_are_not_sniffed(client):
    assert client.get("/api/v1/health").headers["X-Content-Type-Options"] == "nosniff"


def test_model_reload_needs_the_admin_token(client, test_model_path):
    assert_problem(client.post("/api/v1/model/reload"), 401)
    assert_problem(client.post("/api/v1/model/reload", headers={"X-Admin-Token": "wrong"}), 401)
    assert_problem(client.post("/api/v1/model/reload", headers={"Authorization": "Bearer s3cret"}), 401)
    response = client.post("/api/v1/model/reload", headers={"X-Admin-Token": "s3cret"})
    assert response.status_code == 200
    assert_matches("ModelInfo", response.get_json())
    assert response.get_json()["digest"] == hashlib.sha256(test_model_path.read_bytes()).hexdigest()


def test_model_reload_works_with_an_api_key_set(make_app):
    client = make_app(API_KEY="reader-key", ADMIN_TOKEN="admin-token").test_client()
    key = {"Authorization": "Bearer reader-key"}
    assert_problem(client.post("/api/v1/model/reload", headers=key), 401)
    assert_problem(client.post("/api/v1/model/reload", headers={"X-Admin-Token": "admin-token"}), 401)
    both = client.post("/api/v1/model/reload", headers={**key, "X-Admin-Token": "admin-token"})
    assert both.status_code == 200, both.get_data(as_text=True)
    assert_matches("ModelInfo", both.get_json())


def test_a_model_file_that_cannot_be_loaded_is_409_and_the_old_one_stays(make_app, test_model_path, tmp_path):
    path = tmp_path / "model.skops"
    shutil.copy(test_model_path, path)
    shutil.copy(test_model_path.with_suffix(".json"), path.with_suffix(".json"))
    client = make_app(MODEL_PATH=str(path), ADMIN_TOKEN="admin-token").test_client()
    before = client.get("/api/v1/model").get_json()["digest"]
    path.write_bytes(b"not a model")
    assert_problem(client.post("/api/v1/model/reload", headers={"X-Admin-Token": "admin-token"}), 409)
    assert client.get("/api/v1/model").get_json()["digest"] == before
    assert client.post("/api/v1/analyze", json={"html": page_html("seed-wire")}).status_code == 200


def test_model_reload_is_refused_without_a_configured_token(make_app):
    assert_problem(make_app().test_client().post("/api/v1/model/reload", headers={"X-Admin-Token": ""}), 403)


def test_an_unexpected_error_is_a_500_problem_without_internals(make_app, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret path /etc/passwd")

    monkeypatch.setattr("server.api.analyze", explode)
    app = make_app(TESTING=False)
    response = app.test_client().post("/api/v1/analyze", json={"html": "<p>x</p>"})
    body = assert_problem(response, 500)
    assert "passwd" not in json.dumps(body)


def test_the_root_points_at_the_api_description(client):
    body = client.get("/").get_json()
    assert_matches("Index", body)
    assert client.get(body["openapi"]).status_code == 200
    assert client.get(body["health"]).status_code == 200
