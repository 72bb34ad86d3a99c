"""The trust core's only door to the network.

Everything that reads a remote document (DID documents, issuer profiles, verification
methods, status list credentials, OB 2.0 hosted assertions) goes through a
:class:`Fetcher`, given as a parameter so callers choose the policy and tests pin it:

- :class:`HttpFetcher`: the real network, HTTPS only, refusing private addresses (SSRF
  guard), with a size cap, a timeout, few redirects and a small cache.
- :class:`StaticFetcher`: serves a fixed set of documents (tests, pre-fetched bundles).
- :class:`OfflineFetcher`: refuses everything (``--offline`` verification).

Every failure raises a :class:`FetchError` subclass naming the URL.
"""

from __future__ import annotations

import copy
import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urldefrag, urljoin, urlsplit

from credstack.standards.errors import FetchBlockedError, FetchError

DEFAULT_MAX_BYTES = 2 * 1024 * 1024


class OfflineFetchError(FetchError):
    """Network access is switched off (offline verification)."""

    code = "FETCH_OFFLINE"


class FetchTooLargeError(FetchError):
    """The response is larger than the caller's or the fetcher's size cap."""

    code = "FETCH_TOO_LARGE"


class FetchTimeoutError(FetchError):
    """The server did not answer in time."""

    code = "FETCH_TIMEOUT"


class FetchStatusError(FetchError):
    """The server answered with a status other than 2xx; ``status`` holds it."""

    code = "FETCH_STATUS"

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class NotJsonError(FetchError):
    """The document is not valid JSON."""

    code = "FETCH_NOT_JSON"


@runtime_checkable
class Fetcher(Protocol):
    """What the trust core needs from the network. Both methods raise FetchError subclasses."""

    def get_json(self, url: str) -> Any:
        """The JSON value at ``url`` (the fragment is ignored); a fresh object per call."""
        ...

    def get_bytes(self, url: str, *, max_bytes: int | None = None) -> bytes:
        """The bytes at ``url``; ``max_bytes`` lowers the fetcher's own cap for this call."""
        ...


def parse_json(body: bytes, url: str) -> Any:
    """``body`` parsed as JSON; NotJsonError naming ``url`` otherwise."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        # UnicodeDecodeError and JSONDecodeError are both ValueErrors.
        raise NotJsonError(f"the document at {url} is not valid JSON: {error}") from error


def _check_size(body: bytes, url: str, max_bytes: int | None) -> None:
    if max_bytes is not None and len(body) > max_bytes:
        raise FetchTooLargeError(
            f"the document at {url} is {len(body)} bytes, more than the limit of {max_bytes}"
        )


class StaticFetcher:
    """Serves the given documents (JSON values or bytes) by URL, offline.

    A URL is looked up as given, then without its fragment. Anything else raises
    FetchError. ``requested`` lists the URLs asked for, in order (tests assert on it).
    """

    def __init__(self, documents: Mapping[str, Any] | None = None) -> None:
        self._documents: dict[str, Any] = dict(documents or {})
        self.requested: list[str] = []

    def add(self, url: str, document: Any) -> None:
        self._documents[url] = document

    def _lookup(self, url: str) -> Any:
        if not isinstance(url, str):
            raise TypeError("url must be a string")
        self.requested.append(url)
        for candidate in (url, urldefrag(url).url):
            if candidate in self._documents:
                return self._documents[candidate]
        raise FetchError(f"no document is available for {url} (offline document set)")

    def get_json(self, url: str) -> Any:
        document = self._lookup(url)
        if isinstance(document, bytes | bytearray):
            return parse_json(bytes(document), url)
        return copy.deepcopy(document)

    def get_bytes(self, url: str, *, max_bytes: int | None = None) -> bytes:
        document = self._lookup(url)
        if isinstance(document, bytes | bytearray):
            body = bytes(document)
        else:
            body = json.dumps(document).encode("utf-8")
        _check_size(body, url, max_bytes)
        return body


class OfflineFetcher:
    """Refuses every URL with OfflineFetchError: nothing leaves the machine."""

    def get_json(self, url: str) -> Any:
        raise OfflineFetchError(f"{url} was not fetched: network access is off (offline mode)")

    def get_bytes(self, url: str, *, max_bytes: int | None = None) -> bytes:
        raise OfflineFetchError(f"{url} was not fetched: network access is off (offline mode)")


# The real network

DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_REDIRECTS = 3
DEFAULT_CACHE_SIZE = 256
DEFAULT_CACHE_SECONDS = 300.0
DEFAULT_USER_AGENT = "credstack/0.1 (verifiable credentials verifier)"
JSON_ACCEPT = "application/ld+json, application/json;q=0.9, */*;q=0.1"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_READ_CHUNK = 64 * 1024
# NAT64 (RFC 6052) embeds an IPv4 address in its last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[[str, int], Sequence[str]]
"""Turns (host, port) into IP address strings; the default asks the system (DNS)."""


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def is_public_address(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether ``address`` is a public unicast internet address.

    False for loopback, private (RFC 1918, fc00::/7), shared (100.64/10), link-local,
    reserved, multicast, unspecified and documentation addresses, and for IPv6 forms that
    embed such an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, 6to4, NAT64).
    Raises ValueError if ``address`` is not an IP address.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public_address(ip.ipv4_mapped)
        if ip.sixtofour is not None and not is_public_address(ip.sixtofour):
            return False
        if ip in _NAT64:
            return is_public_address(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
    )


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    path: str


@dataclass
class _CacheEntry:
    body: bytes
    fetched_at: float
    expires_at: float


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address vetted beforehand (no second DNS lookup)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address
        self.raw_socket: socket.socket | None = None

    def connect(self) -> None:
        self.sock = self.raw_socket = socket.create_connection(
            (self.address, self.port), self.timeout
        )


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a vetted address; the certificate is checked for ``host``."""

    def __init__(
        self, host: str, port: int, *, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.address = address
        self.tls_context = context
        self.raw_socket: socket.socket | None = None

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = self.raw_socket = self.tls_context.wrap_socket(
                sock, server_hostname=self.host
            )
        except BaseException:
            sock.close()
            raise


def _cache_lifetime(header: str | None) -> float | None:
    """Seconds from Cache-Control (0 for no-store/no-cache), None when it says nothing."""
    if not header:
        return None
    lifetime: float | None = None
    for directive in header.lower().split(","):
        name, _, value = directive.strip().partition("=")
        if name in ("no-store", "no-cache"):
            return 0.0
        if name == "max-age":
            try:
                lifetime = max(0.0, float(int(value.strip().strip('"'))))
            except ValueError:
                lifetime = 0.0
    return lifetime


class HttpFetcher:
    """Fetches over HTTPS with the safeguards a verifier facing arbitrary input needs.

    1. Only ``https`` URLs, unless ``development_mode`` (then ``http`` too).
    2. The host name is resolved once; outside development mode every address it resolves
       to must be a public internet address (:func:`is_public_address`) or lie in
       ``allowed_networks``, else FetchBlockedError. The connection goes to the vetted
       address, so a DNS answer that changes between check and connect cannot redirect it.
    3. Redirects (at most ``max_redirects``) are checked like the first URL.
    4. One ``timeout`` (seconds) bounds the whole fetch; ``max_bytes`` is enforced while
       reading, so an endless body is cut off.
    5. Successful responses are kept in an LRU cache of ``cache_size`` entries. An entry
       lives for the caller's ``ttl`` (milliseconds, as a Bitstring Status List credential
       gives it), else the response's Cache-Control max-age (no-store/no-cache: not kept),
       else ``default_cache_seconds``. ``clock`` (seconds) is injectable for tests.

    HTTP proxies from the environment are not used. Safe to share between threads.
    """

    def __init__(
        self,
        *,
        development_mode: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        cache_size: int = DEFAULT_CACHE_SIZE,
        default_cache_seconds: float = DEFAULT_CACHE_SECONDS,
        user_agent: str = DEFAULT_USER_AGENT,
        clock: Callable[[], float] = time.monotonic,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
        allowed_networks: Sequence[str] = (),
    ) -> None:
        if timeout <= 0 or max_bytes <= 0 or max_redirects < 0 or cache_size < 0:
            raise ValueError("timeout and max_bytes must be positive, the others not negative")
        self.development_mode = development_mode
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.cache_size = cache_size
        self.default_cache_seconds = default_cache_seconds
        self.user_agent = user_agent
        self._clock = clock
        self._resolver = resolver
        # Made on the first HTTPS request: building a default context loads the system's
        # CA store (~30 ms), which a verification that never leaves the process must not pay.
        self._given_ssl_context = ssl_context
        self._default_ssl_context: ssl.SSLContext | None = None
        self._allowed_networks = [ipaddress.ip_network(net) for net in allowed_networks]
        self._cache: OrderedDict[tuple[str, str], _CacheEntry] = OrderedDict()
        self._lock = threading.Lock()

    # The Fetcher protocol

    def _ssl_context(self) -> ssl.SSLContext:
        if self._given_ssl_context is not None:
            return self._given_ssl_context
        if self._default_ssl_context is None:
            self._default_ssl_context = ssl.create_default_context()
        return self._default_ssl_context

    def get_json(self, url: str, *, ttl: int | None = None) -> Any:
        """The JSON at ``url``; ``ttl`` (milliseconds) sets how long it may be cached."""
        return parse_json(self._get(url, JSON_ACCEPT, None, ttl), url)

    def get_bytes(self, url: str, *, max_bytes: int | None = None, ttl: int | None = None) -> bytes:
        return self._get(url, "*/*", max_bytes, ttl)

    # Cache control

    def set_ttl(self, url: str, ttl: int) -> None:
        """Give the cached copies of ``url`` a lifetime of ``ttl`` milliseconds from when
        they were fetched (for a ``ttl`` read from inside the fetched document)."""
        key_url = urldefrag(url).url
        with self._lock:
            for (cached_url, _accept), entry in self._cache.items():
                if cached_url == key_url:
                    entry.expires_at = entry.fetched_at + ttl / 1000
        self._prune()

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def _prune(self) -> None:
        now = self._clock()
        with self._lock:
            for key in [key for key, entry in self._cache.items() if entry.expires_at <= now]:
                del self._cache[key]

    # Fetching

    def _get(self, url: str, accept: str, max_bytes: int | None, ttl: int | None) -> bytes:
        if not isinstance(url, str):
            raise TypeError("url must be a string")
        limit = self.max_bytes if max_bytes is None else min(max_bytes, self.max_bytes)
        url = urldefrag(url).url
        self._target(url)  # refuse a bad URL before looking at the cache
        key = (url, accept)
        with self._lock:
            entry = self._cache.get(key)
            if entry is not None and self._clock() < entry.expires_at:
                self._cache.move_to_end(key)
                _check_size(entry.body, url, limit)
                return entry.body
        fetched_at = self._clock()
        body, header_lifetime = self._fetch(url, accept, limit)
        if ttl is not None:
            lifetime = ttl / 1000
        elif header_lifetime is not None:
            lifetime = header_lifetime
        else:
            lifetime = self.default_cache_seconds
        if lifetime > 0 and self.cache_size > 0:
            with self._lock:
                self._cache[key] = _CacheEntry(body, fetched_at, fetched_at + lifetime)
                self._cache.move_to_end(key)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return body

    def _target(self, url: str) -> _Target:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise FetchError(f"{url!r} is not a valid URL: {error}") from error
        scheme = parts.scheme.lower()
        allowed = ("https", "http") if self.development_mode else ("https",)
        if scheme not in allowed:
            raise FetchBlockedError(
                f"{url} was not fetched: only {' and '.join(allowed)} URLs are fetched"
            )
        if not parts.hostname:
            raise FetchError(f"{url!r} has no host")
        if parts.username is not None or parts.password is not None:
            raise FetchError(f"{url} was not fetched: URLs with credentials are refused")
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise FetchError(f"{url!r} has an invalid host name") from error
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        default_port = 443 if scheme == "https" else 80
        return _Target(url, scheme, host, port or default_port, path)

    def _vet(self, target: _Target) -> list[str]:
        """The addresses ``target.host`` resolves to, all checked against the policy."""
        try:
            addresses = list(self._resolver(target.host, target.port))
        except (OSError, UnicodeError) as error:
            raise FetchError(f"{target.url}: the host {target.host} was not found") from error
        if not addresses:
            raise FetchError(f"{target.url}: the host {target.host} has no address")
        if not self.development_mode:
            for address in addresses:
                if not self._address_allowed(address):
                    raise FetchBlockedError(
                        f"{target.url} was not fetched: {target.host} resolves to {address}, "
                        "which is not a public internet address"
                    )
        return addresses

    def _address_allowed(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        if any(ip in network for network in self._allowed_networks):
            return True
        return is_public_address(ip)

    def _fetch(self, url: str, accept: str, limit: int) -> tuple[bytes, float | None]:
        deadline = time.monotonic() + self.timeout
        current = url
        for _hop in range(self.max_redirects + 1):
            target = self._target(current)
            addresses = self._vet(target)
            try:
                connection, response = self._request(target, addresses, accept, deadline)
                try:
                    if response.status in _REDIRECT_STATUSES:
                        location = response.getheader("Location")
                        if not location:
                            raise FetchError(f"{current} redirects without a Location")
                        current = urldefrag(urljoin(current, location.strip())).url
                        continue
                    if not 200 <= response.status < 300:
                        raise FetchStatusError(
                            f"{current} answered HTTP {response.status} {response.reason}",
                            status=response.status,
                        )
                    body = self._read(connection, response, limit, deadline, current)
                    return body, _cache_lifetime(response.getheader("Cache-Control"))
                finally:
                    connection.close()
            except TimeoutError as error:
                raise FetchTimeoutError(
                    f"{current} did not answer within {self.timeout:g} seconds"
                ) from error
            except ssl.SSLError as error:
                raise FetchError(f"{current}: the TLS connection failed: {error}") from error
            except (OSError, http.client.HTTPException) as error:
                raise FetchError(f"{current} could not be fetched: {error}") from error
        raise FetchError(f"{url} redirects more than {self.max_redirects} times")

    def _request(
        self, target: _Target, addresses: Sequence[str], accept: str, deadline: float
    ) -> tuple[_PinnedHTTPConnection | _PinnedHTTPSConnection, http.client.HTTPResponse]:
        headers = {"Accept": accept, "User-Agent": self.user_agent, "Accept-Encoding": "identity"}
        last_error: OSError | None = None
        for address in addresses:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            connection: _PinnedHTTPConnection | _PinnedHTTPSConnection
            if target.scheme == "https":
                connection = _PinnedHTTPSConnection(
                    target.host,
                    target.port,
                    address=address,
                    timeout=remaining,
                    context=self._ssl_context(),
                )
            else:
                connection = _PinnedHTTPConnection(
                    target.host, target.port, address=address, timeout=remaining
                )
            try:
                connection.connect()
            except TimeoutError:
                raise
            except OSError as error:
                # Refused or unreachable: try the host's next vetted address.
                connection.close()
                last_error = error
                continue
            connection.request("GET", target.path, headers=headers)
            return connection, connection.getresponse()
        assert last_error is not None
        raise last_error

    def _read(
        self,
        connection: _PinnedHTTPConnection | _PinnedHTTPSConnection,
        response: http.client.HTTPResponse,
        limit: int,
        deadline: float,
        url: str,
    ) -> bytes:
        declared = response.getheader("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            raise FetchTooLargeError(
                f"the document at {url} is {int(declared)} bytes, more than the limit of {limit}"
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if connection.raw_socket is not None:
                connection.raw_socket.settimeout(remaining)
            chunk = response.read1(min(_READ_CHUNK, limit + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FetchTooLargeError(
                    f"the document at {url} is larger than the limit of {limit} bytes"
                )
