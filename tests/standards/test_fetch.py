"""The fetcher: offline fetchers, and HttpFetcher against real servers on 127.0.0.1."""

from __future__ import annotations

import datetime
import ipaddress
import re
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.errors import FetchBlockedError, FetchError
from credstack.standards.fetch import (
    Fetcher,
    FetchStatusError,
    FetchTimeoutError,
    FetchTooLargeError,
    HttpFetcher,
    NotJsonError,
    OfflineFetcher,
    OfflineFetchError,
    StaticFetcher,
    is_public_address,
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


# HttpFetcher against servers on 127.0.0.1


class Route:
    def __init__(
        self, status: int = 200, body: bytes = b"{}", headers: dict[str, str] | None = None
    ) -> None:
        self.status, self.body, self.headers = status, body, headers or {}


class LocalServer:
    """An HTTP(S) server on 127.0.0.1 in a thread, answering from ``routes``."""

    def __init__(self, tls_context: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.hits.append(self.path)
                if self.path == "/stall":
                    server.release.wait(10)
                    return
                if self.path == "/endless":
                    self.send_response(200)
                    self.end_headers()
                    try:
                        while not server.release.is_set():
                            self.wfile.write(b" " * 65536)
                    except OSError:
                        pass
                    return
                route = server.routes.get(self.path, Route(404, b"not found"))
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in route.headers:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls_context is not None:
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.scheme = "https" if tls_context is not None else "http"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    yield local
    local.close()


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "issuer.test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("issuer.test"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[LocalServer, ssl.SSLContext]]:
    cert_path, key_path = _self_signed_certificate(tmp_path)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_path, key_path)
    client_context = ssl.create_default_context(cafile=str(cert_path))
    local = LocalServer(server_context)
    yield local, client_context
    local.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_it_fetches_from_a_local_server_in_development_mode(server: LocalServer) -> None:
    server.routes["/did.json"] = Route(body=b'{"id": "did:web:localhost"}')
    fetcher = HttpFetcher(development_mode=True)
    assert isinstance(fetcher, Fetcher)
    assert fetcher.get_json(server.url("/did.json#key-1")) == {"id": "did:web:localhost"}
    assert fetcher.get_bytes(server.url("/did.json")) == b'{"id": "did:web:localhost"}'


def test_it_tries_the_next_vetted_address_when_one_refuses(server: LocalServer) -> None:
    server.routes["/doc"] = Route(body=b'{"ok": true}')
    # Nothing listens on 127.0.0.2, so the first address refuses the connection.
    fetcher = HttpFetcher(
        development_mode=True, resolver=lambda host, port: ["127.0.0.2", "127.0.0.1"]
    )
    assert fetcher.get_json(server.url("/doc", host="issuer.test")) == {"ok": True}


def test_it_refuses_http_and_loopback_outside_development_mode(server: LocalServer) -> None:
    server.routes["/"] = Route()
    fetcher = HttpFetcher()
    with pytest.raises(FetchBlockedError, match="only https"):
        fetcher.get_json(server.url("/"))
    with pytest.raises(FetchBlockedError, match="not a public internet address"):
        fetcher.get_json(f"https://127.0.0.1:{server.port}/")
    with pytest.raises(FetchBlockedError):
        fetcher.get_json(f"https://[::ffff:127.0.0.1]:{server.port}/")
    assert server.hits == []


def test_it_refuses_a_host_that_resolves_to_any_private_address() -> None:
    fetcher = HttpFetcher(resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(FetchBlockedError, match=r"10\.0\.0\.7"):
        fetcher.get_json("https://issuer.example/profile")


def test_it_connects_to_the_vetted_address_and_checks_the_certificate_for_the_host(
    tls_server: tuple[LocalServer, ssl.SSLContext],
) -> None:
    server, client_context = tls_server
    server.routes["/profile"] = Route(body=b'{"id": "https://issuer.test/profile"}')
    fetcher = HttpFetcher(
        resolver=lambda host, port: ["127.0.0.1"],
        ssl_context=client_context,
        allowed_networks=["127.0.0.1/32"],
    )
    url = server.url("/profile", host="issuer.test")
    assert fetcher.get_json(url) == {"id": "https://issuer.test/profile"}
    wrong_name = HttpFetcher(
        resolver=lambda host, port: ["127.0.0.1"],
        ssl_context=client_context,
        allowed_networks=["127.0.0.1/32"],
    )
    with pytest.raises(FetchError, match="TLS"):
        wrong_name.get_json(server.url("/profile", host="other.test"))


def test_it_refuses_a_redirect_to_a_private_address(
    tls_server: tuple[LocalServer, ssl.SSLContext],
) -> None:
    server, client_context = tls_server
    server.routes["/to-metadata"] = Route(
        302, b"", {"Location": "https://169.254.169.254/latest/meta-data/"}
    )
    server.routes["/to-http"] = Route(302, b"", {"Location": "http://issuer.test/"})
    fetcher = HttpFetcher(ssl_context=client_context, allowed_networks=["127.0.0.1/32"])
    with pytest.raises(FetchBlockedError, match=r"169\.254\.169\.254"):
        fetcher.get_json(server.url("/to-metadata"))
    with pytest.raises(FetchBlockedError, match="only https"):
        fetcher.get_json(server.url("/to-http"))


def test_it_follows_a_few_redirects_and_no_more(server: LocalServer) -> None:
    server.routes["/final"] = Route(body=b"[1]")
    for hop in range(1, 5):
        target = "/final" if hop == 1 else f"/hop{hop - 1}"
        server.routes[f"/hop{hop}"] = Route(301, b"", {"Location": target})
    fetcher = HttpFetcher(development_mode=True, max_redirects=3)
    assert fetcher.get_json(server.url("/hop3")) == [1]
    with pytest.raises(FetchError, match="redirects more than 3 times"):
        fetcher.get_json(server.url("/hop4"))


def test_it_refuses_a_body_over_the_size_cap(server: LocalServer) -> None:
    server.routes["/big"] = Route(body=b"x" * 5000)
    fetcher = HttpFetcher(development_mode=True, max_bytes=4096)
    with pytest.raises(FetchTooLargeError, match="5000 bytes"):
        fetcher.get_bytes(server.url("/big"))
    with pytest.raises(FetchTooLargeError):
        HttpFetcher(development_mode=True).get_bytes(server.url("/big"), max_bytes=100)


def test_it_stops_reading_an_endless_body_at_the_size_cap(server: LocalServer) -> None:
    fetcher = HttpFetcher(development_mode=True, max_bytes=256 * 1024)
    with pytest.raises(FetchTooLargeError, match="larger than the limit"):
        fetcher.get_bytes(server.url("/endless"))


def test_it_gives_up_on_a_server_that_stalls(server: LocalServer) -> None:
    fetcher = HttpFetcher(development_mode=True, timeout=0.2)
    with pytest.raises(FetchTimeoutError, match="did not answer"):
        fetcher.get_json(server.url("/stall"))


def test_it_reports_http_errors_and_invalid_json_with_the_url(server: LocalServer) -> None:
    server.routes["/broken"] = Route(body=b"<html>")
    fetcher = HttpFetcher(development_mode=True)
    with pytest.raises(FetchStatusError) as raised:
        fetcher.get_json(server.url("/missing"))
    assert raised.value.status == 404
    with pytest.raises(NotJsonError, match=re.escape(server.url("/broken"))):
        fetcher.get_json(server.url("/broken"))


def test_it_caches_for_the_default_lifetime(server: LocalServer) -> None:
    server.routes["/list"] = Route(body=b'{"n": 1}')
    clock = Clock()
    fetcher = HttpFetcher(development_mode=True, clock=clock, default_cache_seconds=300)
    assert fetcher.get_json(server.url("/list")) == {"n": 1}
    server.routes["/list"] = Route(body=b'{"n": 2}')
    clock.now += 299
    assert fetcher.get_json(server.url("/list")) == {"n": 1}
    clock.now += 2
    assert fetcher.get_json(server.url("/list")) == {"n": 2}
    assert server.hits == ["/list", "/list"]


def test_it_honours_max_age_no_store_and_the_callers_ttl(server: LocalServer) -> None:
    server.routes["/short"] = Route(headers={"Cache-Control": "public, max-age=10"})
    server.routes["/never"] = Route(headers={"Cache-Control": "no-store"})
    server.routes["/status"] = Route(headers={"Cache-Control": "max-age=10"})
    clock = Clock()
    fetcher = HttpFetcher(development_mode=True, clock=clock)
    for path in ("/short", "/never", "/status"):
        fetcher.get_json(server.url(path))
    fetcher.get_json(server.url("/status"), ttl=60_000)  # still cached from max-age
    clock.now += 5
    for path in ("/short", "/never"):
        fetcher.get_json(server.url(path))
    assert server.hits == ["/short", "/never", "/status", "/never"]
    fetcher.set_ttl(server.url("/status"), 60_000)
    clock.now += 50
    fetcher.get_json(server.url("/status"))
    assert server.hits.count("/status") == 1
    clock.now += 10
    fetcher.get_json(server.url("/status"), ttl=1000)
    assert server.hits.count("/status") == 2


def test_it_evicts_the_least_recently_used_entry(server: LocalServer) -> None:
    for path in ("/a", "/b", "/c"):
        server.routes[path] = Route()
    fetcher = HttpFetcher(development_mode=True, cache_size=2, clock=Clock())
    for path in ("/a", "/b", "/a", "/c", "/a", "/b"):
        fetcher.get_json(server.url(path))
    assert server.hits == ["/a", "/b", "/c", "/b"]


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.1",
        "127.0.0.1",
        "127.8.8.8",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        "2002:c0a8:101::1",
    ],
)
def test_it_classifies_non_public_addresses_as_blocked(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:8.8.8.8"]
)
def test_it_classifies_public_addresses_as_allowed(address: str) -> None:
    assert is_public_address(address)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_an_ipv4_address_is_judged_the_same_inside_ipv6(number: int) -> None:
    address = ipaddress.IPv4Address(number)
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert is_public_address(mapped) == is_public_address(address)


@settings(max_examples=50, deadline=None)
@given(
    st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "fc00::/7"]),
    st.integers(min_value=0),
)
def test_every_address_of_a_private_network_is_blocked(network: str, offset: int) -> None:
    net = ipaddress.ip_network(network)
    assert not is_public_address(net[offset % net.num_addresses])


@pytest.mark.parametrize(
    "url",
    ["https://user:pw@example.com/", "https://example.com:99999/", "https:///path", "ftp://x/"],
)
def test_it_refuses_malformed_or_unsupported_urls(url: str) -> None:
    with pytest.raises(FetchError):
        HttpFetcher(resolver=lambda host, port: ["93.184.216.34"]).get_json(url)
