"""Read a page for the command line: a saved file, or a URL fetched with requests."""

from __future__ import annotations

import pathlib
from urllib.parse import urlsplit

import requests
from bs4.dammit import UnicodeDammit

CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 15
MAX_DOWNLOAD_BYTES = 5 * 1024 * 1024  # the API's own body limit: a bigger page would be refused anyway
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = "sourcecheck/0.1 (+source-checking for news readers)"


class FetchError(ValueError):
    """A URL could not be fetched as an HTML page."""


def decode_html(data: bytes) -> str:
    """Decode page bytes using the page's declared charset, falling back to detection."""
    return UnicodeDammit(data, is_html=True).unicode_markup or ""


def fetch_url(url: str) -> str:
    """Fetch an http(s) URL with timeouts, a size cap and an HTML content type."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise FetchError(f"{url}: only http and https URLs can be fetched")
    try:
        with requests.get(
            url,
            timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"},
            stream=True,
        ) as response:
            response.raise_for_status()
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type not in HTML_TYPES:
                raise FetchError(f"{url}: not an HTML page ({content_type or 'no content type'})")
            data = b""
            for chunk in response.iter_content(64 * 1024):
                data += chunk
                if len(data) > MAX_DOWNLOAD_BYTES:
                    raise FetchError(f"{url}: page larger than {MAX_DOWNLOAD_BYTES:,} bytes")
    except requests.RequestException as error:
        raise FetchError(f"{url}: {error}") from None
    return decode_html(data)


def read_page(source: str) -> tuple[str, str | None]:
    """Return `(html, url)` for a path or an http(s) URL."""
    if urlsplit(source).scheme in {"http", "https"}:
        return fetch_url(source), source
    return decode_html(pathlib.Path(source).read_bytes()), None
