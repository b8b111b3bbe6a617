"""Read a page: a saved file, or an http(s) URL fetched safely.

A fetched URL may only lead to public addresses. For every hop, redirects
included, the host is resolved once, every address it resolves to is checked,
and the connection goes to the checked address (TLS still verifies the host
name), so a resolver that answers differently the second time cannot send us
to loopback, private, link-local (cloud metadata) or other internal addresses.
An IPv6 address that embeds an IPv4 one is judged by the IPv4 address.
"""

from __future__ import annotations

import ipaddress
import pathlib
import socket
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from bs4.dammit import UnicodeDammit

from server.config import package_version

CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 5
FETCH_DEADLINE_SECONDS = 10  # the whole fetch, every hop and byte, so a slow page cannot pin a worker
MAX_DOWNLOAD_BYTES = 5 * 1024 * 1024  # the API's own body limit: a bigger page would be refused anyway
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = f"sourcecheck/{package_version()} (+source-checking for news readers)"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressCheck = Callable[[Address], bool]

#: Ranges that `ipaddress` calls global but no public web server lives in.
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(net) for net in ("192.0.0.0/24", "64:ff9b:1::/48", "2001::/23", "2001:db8::/32")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")


class FetchError(ValueError):
    """A URL could not be fetched as an HTML page; the message says why."""


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 one carries (mapped, translated, compatible, NAT64, 6to4)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in net for net in (_NAT64, _IPV4_TRANSLATED, _IPV4_COMPATIBLE)):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: Address) -> bool:
    """Return whether an address is on the public internet."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    if any(address in net for net in _NOT_PUBLIC if net.version == address.version):
        return False
    return address.is_global and not address.is_multicast


def decode_html(data: bytes) -> str:
    """Decode page bytes using the page's declared charset, falling back to detection."""
    return UnicodeDammit(data, is_html=True).unicode_markup or ""


def _checked_address(url: str, host: str, port: int, allowed: AddressCheck) -> Address:
    """Resolve `host` once; refuse it if any address is not allowed; return the one to connect to."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError) as error:
        raise FetchError(f"{url}: cannot resolve {host} ({error})") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:
        if not allowed(address):
            raise FetchError(f"{url}: {host} resolves to {address}, which is not a public address")
    if not addresses:
        raise FetchError(f"{url}: {host} resolves to no address")
    return addresses[0]


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def timeout(self, url: str) -> urllib3.Timeout:
        left = self.end - time.monotonic()
        if left <= 0:
            raise FetchError(f"{url}: the page took more than {FETCH_DEADLINE_SECONDS} seconds")
        return urllib3.Timeout(
            connect=min(CONNECT_TIMEOUT_SECONDS, left), read=min(READ_TIMEOUT_SECONDS, left)
        )


def _pool(scheme: str, host: str, address: Address, port: int) -> urllib3.HTTPConnectionPool:
    """A connection pool to the checked `address` that still speaks to `host` (SNI, certificate)."""
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            str(address),
            port,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            retries=False,
        )
    return urllib3.HTTPConnectionPool(str(address), port, retries=False)


def _host_header(host: str, port: int, scheme: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port == (443 if scheme == "https" else 80) else f"{shown}:{port}"


def _read_body(response: urllib3.BaseHTTPResponse, url: str, deadline: _Deadline) -> bytes:
    content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type not in HTML_TYPES:
        raise FetchError(f"{url}: not an HTML page ({content_type or 'no content type'})")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_DOWNLOAD_BYTES:
        raise FetchError(f"{url}: page larger than {MAX_DOWNLOAD_BYTES:,} bytes")
    chunks, size = [], 0
    # read1 returns what one read brings, so a page that trickles in still meets the deadline.
    while chunk := response.read1(CHUNK_BYTES):
        size += len(chunk)
        if size > MAX_DOWNLOAD_BYTES:
            raise FetchError(f"{url}: page larger than {MAX_DOWNLOAD_BYTES:,} bytes")
        chunks.append(chunk)
        deadline.timeout(url)
    return b"".join(chunks)


def _split(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchError(f"{url}: only http and https URLs can be fetched")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"{url}: the port is not a number from 1 to 65535") from None
    if not parts.hostname:
        raise FetchError(f"{url}: the URL has no host")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, target


def fetch_url(url: str, allowed: AddressCheck = is_public_address) -> str:
    """Fetch an http(s) page from public addresses only, within a deadline and a size cap."""
    deadline = _Deadline(FETCH_DEADLINE_SECONDS)
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, target = _split(url)
        address = _checked_address(url, host, port, allowed)
        headers = {
            "Host": _host_header(host, port, scheme),
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml",
        }
        try:
            with _pool(scheme, host, address, port) as pool:
                response = pool.urlopen(
                    "GET",
                    target,
                    headers=headers,
                    redirect=False,
                    preload_content=False,
                    timeout=deadline.timeout(url),
                )
                try:
                    location = response.get_redirect_location()
                    if location:
                        url = urljoin(url, location)
                        continue
                    if response.status >= 400:
                        raise FetchError(f"{url}: the server answered {response.status} {response.reason}")
                    return decode_html(_read_body(response, url, deadline))
                finally:
                    response.release_conn()
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(f"{url}: {error}") from None
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def read_page(source: str) -> tuple[str, str | None]:
    """Return `(html, url)` for a path or an http(s) URL."""
    if urlsplit(source).scheme in {"http", "https"}:
        return fetch_url(source), source
    return decode_html(pathlib.Path(source).read_bytes()), None
