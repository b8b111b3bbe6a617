"""Every setting of the API in one typed object, read and checked once.

`Settings.load()` reads the `SOURCECHECK_*` environment variables, then typed
overrides (a test's, or the CLI's), and refuses anything it cannot use: an
unknown name (with the closest valid one), a boolean that is not clearly one,
a number out of range, a rate limit flask-limiter cannot parse. Secrets are
taken verbatim as strings, never parsed as JSON.
"""

from __future__ import annotations

import difflib
import importlib.util
import math
import os
import pathlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata, resources
from typing import Any
from urllib.parse import urlsplit

PREFIX = "SOURCECHECK_"

#: `SOURCECHECK_*` variables read by the benchmarks and tools, not by the server.
TOOL_VARIABLES = frozenset({"SOURCECHECK_BENCH"})

BUNDLED_MODEL = pathlib.Path(str(resources.files("classifiers") / "models" / "sourcecheck.skops"))

#: Extension origins are always allowed: the product is called from its extension.
EXTENSION_ORIGINS: tuple[str, ...] = (
    r"^chrome-extension://[a-p]{32}$",
    r"^moz-extension://[0-9a-fA-F-]{36}$",
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
REQUEST_TIMEOUT_SECONDS = 30  # gunicorn restarts a worker stuck longer than this
# A page must be cut off (422) well before gunicorn kills its worker (an HTML 500).
MAX_PAGE_TIME_LIMIT_SECONDS = REQUEST_TIMEOUT_SECONDS - 5
KEEPALIVE_SECONDS = 2  # an idle keep-alive connection holds a thread no longer than this
THREADS_PER_WORKER = 4  # threads of a gthread worker: a slow client holds one thread, not the worker

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_STORAGE_SCHEMES = ("memory", "redis", "rediss", "redis+sentinel", "redis+cluster", "valkey", "memcached")


def package_version() -> str:
    """Return the one version of sourcecheck: the installed package's metadata."""
    try:
        return metadata.version("sourcecheck")
    except metadata.PackageNotFoundError:
        return "0+unknown"


class SettingsError(ValueError):
    """A setting has a value the server cannot use; the message names it and says why."""


@dataclass(frozen=True)
class Settings:
    """What the operator chose, typed; every default has its reason beside it."""

    # The bundled model; a path outside the package is loaded with the same trusted-type check.
    model_path: pathlib.Path = BUNDLED_MODEL
    # A saved news page is rarely above 2 MB; 5 MB leaves room and bounds memory per request.
    max_content_length: int = 5 * 1024 * 1024
    # Pages with more elements are refused with 422 (Readability aborts similarly).
    max_elements: int = 200_000
    # An article body longer than this (a long feature runs to ~60,000) is refused with 422.
    max_text_chars: int = 400_000
    # CPU seconds one page may take to extract and classify before it is cut off with 422 (its own
    # thread's, so that a busy server does not refuse pages for the time they wait on others).
    page_time_limit_seconds: float = 10.0
    # Characters of text kept either side of a highlight so the extension can anchor it.
    quote_context_chars: int = 32
    # Web origins allowed to call the API besides browser extensions ("https://example.org").
    cors_origins: tuple[str, ...] = ()
    # Token that `POST /api/v1/model/reload` requires (header `X-Admin-Token`); unset: refused.
    admin_token: str | None = None
    # When set, every API call but health needs `Authorization: Bearer <API_KEY>`.
    api_key: str | None = None
    # Per-client limit (flask-limiter syntax); a reader checks a page every few seconds at most.
    rate_limit: str = "120 per minute"
    # Where the limiter counts: in this process by default, or e.g. "redis://localhost:6379".
    rate_limit_storage: str = "memory://"
    # Let `POST /api/v1/analyze` fetch `{"url": ...}` itself when no `html` is sent.
    allow_url_fetch: bool = False
    # Reverse proxies in front whose X-Forwarded-For to trust (0: the peer is the client).
    trusted_proxies: int = 0
    # Where readers' corrections are kept: unset, a SQLite file in the user's data directory;
    # "postgresql://user@host/db" lets several instances behind one proxy share one store.
    feedback_db: str | None = None
    # Keep only the origin of a corrected page's address ("https://news.example"), not its path.
    feedback_keep_origin_only: bool = False

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
    ) -> Settings:
        """Read `SOURCECHECK_*` from `environ` (default: the process's), then `overrides`."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, raw in environ.items():
            if not name.startswith(PREFIX) or name in TOOL_VARIABLES:
                continue
            key = name.removeprefix(PREFIX)
            spec = _spec(name, key)
            values[spec.field] = spec.from_text(name, raw)
        for key, value in (overrides or {}).items():
            spec = _spec(key, key)
            values[spec.field] = (
                spec.from_text(key, value) if isinstance(value, str) else spec.typed(key, value)
            )
        settings = cls(**values)
        settings._check_together()
        return settings

    def _check_together(self) -> None:
        if self.api_key is not None and self.api_key == self.admin_token:
            raise SettingsError(
                f"{PREFIX}ADMIN_TOKEN: must differ from {PREFIX}API_KEY, "
                "or every reader could reload the model"
            )

    def feedback_database_url(self) -> str:
        """Return the feedback store's SQLAlchemy URL; unset, a file in the user's data directory."""
        import platformdirs

        from server.feedback.store import database_url

        return database_url(self.feedback_db, lambda: platformdirs.user_data_path("sourcecheck"))

    def flask_config(self) -> dict[str, Any]:
        """Return what Flask itself reads from `app.config`."""
        return {"MAX_CONTENT_LENGTH": self.max_content_length}


def _spec(name: str, key: str) -> _Spec:
    spec = _SPECS.get(key)
    if spec is None:
        close = difflib.get_close_matches(key, list(_SPECS), n=1, cutoff=0.6)
        hint = f"; did you mean {PREFIX}{close[0]}?" if close else f"; known: {', '.join(_SPECS)}"
        raise SettingsError(f"{name}: not a sourcecheck setting{hint}")
    return spec


@dataclass(frozen=True)
class _Spec:
    field: str
    parse: Callable[[str], Any]  # text -> value, raising ValueError with the reason
    check: Callable[[Any], None]  # a typed value -> None, raising ValueError with the reason
    kind: type | tuple[type, ...]

    def from_text(self, name: str, raw: str) -> Any:
        try:
            value = self.parse(raw)
            self.check(value)
        except ValueError as error:
            raise SettingsError(f"{_as_variable(name)}={raw!r}: {error}") from None
        return value

    def typed(self, name: str, value: Any) -> Any:
        """Check a value given as a Python object (a test's override) and return it."""
        if isinstance(value, list) and self.kind is tuple:
            value = tuple(value)
        wrong_bool = isinstance(value, bool) and self.kind is not bool
        if not isinstance(value, self.kind) or wrong_bool:
            raise SettingsError(f"{_as_variable(name)}: expected {_kind_name(self.kind)}, got {value!r}")
        try:
            self.check(value)
        except ValueError as error:
            raise SettingsError(f"{_as_variable(name)}={value!r}: {error}") from None
        return pathlib.Path(str(value)) if self.field == "model_path" else value


def _as_variable(name: str) -> str:
    return name if name.startswith(PREFIX) else PREFIX + name


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _boolean(raw: str) -> bool:
    word = raw.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError("not a boolean; use true or false")


def _integer(raw: str) -> int:
    text = raw.strip().replace("_", "")
    if not text.isdigit():
        raise ValueError("not a whole number of the form 5242880")
    return int(text)


def _number(raw: str) -> float:
    try:
        return float(raw.strip())
    except ValueError:
        raise ValueError("not a number of seconds such as 10 or 2.5") from None


def _between(low: float, high: float) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if not (isinstance(value, int | float) and math.isfinite(value) and low <= value <= high):
            raise ValueError(f"must be between {low:,g} and {high:,g}")

    return check


def _positive_seconds(value: Any) -> None:
    if not (math.isfinite(value) and 0 < value <= MAX_PAGE_TIME_LIMIT_SECONDS):
        raise ValueError(
            f"must be above 0 and at most {MAX_PAGE_TIME_LIMIT_SECONDS} seconds, "
            f"so a slow page is cut off before gunicorn's {REQUEST_TIMEOUT_SECONDS} s timeout "
            "kills its worker"
        )


def _secret(raw: str) -> str:
    return raw


def _check_secret(value: Any) -> None:
    if not value:
        raise ValueError("empty; unset the variable instead, or set a long random value")
    if any(not (32 < ord(ch) < 127) for ch in value):
        raise ValueError("must be printable ASCII without spaces (e.g. from `openssl rand -hex 24`)")


def _origins(raw: str) -> tuple[str, ...]:
    text = raw.strip()
    if text.startswith("["):
        import json

        try:
            parsed = json.loads(text)
        except ValueError:
            raise ValueError("starts like a JSON list but is not one") from None
        if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
            raise ValueError("must be a JSON list of origins") from None
        return tuple(parsed)
    return tuple(item.strip() for item in text.split(",") if item.strip())


def _check_origins(value: Any) -> None:
    for origin in value:
        parts = urlsplit(origin) if isinstance(origin, str) else None
        if (
            parts is None
            or parts.scheme not in {"http", "https"}
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or origin != origin.strip()
        ):
            raise ValueError(f"{origin!r} is not an origin such as https://newsroom.example")


def _check_rate_limit(value: Any) -> None:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ValueError(
            "not a rate limit; write it like '120 per minute' or '20/second;1000/hour'"
        ) from None


def _check_storage(value: Any) -> None:
    scheme = urlsplit(value).scheme
    if scheme not in _STORAGE_SCHEMES or "://" not in value:
        raise ValueError(
            f"not a limiter storage URI; use memory:// or redis://host:6379 ({scheme or 'no scheme'})"
        )
    if scheme.startswith(("redis", "valkey")) and importlib.util.find_spec("redis") is None:
        raise ValueError("needs the redis client: pip install 'sourcecheck[redis]'")


def _check_model(value: Any) -> None:
    path = pathlib.Path(value)
    if not path.is_file():
        raise ValueError("no such model file")
    if not path.with_suffix(".json").is_file():
        raise ValueError(f"its model card {path.with_suffix('.json').name} is missing")


def _check_database(value: Any) -> None:
    scheme = urlsplit(value).scheme.split("+", 1)[0]
    if scheme not in {"sqlite", "postgresql", "postgres"} or "://" not in value:
        raise ValueError("not a database URL; use sqlite:////path/feedback.sqlite3 or postgresql://host/db")
    if scheme.startswith("postgres") and importlib.util.find_spec("psycopg") is None:
        raise ValueError("needs the PostgreSQL driver: pip install 'psycopg[binary]'")


def _nothing(value: Any) -> None:
    return None


_SPECS: dict[str, _Spec] = {
    "MODEL_PATH": _Spec("model_path", pathlib.Path, _check_model, (pathlib.Path, str)),
    "MAX_CONTENT_LENGTH": _Spec("max_content_length", _integer, _between(1, 100 * 1024 * 1024), int),
    "MAX_ELEMENTS": _Spec("max_elements", _integer, _between(1, 10_000_000), int),
    "MAX_TEXT_CHARS": _Spec("max_text_chars", _integer, _between(1, 10_000_000), int),
    "PAGE_TIME_LIMIT_SECONDS": _Spec("page_time_limit_seconds", _number, _positive_seconds, (int, float)),
    "QUOTE_CONTEXT_CHARS": _Spec("quote_context_chars", _integer, _between(0, 1000), int),
    "CORS_ORIGINS": _Spec("cors_origins", _origins, _check_origins, tuple),
    "ADMIN_TOKEN": _Spec("admin_token", _secret, _check_secret, str),
    "API_KEY": _Spec("api_key", _secret, _check_secret, str),
    "RATE_LIMIT": _Spec("rate_limit", str, _check_rate_limit, str),
    "RATE_LIMIT_STORAGE": _Spec("rate_limit_storage", str.strip, _check_storage, str),
    "ALLOW_URL_FETCH": _Spec("allow_url_fetch", _boolean, _nothing, bool),
    "TRUSTED_PROXIES": _Spec("trusted_proxies", _integer, _between(0, 5), int),
    "FEEDBACK_DB": _Spec("feedback_db", str.strip, _check_database, str),
    "FEEDBACK_KEEP_ORIGIN_ONLY": _Spec("feedback_keep_origin_only", _boolean, _nothing, bool),
}

#: The environment names of every setting, without the prefix.
SETTING_NAMES = frozenset(_SPECS)
