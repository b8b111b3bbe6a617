"""Read a page: a saved file, or an http(s) URL fetched with requests, safely.

A fetched URL may only lead to public addresses: the host is resolved and
checked before every request, redirects included, so a page cannot send us to
loopback, private, link-local (cloud metadata) or other internal addresses.
"""

from __future__ import annotations

import ipaddress
import pathlib
import socket
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import requests
from bs4.dammit import UnicodeDammit

from server.config import package_version

CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 15
MAX_DOWNLOAD_BYTES = 5 * 1024 * 1024  # the API's own body limit: a bigger page would be refused anyway
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = f"sourcecheck/{package_version()} (+source-checking for news readers)"

AddressCheck = Callable[[ipaddress.IPv4Address | ipaddress.IPv6Address], bool]


class FetchError(ValueError):
    """A URL could not be fetched as an HTML page; the message says why."""


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Return whether an address is on the public internet."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def decode_html(data: bytes) -> str:
    """Decode page bytes using the page's declared charset, falling back to detection."""
    return UnicodeDammit(data, is_html=True).unicode_markup or ""


def _check_destination(url: str, allowed: AddressCheck) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchError(f"{url}: only http and https URLs can be fetched")
    if not parts.hostname:
        raise FetchError(f"{url}: the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as error:
        raise FetchError(f"{url}: cannot resolve {parts.hostname} ({error})") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not allowed(address):
            raise FetchError(f"{url}: {parts.hostname} resolves to {address}, which is not a public address")


def _read_body(response: requests.Response, url: str) -> bytes:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in HTML_TYPES:
        raise FetchError(f"{url}: not an HTML page ({content_type or 'no content type'})")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_DOWNLOAD_BYTES:
        raise FetchError(f"{url}: page larger than {MAX_DOWNLOAD_BYTES:,} bytes")
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_DOWNLOAD_BYTES:
            raise FetchError(f"{url}: page larger than {MAX_DOWNLOAD_BYTES:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_url(url: str, allowed: AddressCheck = is_public_address) -> str:
    """Fetch an http(s) page to public addresses only, with timeouts and a size cap."""
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}
    with requests.Session() as session:
        for _ in range(MAX_REDIRECTS + 1):
            _check_destination(url, allowed)
            try:
                with session.get(
                    url,
                    headers=headers,
                    timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
                    stream=True,
                    allow_redirects=False,
                ) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers["Location"])
                        continue
                    response.raise_for_status()
                    return decode_html(_read_body(response, url))
            except requests.RequestException as error:
                raise FetchError(f"{url}: {error}") from None
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def read_page(source: str) -> tuple[str, str | None]:
    """Return `(html, url)` for a path or an http(s) URL."""
    if urlsplit(source).scheme in {"http", "https"}:
        return fetch_url(source), source
    return decode_html(pathlib.Path(source).read_bytes()), None
