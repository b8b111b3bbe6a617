"""API v1: analyze a page, report health and the model, and serve the OpenAPI document."""

from __future__ import annotations

import hmac
import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from classifiers.labels import LABELS
from classifiers.model import MODEL_NAME, Model, ModelError, load_model
from server.analysis import Limits, analyze
from server.fetch import FetchError, fetch_url
from server.openapi import openapi_document
from server.problems import Problem

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


def current_model() -> Model:
    return current_app.extensions["sourcecheck.model"]


def _json_body() -> dict[str, Any]:
    if not request.mimetype or not (
        request.mimetype == "application/json" or request.mimetype.endswith("+json")
    ):
        raise Problem(
            415,
            "not-json",
            "Unsupported media type",
            "Send the page as JSON with Content-Type: application/json.",
        )
    raw = request.get_data(cache=False)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise Problem(
            400, "malformed-json", "Malformed JSON", "The request body is not valid UTF-8 JSON."
        ) from None
    if not isinstance(body, dict):
        raise Problem(400, "invalid-field", "Invalid request", "The request body must be a JSON object.")
    return body


def _string_field(body: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise Problem(400, "invalid-field", "Invalid request", f"The field '{name}' is required.")
        return None
    if not isinstance(value, str):
        raise Problem(400, "invalid-field", "Invalid request", f"The field '{name}' must be a string.")
    return value


def _page(body: dict[str, Any]) -> tuple[str, str | None]:
    """Return the page's HTML and URL: sent by the client, or fetched when that is enabled."""
    url = _string_field(body, "url", required=False)
    fetch = current_app.config["ALLOW_URL_FETCH"] and "html" not in body and url is not None
    if not fetch or url is None:
        return _string_field(body, "html", required=True) or "", url
    try:
        return fetch_url(url), url
    except FetchError as error:
        raise Problem(422, "unfetchable-url", "Cannot fetch the page", str(error)) from None


@blueprint.before_request
def require_api_key() -> None:
    """When an API key is configured, every call but health and the document needs it."""
    key = current_app.config.get("API_KEY")
    if not key or request.endpoint in {"api.health", "api.openapi"} or request.method == "OPTIONS":
        return
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {key}".encode()):
        raise Problem(
            401, "unauthorized", "Unauthorized", "Send the API key as 'Authorization: Bearer <key>'."
        )


@blueprint.post("/analyze")
def analyze_page() -> Response:
    html, url = _page(_json_body())
    return jsonify(analyze(html, url, current_model(), Limits.from_config(current_app.config)))


@blueprint.get("/health")
def health() -> Response:
    return jsonify({"status": "ok", "model": {"name": MODEL_NAME, "version": current_model().version}})


def model_info(model: Model) -> dict[str, Any]:
    card = model.card
    return {
        "name": MODEL_NAME,
        "version": model.version,
        "labels": list(card.get("labels", LABELS)),
        "trained_at": card.get("trained_at"),
        "samples_digest": card.get("samples_digest"),
        "samples": card.get("samples", {}),
        "libraries": card.get("libraries", {}),
        "scores": card.get("scores", {}),
    }


@blueprint.get("/model")
def model() -> Response:
    return jsonify(model_info(current_model()))


@blueprint.post("/model/reload")
def reload_model() -> Response:
    token = current_app.config.get("ADMIN_TOKEN")
    if not token:
        raise Problem(
            403,
            "reload-disabled",
            "Reloading disabled",
            "Set SOURCECHECK_ADMIN_TOKEN to allow reloading the model.",
        )
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        raise Problem(
            401, "unauthorized", "Unauthorized", "Send the admin token as 'Authorization: Bearer <token>'."
        )
    try:
        fresh = load_model(current_app.config["MODEL_PATH"])
    except ModelError as error:
        raise Problem(409, "model-unloadable", "Model not reloaded", str(error)) from None
    current_app.extensions["sourcecheck.model"] = fresh
    return jsonify(model_info(fresh))


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())
