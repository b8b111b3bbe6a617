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
from server.feedback.store import Correction, FeedbackStore, StoreUnavailable
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


#: Limits of a correction: a sentence, not a page; a short note, not an essay.
MAX_FEEDBACK_TEXT_CHARS = 2_000
MAX_FEEDBACK_CONTEXT_CHARS = 2_000
MAX_FEEDBACK_NOTE_CHARS = 500
MAX_FEEDBACK_URL_CHARS = 2_048  # what browsers and proxies reliably carry
MAX_FEEDBACK_VERSION_CHARS = 64
MAX_FEEDBACK_BODY_BYTES = 16 * 1024  # all of the above fits in well under this


def _bounded(body: dict[str, Any], name: str, limit: int, *, required: bool) -> str | None:
    value = _string_field(body, name, required=required)
    if value is not None and len(value) > limit:
        raise Problem(
            400, "invalid-field", "Invalid request", f"The field '{name}' is over {limit:,} characters."
        )
    return value


def _label(body: dict[str, Any], name: str) -> str:
    value = _string_field(body, name, required=True)
    if value not in LABELS:
        raise Problem(
            400, "invalid-field", "Invalid request", f"The field '{name}' must be one of {', '.join(LABELS)}."
        )
    return value


def _score(body: dict[str, Any]) -> float:
    value = body.get("model_score")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise Problem(
            400, "invalid-field", "Invalid request", "The field 'model_score' must be a number from 0 to 1."
        )
    return float(value)


def _correction(body: dict[str, Any]) -> Correction:
    """Check a correction field by field, as the OpenAPI document's FeedbackRequest describes it."""
    unknown = sorted(set(body) - set(FEEDBACK_FIELDS))
    if unknown:
        raise Problem(400, "invalid-field", "Invalid request", f"Unknown field '{unknown[0]}'.")
    text = _bounded(body, "text", MAX_FEEDBACK_TEXT_CHARS, required=True) or ""
    if not text.strip():
        raise Problem(400, "invalid-field", "Invalid request", "The field 'text' must not be empty.")
    return Correction(
        text=text,
        model_label=_label(body, "model_label"),
        model_score=_score(body),
        model_version=_bounded(body, "model_version", MAX_FEEDBACK_VERSION_CHARS, required=True) or "",
        reader_label=_label(body, "reader_label"),
        url=_bounded(body, "url", MAX_FEEDBACK_URL_CHARS, required=False),
        context=_bounded(body, "context", MAX_FEEDBACK_CONTEXT_CHARS, required=False) or "",
        note=(_bounded(body, "note", MAX_FEEDBACK_NOTE_CHARS, required=False) or "").strip(),
    )


FEEDBACK_FIELDS = (
    "url",
    "text",
    "context",
    "model_label",
    "model_score",
    "model_version",
    "reader_label",
    "note",
)


@blueprint.post("/feedback")
def send_feedback() -> tuple[Response, int]:
    """Store a reader's correction of one sentence; the same one twice keeps the first id."""
    if (request.content_length or 0) > MAX_FEEDBACK_BODY_BYTES:
        raise Problem(
            413,
            "body-too-large",
            "Request body too large",
            f"A correction is under {MAX_FEEDBACK_BODY_BYTES:,} bytes.",
        )
    body = _json_body()
    if len(json.dumps(body)) > MAX_FEEDBACK_BODY_BYTES:
        raise Problem(
            413,
            "body-too-large",
            "Request body too large",
            f"A correction is under {MAX_FEEDBACK_BODY_BYTES:,} bytes.",
        )
    correction = _correction(body)
    store: FeedbackStore = current_app.extensions["sourcecheck.feedback"]
    try:
        item_id, created = store.add(correction, current_settings().feedback_keep_origin_only)
    except StoreUnavailable as error:
        current_app.logger.error("feedback store unavailable: %s", error)
        raise Problem(
            503,
            "feedback-store-unavailable",
            "Feedback store unavailable",
            "The correction was not stored: the feedback database cannot be reached. Send it again later.",
        ) from None
    return jsonify({"id": item_id}), 201 if created else 200


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
