"""Errors as data: every error the API returns is RFC 9457 problem details."""

from __future__ import annotations

from flask import Flask, Response, current_app, json
from werkzeug.exceptions import HTTPException, InternalServerError

PROBLEM_TYPE_BASE = "urn:sourcecheck:problem:"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(HTTPException):
    """An error of ours with a stable type, a status and a detail for the client."""

    def __init__(self, status: int, slug: str, title: str, detail: str) -> None:
        super().__init__(description=detail)
        self.code = status
        self.slug = slug
        self.title = title


def problem_body(status: int, title: str, detail: str, slug: str | None = None) -> dict[str, object]:
    """Return the problem-details object for one error."""
    return {
        "type": PROBLEM_TYPE_BASE + slug if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }


def problem_response(body: dict[str, object], headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=int(str(body["status"])), mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _handle_http(error: HTTPException) -> Response:
    status = error.code or 500
    if isinstance(error, Problem):
        body = problem_body(status, error.title, error.description or "", error.slug)
    else:
        body = problem_body(status, error.name, error.description or error.name)
    allowed = getattr(error, "valid_methods", None)
    return problem_response(body, {"Allow": ", ".join(allowed)} if allowed else None)


def _handle_unexpected(error: Exception) -> Response:
    current_app.logger.exception("unhandled error", exc_info=error)
    server_error = InternalServerError()
    body = problem_body(500, server_error.name, "The server could not finish this request.")
    return problem_response(body)


def register(app: Flask) -> None:
    """Make every error of `app` a problem-details response, hiding internals on 500."""
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
