"""The OpenAPI 3.1 document of API v1; tests validate real responses against it."""

from __future__ import annotations

import functools
from typing import Any

from classifiers.features import BLOCK_KINDS, PARAGRAPH
from classifiers.labels import LABELS
from server.config import package_version

_LABEL = {"type": "string", "enum": list(LABELS)}
_PROBABILITIES = {
    "type": "object",
    "properties": {label: {"type": "number", "minimum": 0, "maximum": 1} for label in LABELS},
    "required": list(LABELS),
    "additionalProperties": False,
}
_NULLABLE_STRING = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


_SCHEMAS: dict[str, Any] = {
    "AnalyzeRequest": {
        "type": "object",
        "properties": {
            "html": {"type": "string", "description": "The page's HTML, as the browser has it."},
            "url": {"type": "string", "description": "The page's address, for metadata."},
        },
        "required": ["html"],
    },
    "Span": _object(
        {
            "start": {"type": "integer", "minimum": 0},
            "end": {"type": "integer", "minimum": 0},
            "text": {"type": "string"},
        },
        "A run of characters; offsets are in `article.text`.",
    ),
    "Quote": _object(
        {"exact": {"type": "string"}, "prefix": {"type": "string"}, "suffix": {"type": "string"}},
        "A text quote selector for finding the sentence in the live page.",
    ),
    "Article": _object(
        {
            "title": _NULLABLE_STRING,
            "byline": _NULLABLE_STRING,
            "published": _NULLABLE_STRING,
            "url": _NULLABLE_STRING,
            "language": _NULLABLE_STRING,
            "text": {"type": "string", "description": "The body; paragraphs separated by blank lines."},
        }
    ),
    "Sentence": _object(
        {
            "id": {"type": "integer", "minimum": 0},
            "start": {"type": "integer", "minimum": 0},
            "end": {"type": "integer", "minimum": 0},
            "text": {"type": "string"},
            "kind": {
                "type": "string",
                "enum": [PARAGRAPH, *BLOCK_KINDS],
                "description": "The block the sentence stands in; no flag is shown on a heading or caption.",
            },
            "label": _LABEL,
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "scores": _PROBABILITIES,
            "cues": {"type": "array", "items": _ref("Span")},
            "source": {"oneOf": [_ref("Span"), {"type": "null"}]},
            "reason": {"type": "string"},
            "quote": _ref("Quote"),
        }
    ),
    "Summary": _object(
        {
            "counts": {
                "type": "object",
                "properties": {label: {"type": "integer", "minimum": 0} for label in LABELS},
                "required": list(LABELS),
                "additionalProperties": False,
            },
            "sources": {
                "type": "array",
                "items": _object(
                    {"name": {"type": "string"}, "sentences": {"type": "integer", "minimum": 1}}
                ),
            },
            "attributed_share": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
        }
    ),
    "ModelRef": _object(
        {
            "name": {"type": "string"},
            "version": {"type": "string"},
            "digest": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$",
                "description": "SHA-256 of the model file this worker serves.",
            },
        }
    ),
    "Timing": _object(
        {"extract": {"type": "number"}, "classify": {"type": "number"}, "total": {"type": "number"}}
    ),
    "AnalyzeResponse": _object(
        {
            "article": _ref("Article"),
            "sentences": {"type": "array", "items": _ref("Sentence")},
            "summary": _ref("Summary"),
            "model": _ref("ModelRef"),
            "timing_ms": _ref("Timing"),
        }
    ),
    "Index": _object(
        {"name": {"type": "string"}, "openapi": {"type": "string"}, "health": {"type": "string"}}
    ),
    "Health": _object({"status": {"type": "string", "const": "ok"}, "model": _ref("ModelRef")}),
    "ModelInfo": _object(
        {
            "name": {"type": "string"},
            "version": {"type": "string"},
            "digest": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "labels": {"type": "array", "items": _LABEL},
            "trained_at": _NULLABLE_STRING,
            "samples_digest": _NULLABLE_STRING,
            "samples": {"type": "object"},
            "libraries": {"type": "object", "additionalProperties": {"type": "string"}},
            "scores": {"type": "object"},
        }
    ),
    "FeedbackRequest": {
        "type": "object",
        "description": "A reader's correction of one highlighted sentence; nothing else about the page.",
        "properties": {
            "url": {"type": "string", "maxLength": 2048, "description": "Stored without query or fragment."},
            "text": {"type": "string", "minLength": 1, "maxLength": 2000, "description": "The sentence."},
            "context": {"type": "string", "maxLength": 2000, "description": "The sentence before."},
            "model_label": _LABEL,
            "model_score": {"type": "number", "minimum": 0, "maximum": 1},
            "model_version": {"type": "string", "maxLength": 64},
            "reader_label": {**_LABEL, "description": "What the reader says the sentence is."},
            "note": {"type": "string", "maxLength": 500},
        },
        "required": ["text", "model_label", "model_score", "model_version", "reader_label"],
        "additionalProperties": False,
    },
    "FeedbackStored": _object({"id": {"type": "integer", "minimum": 1}}),
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
        },
        "required": ["type", "title", "status", "detail"],
    },
}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


@functools.cache
def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sourcecheck API",
            "version": package_version(),
            "description": (
                "Finds the sentences of a news article that name no source or voice the writer's opinion."
            ),
        },
        "paths": {
            "/": {
                "get": {
                    "operationId": "index",
                    "summary": "Where the API's description and health check are.",
                    "responses": {"200": _ok("Index", "Links to the description and the health check.")},
                }
            },
            "/api/v1/analyze": {
                "post": {
                    "operationId": "analyze",
                    "summary": "Extract a page's article and label every sentence.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("AnalyzeRequest")}},
                    },
                    "responses": {
                        "200": _ok("AnalyzeResponse", "The article, its labelled sentences and a summary."),
                        "400": _problem("Malformed JSON, or a missing or ill-typed field."),
                        "401": _problem("An API key is configured and was not sent, or is wrong."),
                        "408": _problem("The request body did not arrive in time."),
                        "413": _problem("The request body is too large."),
                        "415": _problem("The body is not JSON, or not UTF-8."),
                        "422": _problem("No article body was found, or the page is too large to read."),
                        "429": _problem("Too many requests from this client; see Retry-After."),
                    },
                }
            },
            "/api/v1/feedback": {
                "post": {
                    "operationId": "sendFeedback",
                    "summary": "Store a reader's correction of one sentence's label.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("FeedbackRequest")}},
                    },
                    "responses": {
                        "201": _ok("FeedbackStored", "Stored; the id of the new correction."),
                        "200": _ok("FeedbackStored", "The same correction was stored before; its id."),
                        "400": _problem(
                            "Malformed JSON, a missing, unknown or ill-typed field, or too long."
                        ),
                        "401": _problem("An API key is configured and was not sent, or is wrong."),
                        "413": _problem("The request body is too large."),
                        "415": _problem("The body is not JSON, or not UTF-8."),
                        "429": _problem("Too many requests from this client; see Retry-After."),
                        "503": _problem("The feedback database cannot be reached; nothing was stored."),
                    },
                }
            },
            "/api/v1/health": {
                "get": {"operationId": "health", "responses": {"200": _ok("Health", "The server is up.")}}
            },
            "/api/v1/model": {
                "get": {
                    "operationId": "model",
                    "responses": {"200": _ok("ModelInfo", "The loaded model and its scores.")},
                }
            },
            "/api/v1/model/reload": {
                "post": {
                    "operationId": "reloadModel",
                    "summary": "Load the model file again without a restart (admin token required).",
                    "security": [{"adminToken": []}],
                    "responses": {
                        "200": _ok("ModelInfo", "The newly loaded model."),
                        "401": _problem("Missing or wrong admin token."),
                        "403": _problem("Reloading is disabled: no admin token is configured."),
                        "409": _problem("The model file could not be loaded; the old model stays."),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "responses": {
                        "200": {"description": "This document.", "content": {"application/json": {}}}
                    },
                }
            },
        },
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {
                "adminToken": {"type": "apiKey", "in": "header", "name": "X-Admin-Token"},
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Needed by every call but health when SOURCECHECK_API_KEY is set.",
                },
            },
        },
    }
