"""JCS (RFC 8785) against the RFC's own examples and the vc-di-eddsa eddsa-jcs-2022
test vectors (w3c/vc-di-eddsa TestVectors at commit abb673e)."""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.errors import CanonicalizationError
from credstack.standards.jcs import canonicalize_json
from tests.shared_data import read_bytes, read_json

EDDSA = ("vectors", "w3c-vc-di-eddsa")


def test_it_matches_the_eddsa_jcs_2022_canonical_document() -> None:
    unsigned = read_json(*EDDSA, "unsigned.json")
    assert canonicalize_json(unsigned) == read_bytes(*EDDSA, "eddsa-jcs-2022", "canonDocJCS.txt")


def test_it_matches_the_eddsa_jcs_2022_canonical_proof_configuration() -> None:
    proof_config = read_json(*EDDSA, "eddsa-jcs-2022", "proofConfigJCS.json")
    expected = read_bytes(*EDDSA, "eddsa-jcs-2022", "proofCanonJCS.txt")
    assert canonicalize_json(proof_config) == expected


def test_it_sorts_keys_by_utf16_code_units_as_in_rfc_8785_section_3_2_3() -> None:
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    keys = list(json.loads(canonicalize_json(value)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def test_it_writes_no_whitespace_and_escapes_only_what_json_requires() -> None:
    value = {"b": [1, "é\u001f\n"], "a": {"c": None, "d": True}}
    assert canonicalize_json(value) == '{"a":{"c":null,"d":true},"b":[1,"é\\u001f\\n"]}'.encode()


# IEEE-754 bit patterns and their JCS form, from RFC 8785 Appendix B.
@pytest.mark.parametrize(
    ("bits", "expected"),
    [
        ("0000000000000000", "0"),
        ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"),
        ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"),
        ("44b52d02c7e14af6", "1e+23"),
        ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ],
)
def test_it_serializes_numbers_as_rfc_8785_appendix_b(bits: str, expected: str) -> None:
    (number,) = struct.unpack(">d", bytes.fromhex(bits))
    assert canonicalize_json(number) == expected.encode()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (float("nan"), "NaN"),
        (float("inf"), "infinite"),
        ([float("-inf")], "infinite"),
        (2**53, "2\\*\\*53 - 1"),
        ({"n": -(2**53)}, "2\\*\\*53 - 1"),
        (10**400, "2\\*\\*53 - 1"),
        ([-(10**5000)], "2\\*\\*53 - 1"),
        ({1: "one"}, "keys must be strings"),
        ({"set": {1, 2}}, "unsupported type"),
        (b"bytes", "unsupported type"),
        ("\ud800", "UTF-8"),
        ({"\udfff": 1}, "UTF-8"),
    ],
)
def test_it_refuses_what_json_cannot_represent(value: Any, reason: str) -> None:
    with pytest.raises(CanonicalizationError, match=reason):
        canonicalize_json(value)


def test_it_accepts_the_largest_exact_integers() -> None:
    assert canonicalize_json([2**53 - 1, -(2**53 - 1)]) == b"[9007199254740991,-9007199254740991]"


def test_it_refuses_a_cyclic_or_absurdly_deep_value() -> None:
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    with pytest.raises(CanonicalizationError, match="nested too deeply"):
        canonicalize_json(cyclic)
    deep: Any = "leaf"
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(CanonicalizationError, match="nested too deeply"):
        canonicalize_json(deep)


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=["Cs"])),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(st.characters(exclude_categories=["Cs"])), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(_json)
def test_its_output_is_json_that_canonicalizes_to_itself(value: Any) -> None:
    canonical = canonicalize_json(value)
    # Read numbers as IEEE-754 doubles, as JSON (and JavaScript) does: a large float is
    # written without exponent (23590778790055790) and would otherwise come back an int.
    parsed = json.loads(canonical, parse_int=float)
    assert parsed == value
    assert canonicalize_json(parsed) == canonical
