"""Retrieve Verification Method and issuer binding, over the 1EdTech validator fixtures'
verification methods and DID documents / profiles served by a StaticFetcher."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from credstack.standards.errors import DidResolutionError
from credstack.standards.fetch import OfflineFetcher, StaticFetcher
from credstack.standards.keys.did_key import did_key_from_public_key, verification_method_id
from credstack.standards.keys.did_web import DocumentUnavailableError, did_web_document
from credstack.standards.keys.multikey import Ed25519KeyPair, public_keys_equal
from credstack.standards.keys.verification_method import (
    ResolvedVerificationMethod,
    check_issuer_binding,
    resolve_verification_method,
)
from tests.shared_data import fixture_path, read_json

OB_VECTOR = read_json("vectors", "1edtech-ob3-di", "ob-vector.json")
VECTOR_KEY = Ed25519KeyPair.from_multibase(OB_VECTOR["publicKeyMultibase"])


def _proofs(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        proof = node.get("proof")
        for item in proof if isinstance(proof, list) else [proof] if proof else []:
            if isinstance(item, dict) and "verificationMethod" in item:
                yield item
        for value in node.values():
            yield from _proofs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _proofs(value)


def _fixture(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(fixture_path("ob30", name).read_text("utf-8"))
    return document


def _issuer_id(credential: dict[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


FIXTURE_METHODS = sorted(
    {
        (path.name, proof["verificationMethod"])
        for path in fixture_path("ob30").glob("*.json")
        for proof in _proofs(json.loads(path.read_text("utf-8")))
    }
)


@pytest.mark.parametrize(("fixture", "vm_id"), FIXTURE_METHODS)
def test_every_fixture_method_resolves_offline_or_fails_with_a_resolution_error(
    fixture: str, vm_id: str
) -> None:
    try:
        method = resolve_verification_method(vm_id, fetcher=OfflineFetcher())
    except DidResolutionError as error:
        assert error.message
        assert error.code
        return
    assert method.id.startswith(vm_id)
    if not method.listed:
        assert public_keys_equal(
            method.public_key, Ed25519KeyPair.from_multibase(vm_id.rpartition("#")[2]).public_key
        )
        assert method.unavailable_reason


@pytest.mark.parametrize(
    ("fixture", "code", "words"),
    [
        ("simple-err-proof-method-no-scheme.json", "INVALID_VERIFICATION_METHOD_URL", "no scheme"),
        (
            "simple-err-proof-method-unknown-scheme.json",
            "INVALID_VERIFICATION_METHOD_URL",
            "unsupported URL scheme 'xxx'",
        ),
        (
            "simple-err-proof-method-unknown-did-method.json",
            "methodNotSupported",
            "DID method 'example'",
        ),
        ("simple-err-proof-method.json", "INVALID_VERIFICATION_METHOD", "not a valid Multikey"),
    ],
)
def test_it_rejects_the_1edtech_bad_verification_methods(
    fixture: str, code: str, words: str
) -> None:
    [proof] = list(_proofs(_fixture(fixture)))
    with pytest.raises(DidResolutionError) as raised:
        resolve_verification_method(proof["verificationMethod"], fetcher=OfflineFetcher())
    assert raised.value.code == code
    assert words in raised.value.message


def test_it_takes_a_fragment_key_when_the_document_cannot_be_fetched() -> None:
    [proof] = list(_proofs(_fixture("simple.json")))
    method = resolve_verification_method(proof["verificationMethod"], fetcher=OfflineFetcher())
    assert not method.listed
    assert method.controller is None
    assert method.source_url == "https://example.com/issuers/876543"
    assert public_keys_equal(method.public_key, VECTOR_KEY.public_key)
    assert "offline" in (method.unavailable_reason or "")


def test_it_fails_a_named_key_whose_document_cannot_be_fetched() -> None:
    with pytest.raises(DocumentUnavailableError):
        resolve_verification_method(
            "https://1edtech.edu/issuers/565049#key-1", fetcher=OfflineFetcher()
        )


def test_it_resolves_a_bare_did_key_locally() -> None:
    [proof] = list(_proofs(_fixture("simple-did-key-method.json")))
    fetcher = StaticFetcher()
    method = resolve_verification_method(proof["verificationMethod"], fetcher=fetcher)
    did = proof["verificationMethod"]
    assert method.id == verification_method_id(did)
    assert method.controller == did
    assert method.listed and method.allows("assertionMethod")
    assert public_keys_equal(method.public_key, VECTOR_KEY.public_key)
    assert fetcher.requested == []


ISSUER = "https://issuer.example/profiles/1"


def _profile(key: Ed25519KeyPair, *, relationship: str = "assertionMethod") -> dict[str, Any]:
    method_id = f"{ISSUER}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": ISSUER,
        "type": "Profile",
        "verificationMethod": [key.to_key_pair_json(method_id, ISSUER, include_secret=False)],
        relationship: ["#key-1"],
    }


def test_it_finds_a_method_in_a_fetched_controller_document() -> None:
    key = Ed25519KeyPair.generate()
    fetcher = StaticFetcher({ISSUER: _profile(key)})
    method = resolve_verification_method(f"{ISSUER}#key-1", fetcher=fetcher)
    assert method.listed
    assert method.controller == ISSUER
    assert method.relationships == {"assertionMethod"}
    assert public_keys_equal(method.public_key, key.public_key)
    assert fetcher.requested == [ISSUER]
    binding = check_issuer_binding(ISSUER, method, fetcher=fetcher)
    assert binding.status == "confirmed"
    assert fetcher.requested == [ISSUER]  # the issuer's document was the method's source


def test_it_fails_a_fragment_key_that_the_fetched_document_does_not_list() -> None:
    listed, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    fetcher = StaticFetcher({ISSUER: _profile(listed)})
    with pytest.raises(DidResolutionError) as raised:
        resolve_verification_method(f"{ISSUER}#{other.public_key_multibase}", fetcher=fetcher)
    assert raised.value.code == "INVALID_VERIFICATION_METHOD"


def test_it_rejects_a_controller_document_served_under_another_id() -> None:
    key = Ed25519KeyPair.generate()
    fetcher = StaticFetcher({"https://mirror.example/p": _profile(key)})
    with pytest.raises(DidResolutionError) as raised:
        resolve_verification_method("https://mirror.example/p#key-1", fetcher=fetcher)
    assert raised.value.code == "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID"


def test_it_reads_a_method_published_as_its_own_document() -> None:
    key = Ed25519KeyPair.generate()
    method_url = "https://keys.example/k1"
    method_document = {
        "id": method_url,
        "type": "Ed25519VerificationKey2020",
        "controller": ISSUER,
        "publicKeyMultibase": key.public_key_multibase,
    }
    issuer_profile = {"id": ISSUER, "type": "Profile", "assertionMethod": [method_url]}
    fetcher = StaticFetcher({method_url: method_document, ISSUER: issuer_profile})
    method = resolve_verification_method(method_url, fetcher=fetcher)
    assert method.controller == ISSUER and method.type == "Ed25519VerificationKey2020"
    assert check_issuer_binding(ISSUER, method, fetcher=fetcher).status == "confirmed"
    unlisting = StaticFetcher(
        {method_url: method_document, ISSUER: {"id": ISSUER, "assertionMethod": []}}
    )
    assert check_issuer_binding(ISSUER, method, fetcher=unlisting).status == "failed"
    other_issuer = "https://other.example/"
    assert check_issuer_binding(other_issuer, method, fetcher=fetcher).status == "failed"


def test_it_resolves_did_web_methods_through_the_fetcher() -> None:
    key = Ed25519KeyPair.generate()
    did = "did:web:issuer.example:issuers:7"
    fetcher = StaticFetcher(
        {"https://issuer.example/issuers/7/did.json": did_web_document(did, [key])}
    )
    vm_id = f"{did}#{key.public_key_multibase}"
    method = resolve_verification_method(vm_id, fetcher=fetcher)
    assert method.controller == did and method.allows("assertionMethod")
    assert check_issuer_binding(did, method, fetcher=fetcher).status == "confirmed"
    with pytest.raises(DidResolutionError, match="no fragment"):
        resolve_verification_method(did, fetcher=fetcher)


def test_it_fails_a_did_web_key_listed_only_for_authentication() -> None:
    key = Ed25519KeyPair.generate()
    did = "did:web:issuer.example"
    document = did_web_document(did, [key])
    document["assertionMethod"] = []
    fetcher = StaticFetcher({"https://issuer.example/.well-known/did.json": document})
    method = resolve_verification_method(f"{did}#{key.public_key_multibase}", fetcher=fetcher)
    assert not method.allows("assertionMethod")
    binding = check_issuer_binding(did, method, fetcher=fetcher)
    assert binding.status == "failed"
    assert "assertionMethod" in binding.message


def test_it_takes_the_fragment_key_of_an_unreachable_did_web() -> None:
    [proof] = list(_proofs(_fixture("credential-status-revoked.json")))
    credential = _fixture("credential-status-revoked.json")
    method = resolve_verification_method(proof["verificationMethod"], fetcher=OfflineFetcher())
    assert not method.listed
    binding = check_issuer_binding(_issuer_id(credential), method, fetcher=OfflineFetcher())
    assert binding.status == "not_confirmed"


# Issuer binding of the fixtures


def test_a_fragment_only_key_with_an_unreachable_issuer_is_not_confirmed() -> None:
    credential = _fixture("simple.json")
    [proof] = list(_proofs(credential))
    method = resolve_verification_method(proof["verificationMethod"], fetcher=OfflineFetcher())
    binding = check_issuer_binding(_issuer_id(credential), method, fetcher=OfflineFetcher())
    assert binding.status == "not_confirmed"
    assert "only given in the verification method's URL" in binding.message


def test_a_did_key_with_a_urn_uuid_issuer_is_not_confirmed() -> None:
    credential = _fixture("simple-did-key-method.json")
    [proof] = list(_proofs(credential))
    method = resolve_verification_method(proof["verificationMethod"], fetcher=OfflineFetcher())
    binding = check_issuer_binding(_issuer_id(credential), method, fetcher=OfflineFetcher())
    assert binding.status == "not_confirmed"
    assert "urn:uuid" in binding.message


def test_a_did_key_issuer_is_confirmed_only_for_its_own_key() -> None:
    key, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    did = did_key_from_public_key(key)
    fetcher = OfflineFetcher()
    method = resolve_verification_method(verification_method_id(did), fetcher=fetcher)
    assert check_issuer_binding(did, method, fetcher=fetcher).status == "confirmed"
    other_did = did_key_from_public_key(other)
    assert check_issuer_binding(other_did, method, fetcher=fetcher).status == "failed"
    assert check_issuer_binding(ISSUER, method, fetcher=fetcher).status == "failed"


def test_a_fragment_key_is_confirmed_when_the_issuer_profile_lists_it() -> None:
    key = Ed25519KeyPair.generate()
    vm_id = f"https://keys.example/all#{key.public_key_multibase}"
    profile = {"id": ISSUER, "type": "Profile", "assertionMethod": [vm_id]}
    fetcher = StaticFetcher({ISSUER: profile})
    method = resolve_verification_method(vm_id, fetcher=fetcher)
    assert not method.listed
    assert check_issuer_binding(ISSUER, method, fetcher=fetcher).status == "confirmed"
    foreign = StaticFetcher(
        {ISSUER: {"id": "https://elsewhere.example/", "assertionMethod": [vm_id]}}
    )
    assert check_issuer_binding(ISSUER, method, fetcher=foreign).status == "failed"


def test_it_fails_a_credential_without_an_issuer_id() -> None:
    method = resolve_verification_method(
        verification_method_id(did_key_from_public_key(VECTOR_KEY)), fetcher=OfflineFetcher()
    )
    assert isinstance(method, ResolvedVerificationMethod)
    assert check_issuer_binding(None, method, fetcher=OfflineFetcher()).status == "failed"
