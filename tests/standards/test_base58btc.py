"""The trust core's own base58btc codec (keys/multikey.py), against the ``base58`` package it
replaced and against the W3C vc-di-eddsa and 1EdTech OB 3.0 vectors."""

from __future__ import annotations

import base58
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.dataintegrity.eddsa import decode_proof_value
from credstack.standards.errors import KeyFormatError, MalformedProofError
from credstack.standards.keys.multikey import (
    decode_base58btc,
    decode_multibase,
    encode_base58btc,
    encode_multibase,
)
from tests.shared_data import read_json, read_text

W3C_KEY_PAIR = read_json("vectors", "w3c-vc-di-eddsa", "keyPair.json")
OB_VECTOR = read_json("vectors", "1edtech-ob3-di", "ob-vector.json")

# Bytes with runs of leading zero bytes, which base58 writes as leading "1"s.
byte_strings = st.builds(
    lambda zeros, rest: bytes(zeros) + rest,
    st.integers(min_value=0, max_value=5),
    st.binary(max_size=80),
)
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@settings(max_examples=300, deadline=None)
@given(byte_strings)
def test_it_encodes_as_the_base58_package_does(data: bytes) -> None:
    assert encode_base58btc(data) == base58.b58encode(data).decode("ascii")


@settings(max_examples=300, deadline=None)
@given(byte_strings)
def test_it_decodes_what_it_encodes(data: bytes) -> None:
    text = encode_base58btc(data)
    assert decode_base58btc(text) == data
    assert decode_base58btc(text.encode("ascii")) == data
    assert decode_multibase(encode_multibase(data)) == data


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET + "0OIl +/\n\t", max_size=40))
def test_it_decodes_any_text_as_the_base58_package_does(text: str) -> None:
    try:
        expected: bytes | None = base58.b58decode(text)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(ValueError):
            decode_base58btc(text)
    else:
        assert decode_base58btc(text) == expected
        assert decode_base58btc(text.encode("ascii")) == expected


@pytest.mark.parametrize(
    ("data", "text"),
    [(b"", ""), (b"\0", "1"), (b"\0\0\x01", "112"), (b"\x39", "z"), (b"\x3a", "21")],
)
def test_it_writes_zero_bytes_and_small_numbers_as_base58_does(data: bytes, text: str) -> None:
    assert encode_base58btc(data) == text
    assert decode_base58btc(text) == data


def test_it_reads_the_w3c_and_1edtech_multibase_keys() -> None:
    public = decode_multibase(W3C_KEY_PAIR["publicKeyMultibase"])
    secret = decode_multibase(W3C_KEY_PAIR["privateKeyMultibase"])
    assert public[:2] == b"\xed\x01" and len(public) == 34
    assert secret[:2] == b"\x80\x26" and len(secret) == 34
    assert encode_multibase(public) == W3C_KEY_PAIR["publicKeyMultibase"]
    ob_public = decode_multibase(OB_VECTOR["publicKeyMultibase"])
    assert ob_public == b"\xed\x01" + bytes.fromhex(OB_VECTOR["publicKeyHex"])


def test_it_reads_the_w3c_proof_value_as_its_signature() -> None:
    signed = read_json("vectors", "w3c-vc-di-eddsa", "eddsa-rdfc-2022", "signedDataInt.json")
    signature_hex = read_text("vectors", "w3c-vc-di-eddsa", "eddsa-rdfc-2022", "sigHexDataInt.txt")
    signature_base58 = read_text(
        "vectors", "w3c-vc-di-eddsa", "eddsa-rdfc-2022", "sigBTC58DataInt.txt"
    ).strip()
    signature = bytes.fromhex(signature_hex.strip())
    assert decode_proof_value(signed["proof"]["proofValue"]) == signature
    assert "z" + encode_base58btc(signature) == signed["proof"]["proofValue"]
    assert signature_base58.lstrip("z") == encode_base58btc(signature)


@pytest.mark.parametrize("value", ["z0OIl", "z6Mk é", "z abc", "z" + "l" * 3])
def test_it_rejects_characters_outside_the_alphabet(value: str) -> None:
    with pytest.raises(KeyFormatError, match="not valid base58btc"):
        decode_multibase(value)
    with pytest.raises(MalformedProofError, match="not valid base58btc"):
        decode_proof_value(value)
