"""did:key (W3C CCG did:key v0.9), resolved locally."""

from __future__ import annotations

import json

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from credstack.standards.errors import DidResolutionError
from credstack.standards.keys.did_key import (
    did_key_from_public_key,
    public_key_of_did_key,
    resolve_did_key,
    verification_method_id,
)
from credstack.standards.keys.multikey import (
    Ed25519KeyPair,
    public_key_from_verification_method,
    public_keys_equal,
)
from tests.shared_data import fixture_path, read_json

OB_VECTOR = read_json("vectors", "1edtech-ob3-di", "ob-vector.json")


def test_it_makes_the_did_key_of_the_1edtech_vector_key() -> None:
    pair = Ed25519KeyPair.from_bytes(bytes.fromhex(OB_VECTOR["publicKeyHex"]))
    did = did_key_from_public_key(pair)
    assert did == "did:key:" + OB_VECTOR["publicKeyMultibase"]
    assert verification_method_id(did) == f"{did}#{OB_VECTOR['publicKeyMultibase']}"


def test_it_matches_the_did_key_of_the_1edtech_fixture() -> None:
    credential = json.loads(fixture_path("ob30", "simple-did-key-method.json").read_text())
    [proof] = credential["proof"]
    did = proof["verificationMethod"]
    pair = Ed25519KeyPair.from_multibase(OB_VECTOR["publicKeyMultibase"])
    assert did == did_key_from_public_key(pair)


def test_it_resolves_a_did_key_to_a_document_with_an_assertion_method() -> None:
    pair = Ed25519KeyPair.generate()
    did = did_key_from_public_key(pair)
    document = resolve_did_key(did)
    method_id = verification_method_id(did)
    assert document["id"] == did
    assert document["@context"][0] == "https://www.w3.org/ns/did/v1"
    [method] = document["verificationMethod"]
    assert method == {
        "id": method_id,
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": pair.public_key_multibase,
    }
    assert document["assertionMethod"] == [method_id]
    assert document["authentication"] == [method_id]
    assert public_keys_equal(public_key_from_verification_method(method), pair.public_key)


def test_it_resolves_a_p256_did_key() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    did = did_key_from_public_key(key)
    assert did.startswith("did:key:zDn")
    assert public_keys_equal(public_key_of_did_key(did), key)


@pytest.mark.parametrize(
    ("did", "code"),
    [
        ("did:example:z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", "methodNotSupported"),
        ("z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", "invalidDid"),
        ("did:key:", "invalidDid"),
        ("did:key:6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", "invalidDid"),
        ("did:key:z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x#frag", "invalidDid"),
        ("did:key:z0OIl", "invalidDid"),
        (
            "did:key:z" + base58.b58encode(b"\xed\x01" + bytes(31)).decode(),
            "invalidPublicKeyLength",
        ),
        (
            "did:key:z" + base58.b58encode(b"\xec\x01" + bytes(32)).decode(),
            "unsupportedPublicKeyType",
        ),
        ("did:key:z" + base58.b58encode(b"\x80\x24" + bytes(33)).decode(), "invalidPublicKey"),
    ],
)
def test_it_rejects_malformed_or_unsupported_did_keys(did: str, code: str) -> None:
    with pytest.raises(DidResolutionError) as raised:
        resolve_did_key(did)
    assert raised.value.code == code


def test_it_gives_each_caller_a_document_of_its_own() -> None:
    did = "did:key:" + OB_VECTOR["publicKeyMultibase"]
    first = resolve_did_key(did)
    first["verificationMethod"][0]["publicKeyMultibase"] = "z6MkTampered"
    first["assertionMethod"].clear()
    second = resolve_did_key(did)
    assert second["verificationMethod"][0]["publicKeyMultibase"] == OB_VECTOR["publicKeyMultibase"]
    assert second["assertionMethod"] == [verification_method_id(did)]
    assert public_keys_equal(public_key_of_did_key(did), public_key_of_did_key(did))


def test_it_refuses_an_invalid_did_key_every_time_it_is_asked() -> None:
    did = "did:key:z" + base58.b58encode(b"\xed\x01" + bytes(31)).decode()
    for _ in range(2):
        with pytest.raises(DidResolutionError) as raised:
            resolve_did_key(did)
        assert raised.value.code == "invalidPublicKeyLength"
    with pytest.raises(TypeError):
        public_key_of_did_key(None)  # type: ignore[arg-type]
