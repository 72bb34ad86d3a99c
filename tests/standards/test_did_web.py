"""did:web (W3C CCG did:web Method Specification): URLs, documents, resolution."""

from __future__ import annotations

import pytest

from credstack.standards.errors import DidResolutionError
from credstack.standards.fetch import OfflineFetcher, StaticFetcher
from credstack.standards.keys.did_web import (
    DocumentUnavailableError,
    did_web_document,
    did_web_to_url,
    resolve_did_web,
)
from credstack.standards.keys.multikey import Ed25519KeyPair

FIXTURE_DID = (
    "did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:"
    "da1e96e9-afcc-4eed-b9a2-2ddf7353214c"
)


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:localhost%3a8000", "https://localhost:8000/.well-known/did.json"),
        (
            FIXTURE_DID,
            "https://dc.1edtech.org/wellspring2022/wellspring-portal/org/"
            "da1e96e9-afcc-4eed-b9a2-2ddf7353214c/did.json",
        ),
    ],
)
def test_it_maps_a_did_web_to_its_document_url(did: str, url: str) -> None:
    assert did_web_to_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:key:z6Mk",
        "did:web:",
        "did:web:127.0.0.1",
        "did:web:exa_mple.com",
        "did:web:example.com%3Ahttp",
        "did:web:example.com::alice",
        "did:web:example.com:..",
        "did:web:example.com/path",
        "did:web:example.com#key-1",
    ],
)
def test_it_rejects_what_is_not_a_did_web(did: str) -> None:
    with pytest.raises(DidResolutionError) as raised:
        did_web_to_url(did)
    assert raised.value.code == "invalidDid"


def test_it_builds_a_did_document_keeping_older_keys_for_rotation() -> None:
    old, new = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    did = "did:web:issuer.example:issuers:42"
    document = did_web_document(did, [new, old.public_key])
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    ids = [f"{did}#{new.public_key_multibase}", f"{did}#{old.public_key_multibase}"]
    assert [method["id"] for method in document["verificationMethod"]] == ids
    assert all(method["controller"] == did for method in document["verificationMethod"])
    assert document["assertionMethod"] == ids
    assert document["authentication"] == ids
    assert "secretKeyMultibase" not in str(document)
    assert new.secret_key_multibase not in str(document)


def test_it_takes_given_key_ids_and_refuses_duplicates() -> None:
    pair = Ed25519KeyPair.generate()
    did = "did:web:issuer.example"
    document = did_web_document(did, [pair], key_ids=["#key-1"])
    assert document["assertionMethod"] == [f"{did}#key-1"]
    with pytest.raises(ValueError):
        did_web_document(did, [pair, pair], key_ids=["key-1", f"{did}#key-1"])
    with pytest.raises(ValueError):
        did_web_document(did, [])


def test_it_resolves_a_did_web_through_the_fetcher() -> None:
    did = "did:web:issuer.example:issuers:42"
    document = did_web_document(did, [Ed25519KeyPair.generate()])
    fetcher = StaticFetcher({"https://issuer.example/issuers/42/did.json": document})
    assert resolve_did_web(did, fetcher) == document


def test_it_rejects_a_did_document_for_another_did() -> None:
    did = "did:web:issuer.example"
    other = did_web_document("did:web:attacker.example", [Ed25519KeyPair.generate()])
    fetcher = StaticFetcher({"https://issuer.example/.well-known/did.json": other})
    with pytest.raises(DidResolutionError, match="attacker") as raised:
        resolve_did_web(did, fetcher)
    assert raised.value.code == "invalidDidDocument"
    not_an_object = StaticFetcher({"https://issuer.example/.well-known/did.json": [did]})
    with pytest.raises(DidResolutionError, match="not a JSON object"):
        resolve_did_web(did, not_an_object)


def test_it_reports_an_unreachable_did_document_as_not_found() -> None:
    with pytest.raises(DocumentUnavailableError) as raised:
        resolve_did_web(FIXTURE_DID, OfflineFetcher())
    assert raised.value.code == "notFound"
