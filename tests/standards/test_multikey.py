"""Multikey encoding (W3C Controlled Identifiers §2.2.2) and public key decoding.

Vectors: w3c/vc-di-eddsa TestVectors (keyPair.json, combined hashes and signatures) and the
1EdTech OB 3.0 Data Integrity vector (hex keys).
"""

from __future__ import annotations

import base64

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.errors import KeyFormatError
from credstack.standards.keys.multikey import (
    Ed25519KeyPair,
    decode_multicodec,
    encode_varint,
    public_key_from_jwk,
    public_key_from_multibase,
    public_key_from_verification_method,
    public_key_to_jwk,
    public_key_to_multibase,
    public_keys_equal,
)
from tests.shared_data import read_json, read_text

W3C_KEY_PAIR = read_json("vectors", "w3c-vc-di-eddsa", "keyPair.json")
OB_VECTOR = read_json("vectors", "1edtech-ob3-di", "ob-vector.json")
W3C_SIGNATURE_VECTORS = [
    ("eddsa-rdfc-2022", "DataInt"),
    ("eddsa-jcs-2022", "JCS"),
    ("Ed25519Signature2020", "EdSig"),
]


def test_it_reads_the_w3c_key_pair_with_privatekeymultibase() -> None:
    pair = Ed25519KeyPair.from_key_pair_json(W3C_KEY_PAIR)
    assert pair.public_key_multibase == W3C_KEY_PAIR["publicKeyMultibase"]
    assert pair.secret_key_multibase == W3C_KEY_PAIR["privateKeyMultibase"]


@pytest.mark.parametrize(("suite", "suffix"), W3C_SIGNATURE_VECTORS)
def test_it_signs_the_w3c_combined_hashes_to_the_vector_signatures(suite: str, suffix: str) -> None:
    pair = Ed25519KeyPair.from_key_pair_json(W3C_KEY_PAIR)
    combined = bytes.fromhex(
        read_text("vectors", "w3c-vc-di-eddsa", suite, f"combinedHash{suffix}.txt").strip()
    )
    expected = read_text("vectors", "w3c-vc-di-eddsa", suite, f"sigHex{suffix}.txt").strip()
    signature = pair.sign(combined)
    assert signature.hex() == expected
    assert pair.public_only().verify(signature, combined)
    assert not pair.verify(signature, combined + b"x")


def test_it_reads_the_1edtech_hex_keys_as_seed_plus_public_key() -> None:
    pair = Ed25519KeyPair.from_bytes(
        bytes.fromhex(OB_VECTOR["publicKeyHex"]), bytes.fromhex(OB_VECTOR["secretKeyHex"])
    )
    assert pair.public_key_multibase == OB_VECTOR["publicKeyMultibase"]
    seed_only = Ed25519KeyPair.from_bytes(secret=bytes.fromhex(OB_VECTOR["secretKeyHex"])[:32])
    assert seed_only.public_key_multibase == OB_VECTOR["publicKeyMultibase"]


def test_it_round_trips_a_generated_key_pair_through_its_json() -> None:
    pair = Ed25519KeyPair.generate()
    document = pair.to_key_pair_json(id="did:example:1#key-1", controller="did:example:1")
    assert document["type"] == "Multikey"
    assert document["publicKeyMultibase"].startswith("z6Mk")
    assert document["secretKeyMultibase"].startswith("z3u2")
    again = Ed25519KeyPair.from_key_pair_json(document)
    assert again.sign(b"data") == pair.sign(b"data")
    public_document = pair.to_key_pair_json(include_secret=False)
    assert "secretKeyMultibase" not in public_document
    assert not Ed25519KeyPair.from_key_pair_json(public_document).has_secret


def test_key_pairs_compare_by_their_keys() -> None:
    pair = Ed25519KeyPair.generate()
    same = Ed25519KeyPair.from_multibase(pair.public_key_multibase, pair.secret_key_multibase)
    assert pair == same and hash(pair) == hash(same)
    assert pair != pair.public_only()
    assert pair.public_only() == same.public_only()
    assert pair != Ed25519KeyPair.generate()


def test_it_never_shows_the_secret_in_its_repr() -> None:
    pair = Ed25519KeyPair.generate()
    assert pair.secret_key_multibase not in repr(pair)


def test_it_refuses_to_sign_without_a_secret() -> None:
    with pytest.raises(ValueError):
        Ed25519KeyPair.generate().public_only().sign(b"data")


def test_it_rejects_a_secret_key_of_another_public_key() -> None:
    one, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    with pytest.raises(KeyFormatError, match="does not belong"):
        Ed25519KeyPair.from_multibase(one.public_key_multibase, other.secret_key_multibase)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "non-empty"),
        ("u7QE", "base58btc"),
        ("z0OIl", "not valid base58btc"),
        # The 1EdTech fixture ob30/simple-err-proof-method.json's damaged key.
        ("z6MkjZRsdasZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "unsupported Multikey"),
        ("z" + base58.b58encode(b"\xed\x01" + bytes(31)).decode(), "32 bytes, this one is 31"),
        ("z" + base58.b58encode(b"\x80\x26" + bytes(32)).decode(), "secret key"),
        ("z" + base58.b58encode(b"\xe7\x01" + bytes(33)).decode(), "unsupported Multikey"),
        ("z" + base58.b58encode(b"\x80\x24" + bytes(33)).decode(), "not a valid curve point"),
        ("z" + base58.b58encode(b"\xff" * 10).decode(), "multicodec"),
    ],
)
def test_it_rejects_malformed_public_key_multibase(value: str, message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        public_key_from_multibase(value)


def test_it_rejects_a_secret_multibase_of_the_wrong_type() -> None:
    pair = Ed25519KeyPair.generate()
    with pytest.raises(KeyFormatError, match="not an Ed25519 secret key"):
        Ed25519KeyPair.from_multibase(pair.public_key_multibase, pair.public_key_multibase)


def test_it_encodes_p256_keys_as_zdn_multikeys() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    encoded = public_key_to_multibase(key)
    assert encoded.startswith("zDn")
    assert public_keys_equal(public_key_from_multibase(encoded), key)


@settings(max_examples=25, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_multikeys_round_trip_for_any_seed(seed: bytes) -> None:
    pair = Ed25519KeyPair.from_bytes(secret=seed)
    again = Ed25519KeyPair.from_multibase(pair.public_key_multibase, pair.secret_key_multibase)
    assert again == pair
    assert public_keys_equal(public_key_from_multibase(pair.public_key_multibase), pair.public_key)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=2**63 - 1), st.binary(max_size=8))
def test_varints_round_trip(code: int, payload: bytes) -> None:
    assert decode_multicodec(encode_varint(code) + payload) == (code, payload)


def test_it_reads_jwks_of_each_supported_key_type() -> None:
    keys = [
        ed25519.Ed25519PrivateKey.generate().public_key(),
        ec.generate_private_key(ec.SECP256R1()).public_key(),
        rsa.generate_private_key(65537, 2048).public_key(),
    ]
    for key in keys:
        assert public_keys_equal(public_key_from_jwk(public_key_to_jwk(key)), key)


@pytest.mark.parametrize("member", ["d", "p", "q", "dp", "dq", "qi"])
def test_it_rejects_a_jwk_with_private_members(member: str) -> None:
    jwk = {**public_key_to_jwk(Ed25519KeyPair.generate().public_key), member: "AAAA"}
    with pytest.raises(KeyFormatError, match="private key material"):
        public_key_from_jwk(jwk)


@pytest.mark.parametrize(
    ("jwk", "message"),
    [
        ({"kty": "OKP", "crv": "X25519", "x": "AAAA"}, "unsupported OKP curve"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, "32 bytes"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "AA=="}, "base64url"),
        ({"kty": "OKP", "crv": "Ed25519"}, "no 'x'"),
        ({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43}, "not a point"),
        ({"kty": "EC", "crv": "secp256k1", "x": "A", "y": "A"}, "unsupported EC curve"),
        ({"kty": "RSA", "n": "AQAB", "e": "AQAB"}, "shorter than 2048"),
        ({"kty": "oct"}, "unsupported JWK key type"),
        ([], "JSON object"),
    ],
)
def test_it_rejects_malformed_jwks(jwk: object, message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        public_key_from_jwk(jwk)


def test_it_reads_the_key_of_each_verification_method_type() -> None:
    pair = Ed25519KeyPair.generate()
    raw = pair.public_key_bytes
    methods = [
        {"type": "Multikey", "publicKeyMultibase": pair.public_key_multibase},
        {"type": "Ed25519VerificationKey2020", "publicKeyMultibase": pair.public_key_multibase},
        {"type": "Ed25519VerificationKey2018", "publicKeyBase58": base58.b58encode(raw).decode()},
        {"type": "JsonWebKey2020", "publicKeyJwk": public_key_to_jwk(pair.public_key)},
    ]
    for method in methods:
        assert public_keys_equal(public_key_from_verification_method(method), pair.public_key)


def test_it_rejects_a_verification_method_without_or_with_conflicting_keys() -> None:
    one, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    with pytest.raises(KeyFormatError, match="gives no public key"):
        public_key_from_verification_method({"id": "x", "type": "Multikey"})
    conflicting = {
        "type": "JsonWebKey2020",
        "publicKeyMultibase": one.public_key_multibase,
        "publicKeyJwk": public_key_to_jwk(other.public_key),
    }
    with pytest.raises(KeyFormatError, match="different keys"):
        public_key_from_verification_method(conflicting)


def test_jwk_x_is_the_raw_ed25519_key() -> None:
    pair = Ed25519KeyPair.generate()
    x = public_key_to_jwk(pair.public_key)["x"]
    assert base64.urlsafe_b64decode(x + "=") == pair.public_key_bytes
