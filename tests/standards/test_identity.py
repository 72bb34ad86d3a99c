"""IdentityHash and IdentityObject (Open Badges 3.0 B.1.14 and derived type IdentityHash)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.errors import DataModelError
from credstack.standards.vc.data_model import validate_credential
from credstack.standards.vc.identity import (
    hash_identity,
    identity_matches,
    identity_object_for_email,
)
from tests.shared_data import read_json


def test_it_reproduces_the_ob_3_0_specification_example() -> None:
    # OB 3.0, IdentityHash: "a@example.com" salted with "Kosher".
    assert hash_identity("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_it_reproduces_the_ob_2_0_specification_example() -> None:
    # OB 2.0, IdentityHash: the unsalted string "mayze".
    assert hash_identity("mayze") == (
        "sha256$7a1a1b3f7d40552e4299180e346e3add12bf9a751a43d9c4ca4518febc2c60c6"
    )


@pytest.mark.parametrize(
    ("value", "salt"),
    [
        ("alice@example.org", "deadbeef"),
        ("Zoë@exämple.org", "sél"),
        ("12345", None),
        ("", ""),
    ],
)
@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_it_hashes_the_utf8_of_value_then_salt(
    value: str, salt: str | None, algorithm: str
) -> None:
    data = value.encode("utf-8") + (salt or "").encode("utf-8")
    expected = hashlib.new(algorithm, data).hexdigest()

    assert hash_identity(value, salt, algorithm=algorithm) == f"{algorithm}${expected}"


def test_it_refuses_an_algorithm_the_specification_does_not_name() -> None:
    with pytest.raises(ValueError, match="algorithm"):
        hash_identity("a@example.com", "salt", algorithm="sha512")


def test_it_refuses_a_value_that_is_not_a_string() -> None:
    with pytest.raises(TypeError):
        hash_identity(b"a@example.com")  # type: ignore[arg-type]


def test_it_builds_a_hashed_email_identity_object_that_validates() -> None:
    identity_object = identity_object_for_email(" Alice@Example.ORG ", "s4lt")

    assert identity_object == {
        "type": "IdentityObject",
        "identityHash": "sha256$" + hashlib.sha256(b"alice@example.org" + b"s4lt").hexdigest(),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "s4lt",
    }
    credential = read_json("fixtures", "1edtech-validator", "ob30", "simple.json")
    credential["credentialSubject"]["identifier"] = [identity_object]
    assert validate_credential(credential) == []


@pytest.mark.parametrize(("email", "salt"), [("", "salt"), ("not-an-email", "salt"), ("a@b.c", "")])
def test_it_refuses_to_build_from_an_empty_email_or_salt(email: str, salt: str) -> None:
    with pytest.raises(ValueError):
        identity_object_for_email(email, salt)


@pytest.mark.parametrize("known", ["alice@example.org", "Alice@Example.org", " ALICE@EXAMPLE.ORG"])
def test_it_matches_an_email_in_any_case(known: str) -> None:
    identity_object = identity_object_for_email("alice@example.org", "pepper")

    assert identity_matches(identity_object, known)
    assert identity_matches(identity_object, known, identity_type="emailAddress")


def test_it_does_not_match_another_email() -> None:
    identity_object = identity_object_for_email("alice@example.org", "pepper")

    assert not identity_matches(identity_object, "bob@example.org")
    assert not identity_matches({**identity_object, "salt": "salt"}, "alice@example.org")


def test_it_skips_an_identity_object_of_another_type() -> None:
    identity_object = identity_object_for_email("alice@example.org", "pepper")

    assert not identity_matches(identity_object, "alice@example.org", identity_type="sourcedId")


def test_it_matches_the_plain_identifiers_of_the_complete_fixture() -> None:
    credential = read_json("fixtures", "1edtech-validator", "ob30", "complete.json")
    first, second = credential["credentialSubject"]["identifier"]

    assert identity_matches(first, "student@1edtech.edu", identity_type="emailAddress")
    assert identity_matches(second, "SomeBody@gmail.com")
    assert not identity_matches(first, "somebody@gmail.com")


def test_it_compares_plain_identifiers_other_than_email_exactly() -> None:
    identity_object = {
        "type": "IdentityObject",
        "identityHash": "AbC-123",
        "identityType": "sourcedId",
        "hashed": False,
    }

    assert identity_matches(identity_object, "AbC-123")
    assert not identity_matches(identity_object, "abc-123")


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
@pytest.mark.parametrize("upper", [False, True])
def test_it_matches_sha256_and_md5_hashes_in_either_hex_case(algorithm: str, upper: bool) -> None:
    digest = hashlib.new(algorithm, b"12345" + b"NaCl").hexdigest()
    identity_object = {
        "type": "IdentityObject",
        "identityHash": f"{algorithm}${digest.upper() if upper else digest}",
        "identityType": "sourcedId",
        "hashed": True,
        "salt": "NaCl",
    }

    assert identity_matches(identity_object, "12345")
    assert not identity_matches(identity_object, "12346")


def test_it_matches_an_unsalted_hash() -> None:
    identity_object = {
        "type": "IdentityObject",
        "identityHash": "sha256$7a1a1b3f7d40552e4299180e346e3add12bf9a751a43d9c4ca4518febc2c60c6",
        "identityType": "name",
        "hashed": True,
    }

    assert identity_matches(identity_object, "mayze")


@pytest.mark.parametrize(
    "broken",
    [
        {"identityType": "emailAddress", "hashed": True},
        {"identityHash": "sha256$00", "identityType": "emailAddress"},
        {"identityHash": "sha256$abc", "hashed": True},
        {"identityHash": "sha512$" + "0" * 128, "hashed": True},
        {"identityHash": "sha256$" + "g" * 64, "hashed": True},
        {"identityHash": "sha256$" + "0" * 64, "hashed": True, "salt": 5},
        {"identityHash": "x", "hashed": "true"},
    ],
)
def test_it_raises_a_data_model_error_for_a_malformed_identity_object(
    broken: dict[str, Any],
) -> None:
    with pytest.raises(DataModelError):
        identity_matches(broken, "alice@example.org")


@settings(max_examples=50, deadline=None)
@given(value=st.text(max_size=40), salt=st.text(max_size=20))
def test_a_hashed_identity_always_matches_its_own_value(value: str, salt: str) -> None:
    identity_object = {
        "type": "IdentityObject",
        "identityHash": hash_identity(value, salt),
        "identityType": "identifier",
        "hashed": True,
        "salt": salt,
    }

    assert identity_matches(identity_object, value)
