"""The fetcher: offline fetchers, and HttpFetcher against real servers on 127.0.0.1."""

from __future__ import annotations

import pytest

from credstack.standards.errors import FetchError
from credstack.standards.fetch import (
    Fetcher,
    FetchTooLargeError,
    NotJsonError,
    OfflineFetcher,
    OfflineFetchError,
    StaticFetcher,
)

# Offline fetchers


def test_static_and_offline_fetchers_are_fetchers() -> None:
    assert isinstance(StaticFetcher({}), Fetcher)
    assert isinstance(OfflineFetcher(), Fetcher)


def test_static_fetcher_serves_json_values_and_bytes_by_url() -> None:
    fetcher = StaticFetcher(
        {"https://example.com/a": {"id": "a"}, "https://example.com/b": b'{"id": "b"}'}
    )
    assert fetcher.get_json("https://example.com/a#key-1") == {"id": "a"}
    assert fetcher.get_json("https://example.com/b") == {"id": "b"}
    assert fetcher.get_bytes("https://example.com/b") == b'{"id": "b"}'
    assert fetcher.requested == [
        "https://example.com/a#key-1",
        "https://example.com/b",
        "https://example.com/b",
    ]


def test_static_fetcher_returns_a_fresh_copy_each_time() -> None:
    fetcher = StaticFetcher({"https://example.com/a": {"list": [1]}})
    fetcher.get_json("https://example.com/a")["list"].append(2)
    assert fetcher.get_json("https://example.com/a") == {"list": [1]}


def test_static_fetcher_refuses_unknown_urls_and_bad_json_and_large_bodies() -> None:
    fetcher = StaticFetcher({"https://example.com/bad": b"{not json", "https://x.test/": b"12345"})
    with pytest.raises(FetchError, match="no document"):
        fetcher.get_json("https://example.com/missing")
    with pytest.raises(NotJsonError, match=r"https://example\.com/bad"):
        fetcher.get_json("https://example.com/bad")
    with pytest.raises(FetchTooLargeError):
        fetcher.get_bytes("https://x.test/", max_bytes=4)


def test_offline_fetcher_refuses_everything() -> None:
    with pytest.raises(OfflineFetchError, match="offline"):
        OfflineFetcher().get_json("https://example.com/")
    with pytest.raises(OfflineFetchError):
        OfflineFetcher().get_bytes("https://example.com/")
