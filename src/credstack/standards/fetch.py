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
import json
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urldefrag

from credstack.standards.errors import FetchError

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
