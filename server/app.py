"""The Flask app factory: settings checked once, the model loaded once, errors as problems."""

from __future__ import annotations

import gc
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_cors import CORS
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

from server import problems
from server.api import blueprint, health
from server.config import EXTENSION_ORIGINS, SETTING_NAMES, Settings, SettingsError
from server.feedback.store import FeedbackStore, StoreUnavailable
from server.served import load_served

#: Flask's own options a test may set beside ours.
_FLASK_OPTIONS = frozenset({"TESTING", "DEBUG", "PROPAGATE_EXCEPTIONS"})


def _index() -> Response:
    """Point a person who opens the server in a browser at the API's description."""
    return jsonify({"name": "sourcecheck", "openapi": "/api/v1/openapi.json", "health": "/api/v1/health"})


def _harden(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _json_provider(app: Flask) -> DefaultJSONProvider:
    """Keep keys in the order the response builds them, and text as UTF-8, not escapes."""
    provider = DefaultJSONProvider(app)
    provider.sort_keys = False
    provider.ensure_ascii = False
    return provider


def _split(test_config: Mapping[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    ours, flask_options = {}, {}
    for key, value in (test_config or {}).items():
        if key in SETTING_NAMES:
            ours[key] = value
        elif key in _FLASK_OPTIONS:
            flask_options[key] = value
        else:
            raise SettingsError(f"{key}: not a sourcecheck setting nor a Flask option a test may set")
    return ours, flask_options


def _client_address() -> str:
    """The client the limiter counts: the peer, or what the trusted proxies report (ProxyFix)."""
    return request.remote_addr or "unknown"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from `SOURCECHECK_*` variables and `test_config`; load the model once.

    Raises `SettingsError` for a setting it cannot use and `ModelError` for a model it cannot load.
    """
    ours, flask_options = _split(test_config)
    settings = Settings.load(overrides=ours)
    app = Flask(__name__)
    app.config.from_mapping({**settings.flask_config(), **flask_options})
    app.json = _json_provider(app)
    app.extensions["sourcecheck.settings"] = settings
    app.extensions["sourcecheck.model"] = load_served(settings.model_path)
    app.extensions["sourcecheck.reload_workers"] = _no_workers
    app.extensions["sourcecheck.feedback"] = _open_feedback(app, settings)
    if settings.trusted_proxies:
        proxied = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
        app.wsgi_app = proxied  # type: ignore[method-assign]
    CORS(
        app,
        resources={r"/api/*": {"origins": [*EXTENSION_ORIGINS, *settings.cors_origins]}},
        vary_header=True,
    )
    problems.register(app)
    limiter = Limiter(
        _client_address,
        app=app,
        default_limits=[settings.rate_limit],
        storage_uri=settings.rate_limit_storage,
        headers_enabled=True,
        # If Redis goes away, count in this process rather than answer 500.
        in_memory_fallback_enabled=True,
    )
    limiter.exempt(health)
    app.register_blueprint(blueprint)
    app.add_url_rule("/", "index", _index)
    app.after_request(_harden)
    _settle()
    return app


def _open_feedback(app: Flask, settings: Settings) -> FeedbackStore:
    """Open the store and migrate it now; a database that is down is retried on first use (503 till then).

    The pool is emptied afterwards, so gunicorn's forked workers never share the master's connections.
    """
    store = FeedbackStore.open(settings.feedback_database_url())
    try:
        store.migrate()
    except StoreUnavailable as error:
        app.logger.warning("feedback store unavailable at start-up, retried on first use: %s", error)
    store.close_connections()
    return store


def _no_workers() -> None:
    """Outside gunicorn there are no other workers to tell about a reload."""


def _settle() -> None:
    """Exempt what is loaded now from the cycle collector.

    The libraries and the model stay for the life of the process, yet each full
    collection walked them all: about 65 ms, every few requests. Frozen, a full
    collection walks only what requests create.
    """
    gc.collect()
    gc.freeze()
