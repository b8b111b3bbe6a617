"""API v1: analyze a page, report health and the model, and serve the OpenAPI document."""

from __future__ import annotations

import hmac
import json
import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from classifiers.labels import LABELS
from classifiers.model import MODEL_NAME, ModelError
from server.analysis import Limits, analyze
from server.body import read_body
from server.config import Settings
from server.fetch import FetchError, fetch_url
from server.openapi import openapi_document
from server.problems import Problem
from server.served import ServedModel, load_served

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

UTF8_BOM = b"\xef\xbb\xbf"
REPLACEMENT_CHARACTER = "\ufffd"
# JSON may escape half a surrogate pair; such text cannot be encoded, so it never reaches the parser.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

#: The header that carries the admin token, apart from `Authorization` (which carries the API key).
ADMIN_TOKEN_HEADER = "X-Admin-Token"


def current_model() -> ServedModel:
    served: ServedModel = current_app.extensions["sourcecheck.model"]
    return served


def current_settings() -> Settings:
    settings: Settings = current_app.extensions["sourcecheck.settings"]
    return settings


def model_ref(served: ServedModel) -> dict[str, str]:
    return {"name": MODEL_NAME, "version": served.model.version, "digest": served.digest}


def _json_body() -> dict[str, Any]:
    """Return the request's JSON object, decoded strictly as UTF-8 (RFC 8259), or refuse it."""
    if not request.mimetype or not (
        request.mimetype == "application/json" or request.mimetype.endswith("+json")
    ):
        raise Problem(
            415,
            "not-json",
            "Unsupported media type",
            "Send the page as JSON with Content-Type: application/json.",
        )
    charset = request.mimetype_params.get("charset", "utf-8").strip().lower()
    if charset not in {"utf-8", "utf8"}:
        raise Problem(
            415, "not-utf-8", "Unsupported charset", f"Send JSON as UTF-8, not {charset} (RFC 8259)."
        )
    raw = read_body()
    try:
        body = json.loads(raw.removeprefix(UTF8_BOM).decode("utf-8"))
    except (ValueError, RecursionError):
        raise Problem(
            400, "malformed-json", "Malformed JSON", "The request body is not valid UTF-8 JSON."
        ) from None
    if not isinstance(body, dict):
        raise Problem(400, "invalid-field", "Invalid request", "The request body must be a JSON object.")
    return body


def _string_field(body: dict[str, Any], name: str, *, required: bool, clean: bool = False) -> str | None:
    """Return a string field; a lone surrogate escape ("\\ud800") is replaced when `clean`, else a 400."""
    value = body.get(name)
    if value is None:
        if required:
            raise Problem(400, "invalid-field", "Invalid request", f"The field '{name}' is required.")
        return None
    if not isinstance(value, str):
        raise Problem(400, "invalid-field", "Invalid request", f"The field '{name}' must be a string.")
    if _LONE_SURROGATE.search(value):
        if not clean:
            raise Problem(
                400, "invalid-field", "Invalid request", f"The field '{name}' holds a lone surrogate escape."
            )
        value = _LONE_SURROGATE.sub(REPLACEMENT_CHARACTER, value)
    return value


def _page(body: dict[str, Any]) -> tuple[str, str | None]:
    """Return the page's HTML and URL: sent by the client, or fetched when that is enabled."""
    url = _string_field(body, "url", required=False)
    fetch = current_settings().allow_url_fetch and "html" not in body and url is not None
    if not fetch or url is None:
        return _string_field(body, "html", required=True, clean=True) or "", url
    try:
        return fetch_url(url), url
    except FetchError as error:
        raise Problem(422, "unfetchable-url", "Cannot fetch the page", str(error)) from None


@blueprint.before_request
def require_api_key() -> None:
    """When an API key is configured, every call but health and the document needs it."""
    key = current_settings().api_key
    if key is None or request.endpoint in {"api.health", "api.openapi"} or request.method == "OPTIONS":
        return
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode("utf-8", "replace"), f"Bearer {key}".encode()):
        raise Problem(
            401, "unauthorized", "Unauthorized", "Send the API key as 'Authorization: Bearer <key>'."
        )


@blueprint.post("/analyze")
def analyze_page() -> Response:
    html, url = _page(_json_body())
    served = current_model()
    result = analyze(html, url, served.model, Limits.from_settings(current_settings()))
    return jsonify({**result, "model": model_ref(served)})


@blueprint.get("/health")
def health() -> Response:
    return jsonify({"status": "ok", "model": model_ref(current_model())})


def model_info(served: ServedModel) -> dict[str, Any]:
    card = served.model.card
    return {
        **model_ref(served),
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
    """Load the model file again here, then have every other worker do the same.

    The admin token travels in its own header, so a reload works while an API key is set.
    """
    settings = current_settings()
    if settings.admin_token is None:
        raise Problem(
            403,
            "reload-disabled",
            "Reloading disabled",
            "Set SOURCECHECK_ADMIN_TOKEN to allow reloading the model.",
        )
    sent = request.headers.get(ADMIN_TOKEN_HEADER, "")
    if not hmac.compare_digest(sent.encode("utf-8", "replace"), settings.admin_token.encode()):
        raise Problem(
            401, "unauthorized", "Unauthorized", f"Send the admin token as '{ADMIN_TOKEN_HEADER}: <token>'."
        )
    try:
        fresh = load_served(settings.model_path)
    except ModelError as error:
        current_app.logger.error("model reload refused, the loaded model stays: %s", error)
        raise Problem(409, "model-unloadable", "Model not reloaded", str(error)) from None
    current_app.extensions["sourcecheck.model"] = fresh
    current_app.extensions["sourcecheck.reload_workers"]()
    current_app.logger.info("model reloaded: %s (sha256 %s)", settings.model_path, fresh.digest)
    return jsonify(model_info(fresh))


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())
