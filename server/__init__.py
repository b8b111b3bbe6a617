"""The sourcecheck web API: a Flask app factory."""

from __future__ import annotations

import gc
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify
from flask.json.provider import DefaultJSONProvider
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from classifiers.model import load_model
from server import problems
from server.api import blueprint, health
from server.config import DEFAULTS, EXTENSION_ORIGINS


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


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then `SOURCECHECK_*` variables, then `test_config`; load the model once."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("SOURCECHECK")
    if test_config:
        app.config.from_mapping(test_config)
    app.json = _json_provider(app)
    app.extensions["sourcecheck.model"] = load_model(app.config["MODEL_PATH"])
    origins = [*EXTENSION_ORIGINS, *app.config["CORS_ORIGINS"]]
    CORS(app, resources={r"/api/*": {"origins": origins}}, vary_header=True)
    problems.register(app)
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=[app.config["RATE_LIMIT"]],
        storage_uri=app.config["RATE_LIMIT_STORAGE"],
        headers_enabled=True,
    )
    limiter.exempt(health)
    app.register_blueprint(blueprint)
    app.add_url_rule("/", "index", _index)
    app.after_request(_harden)
    _settle()
    return app


def _settle() -> None:
    """Exempt what is loaded now from the cycle collector.

    The libraries and the model stay for the life of the process, yet each full
    collection walked them all: about 65 ms, every few requests. Frozen, a full
    collection walks only what requests create.
    """
    gc.collect()
    gc.freeze()
