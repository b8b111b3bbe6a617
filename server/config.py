"""Every setting of the API in one place, with the reason for each default.

`create_app` loads these, then `SOURCECHECK_*` environment variables
(Flask's `from_prefixed_env`), then a test's overrides.
"""

from __future__ import annotations

from classifiers.model import BUNDLED_MODEL
from server.extract import MAX_ELEMENTS

DEFAULTS: dict[str, object] = {
    # The bundled model; a path outside the package is loaded with the same trusted-type check.
    "MODEL_PATH": str(BUNDLED_MODEL),
    # A saved news page is rarely above 2 MB; 5 MB leaves room and bounds memory per request.
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    # Pages with more elements are refused with 422 (see server.extract.MAX_ELEMENTS).
    "MAX_ELEMENTS": MAX_ELEMENTS,
    # An article body longer than this (a long feature runs to ~60,000) is refused with 422.
    "MAX_TEXT_CHARS": 400_000,
    # Seconds one page may take to extract and classify before it is cut off with 422.
    "PAGE_TIME_LIMIT_SECONDS": 10.0,
    # Characters of text kept either side of a highlight so the extension can anchor it.
    "QUOTE_CONTEXT_CHARS": 32,
    # Web origins allowed to call the API besides browser extensions ("https://example.org").
    "CORS_ORIGINS": [],
    # Token that `POST /api/v1/model/reload` requires; reloading is refused while unset.
    "ADMIN_TOKEN": None,
    # When set, every API call but health needs `Authorization: Bearer <API_KEY>`.
    "API_KEY": None,
    # Per-client limit (flask-limiter syntax); a reader checks a page every few seconds at most.
    "RATE_LIMIT": "120 per minute",
    # Where the limiter counts: in this process by default, or e.g. "redis://localhost:6379".
    "RATE_LIMIT_STORAGE": "memory://",
    # Let `POST /api/v1/analyze` fetch `{"url": ...}` itself when no `html` is sent.
    "ALLOW_URL_FETCH": False,
}

#: Extension origins are always allowed: the product is called from its extension.
EXTENSION_ORIGINS: tuple[str, ...] = (
    r"^chrome-extension://[a-p]{32}$",
    r"^moz-extension://[0-9a-fA-F-]{36}$",
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
REQUEST_TIMEOUT_SECONDS = 30  # gunicorn restarts a worker stuck longer than this
