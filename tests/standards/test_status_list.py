"""Status list credentials, entries, and checking an entry against its list."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from credstack.standards.errors import FetchError, ProofVerificationError, StatusListLengthError
from credstack.standards.status import (
    MIN_LENGTH,
    Bitstring,
    StatusCheck,
    check_status,
    status_list_credential,
    status_list_entry,
)
from tests.shared_data import read_json

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LIST_URL = "https://issuer.example/status/1"
BIT_STRING_LIST = ("fixtures", "1edtech-validator", "ob30", "bit-string-list")


def _serve(*lists: tuple[str, Mapping[str, Any]]) -> Callable[[str], Mapping[str, Any]]:
    served = dict(lists)

    def fetch_status_list(url: str) -> Mapping[str, Any]:
        if url not in served:
            raise FetchError(f"404 for {url}")
        return copy.deepcopy(served[url])

    return fetch_status_list


def _proof_holds(credential: Mapping[str, Any]) -> bool:
    return True


def _check(entry: Mapping[str, Any], *lists: tuple[str, Mapping[str, Any]]) -> StatusCheck:
    return check_status(
        entry, fetch_status_list=_serve(*lists), verify_status_list=_proof_holds, now=NOW
    )


def _list(
    set_indexes: tuple[int, ...] = (), *, purpose: str = "revocation", length: int = MIN_LENGTH
) -> dict[str, Any]:
    bitstring = Bitstring(length)
    for index in set_indexes:
        bitstring.set(index, 1)
    return status_list_credential(
        id=LIST_URL,
        issuer="did:example:issuer",
        purpose=purpose,
        bitstring=bitstring,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        allow_below_minimum=True,
    )


def _entry(index: int, purpose: str = "revocation") -> dict[str, Any]:
    return status_list_entry(list_credential_url=LIST_URL, index=index, purpose=purpose)


# --- building lists and entries ---


def test_it_builds_an_unsigned_bitstring_status_list_credential() -> None:
    bitstring = Bitstring()
    bitstring.set(42, 1)
    credential = status_list_credential(
        id=LIST_URL,
        issuer={"id": "did:example:issuer", "type": ["Profile"]},
        purpose="suspension",
        bitstring=bitstring,
        valid_from=datetime(2025, 1, 1, 12, tzinfo=UTC),
        valid_until=datetime(2025, 2, 1, tzinfo=UTC),
        ttl_ms=300_000,
    )
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["validFrom"] == "2025-01-01T12:00:00Z"
    assert credential["validUntil"] == "2025-02-01T00:00:00Z"
    assert "proof" not in credential
    subject = credential["credentialSubject"]
    assert subject["id"] == LIST_URL + "#list"
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "suspension"
    assert subject["ttl"] == 300_000
    assert Bitstring.decode(subject["encodedList"]) == bitstring


def test_it_refuses_to_publish_a_short_list_or_naive_times() -> None:
    with pytest.raises(StatusListLengthError):
        status_list_credential(
            id=LIST_URL,
            issuer="did:example:issuer",
            purpose="revocation",
            bitstring=Bitstring(100_000),
            valid_from=NOW,
        )
    with pytest.raises(ValueError, match="timezone"):
        status_list_credential(
            id=LIST_URL,
            issuer="did:example:issuer",
            purpose="revocation",
            bitstring=Bitstring(),
            valid_from=datetime(2025, 1, 1),
        )


def test_it_builds_an_entry_with_the_index_as_a_string() -> None:
    assert _entry(94567) == {
        "id": LIST_URL + "#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


def test_it_requires_a_message_for_every_value_of_a_multi_bit_entry() -> None:
    with pytest.raises(ValueError, match="statusMessage"):
        status_list_entry(list_credential_url=LIST_URL, index=1, purpose="message", status_size=2)
    entry = status_list_entry(
        list_credential_url=LIST_URL,
        index=1,
        purpose="message",
        status_size=2,
        status_messages={0: "pending", 1: "accepted", 2: "rejected", 3: "undefined"},
    )
    assert entry["statusSize"] == 2
    assert entry["statusMessage"][2] == {"status": "0x2", "message": "rejected"}


# --- checking: the 1EdTech fixtures ---


def test_it_finds_1edtechs_revoked_credential_revoked() -> None:
    credential = read_json(*BIT_STRING_LIST, "credential-status-revoked.json")
    entry = credential["credentialStatus"]
    assert entry["statusListIndex"] == 23  # an integer, where the spec writes a string
    result = _check(entry, (entry["statusListCredential"], read_json(*BIT_STRING_LIST, "testlist")))
    assert result.outcome == "set"
    assert result.value == 1
    assert result.purpose == "revocation"
    assert result.message.startswith("the credential is revoked (index 23 of https://")
    # The list calls itself https://example.com/credentials/status/3.
    assert any("differs from the URL" in warning for warning in result.warnings)


def test_it_finds_a_neighbouring_index_of_1edtechs_list_unset() -> None:
    credential = read_json(*BIT_STRING_LIST, "credential-status-revoked.json")
    entry = dict(credential["credentialStatus"], statusListIndex="24")
    result = _check(entry, (entry["statusListCredential"], read_json(*BIT_STRING_LIST, "testlist")))
    assert (result.outcome, result.value) == ("unset", 0)


def test_it_cannot_check_1edtechs_vc_1_1_revocation_list_and_names_its_type() -> None:
    credential = read_json(
        "fixtures", "1edtech-validator", "ob30", "credential-status-revoked.json"
    )
    result = _check(credential["credentialStatus"])
    assert result.outcome == "could_not_check"
    assert result.value is None
    assert "1EdTechRevocationList" in result.message
    assert result.error_code == "UNSUPPORTED_STATUS_TYPE"


# --- checking: outcomes ---


def test_it_reads_a_set_and_an_unset_entry() -> None:
    served = (LIST_URL, _list((7,)))
    assert _check(_entry(7), served).outcome == "set"
    unset = _check(_entry(8), served)
    assert (unset.outcome, unset.value, unset.warnings) == ("unset", 0, [])
    assert unset.message.startswith("the credential is not revoked")
    suspended = _list((7,), purpose="suspension")
    assert _check(_entry(7, "suspension"), (LIST_URL, suspended)).message.startswith(
        "the credential is suspended"
    )


def test_it_cannot_check_an_unknown_list() -> None:
    result = _check(_entry(7))
    assert result.outcome == "could_not_check"
    assert result.error_code == "STATUS_RETRIEVAL_ERROR"
    assert "404" in result.message


@pytest.mark.parametrize(
    "verify",
    [
        lambda credential: False,
        lambda credential: None,
        lambda credential: (_ for _ in ()).throw(ProofVerificationError("bad signature")),
        lambda credential: (_ for _ in ()).throw(KeyError("verificationMethod")),
    ],
    ids=["false", "none", "proof-error", "other-exception"],
)
def test_it_cannot_check_against_a_list_whose_proof_fails(
    verify: Callable[[Mapping[str, Any]], bool],
) -> None:
    result = check_status(
        _entry(7),
        fetch_status_list=_serve((LIST_URL, _list((7,)))),
        verify_status_list=verify,
        now=NOW,
    )
    assert (result.outcome, result.value) == ("could_not_check", None)
    assert result.error_code == "STATUS_VERIFICATION_ERROR"


def test_it_gives_the_list_to_the_proof_check_as_fetched() -> None:
    seen: list[Mapping[str, Any]] = []
    served = _list((7,))

    def verify(credential: Mapping[str, Any]) -> bool:
        seen.append(credential)
        return True

    check_status(
        _entry(7), fetch_status_list=_serve((LIST_URL, served)), verify_status_list=verify, now=NOW
    )
    assert seen == [served]


def test_it_cannot_check_when_the_purposes_differ() -> None:
    result = _check(_entry(7, purpose="suspension"), (LIST_URL, _list((7,))))
    assert result.outcome == "could_not_check"
    assert result.purpose == "suspension"
    assert "statusPurpose" in result.message


def test_it_accepts_a_list_with_several_purposes() -> None:
    status_list = _list((7,))
    status_list["credentialSubject"]["statusPurpose"] = ["revocation", "suspension"]
    assert _check(_entry(7, purpose="suspension"), (LIST_URL, status_list)).outcome == "set"


def test_it_cannot_check_an_index_outside_the_list() -> None:
    result = _check(_entry(MIN_LENGTH), (LIST_URL, _list()))
    assert result.outcome == "could_not_check"
    assert result.error_code == "RANGE_ERROR"


def test_it_warns_about_a_list_shorter_than_the_minimum() -> None:
    result = _check(_entry(99_999), (LIST_URL, _list((99_999,), length=100_000)))
    assert result.outcome == "set"
    assert any("100000 entries" in warning for warning in result.warnings)


@pytest.mark.parametrize(
    ("field", "value"),
    [("validFrom", "2026-06-01T00:00:00Z"), ("validUntil", "2025-12-31T23:59:59Z")],
)
def test_it_cannot_check_against_a_list_outside_its_validity_period(field: str, value: str) -> None:
    status_list = _list((7,))
    status_list[field] = value
    result = _check(_entry(7), (LIST_URL, status_list))
    assert result.outcome == "could_not_check"
    assert result.error_code == "STATUS_VERIFICATION_ERROR"


@pytest.mark.parametrize(
    "break_list",
    [
        lambda c: c.update(type=["VerifiableCredential"]),
        lambda c: c["credentialSubject"].update(type="StatusList2021"),
        lambda c: c["credentialSubject"].pop("encodedList"),
        lambda c: c["credentialSubject"].update(encodedList="not-multibase"),
        lambda c: c.update(validFrom="yesterday"),
        lambda c: c.update(validFrom="2025-01-01T00:00:00"),
        lambda c: c.pop("credentialSubject"),
    ],
    ids=[
        "type",
        "subject-type",
        "no-list",
        "bad-encoding",
        "bad-date",
        "no-timezone",
        "no-subject",
    ],
)
def test_it_cannot_check_against_a_malformed_list(
    break_list: Callable[[dict[str, Any]], Any],
) -> None:
    status_list = _list((7,))
    break_list(status_list)
    result = _check(_entry(7), (LIST_URL, status_list))
    assert result.outcome == "could_not_check"
    assert result.value is None


_GOOD_ENTRY = {
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "7",
    "statusListCredential": LIST_URL,
}
_MISSING = object()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("statusPurpose", _MISSING),
        ("statusListIndex", _MISSING),
        ("statusListIndex", "-7"),
        ("statusListIndex", "7.0"),
        ("statusListIndex", True),
        ("statusListCredential", _MISSING),
        ("statusListCredential", "not a url"),
        ("statusSize", 0),
        ("statusSize", 2),  # without statusMessage
        ("statusMessage", [{"status": "0x0", "message": "fine"}]),  # one of two
        ("type", _MISSING),
    ],
)
def test_it_cannot_check_a_malformed_entry(field: str, value: Any) -> None:
    entry = dict(_GOOD_ENTRY)
    if value is _MISSING:
        del entry[field]
    else:
        entry[field] = value
    assert _check(_GOOD_ENTRY, (LIST_URL, _list((7,)))).outcome == "set"
    result = _check(entry, (LIST_URL, _list((7,))))
    assert result.outcome == "could_not_check"
    assert result.error_code in {"MALFORMED_VALUE_ERROR", "UNSUPPORTED_STATUS_TYPE"}


def test_it_cannot_check_an_entry_that_is_not_an_object() -> None:
    result = _check("revoked", (LIST_URL, _list((7,))))  # type: ignore[arg-type]
    assert result.outcome == "could_not_check"


def test_it_reports_the_status_message_of_a_multi_bit_entry() -> None:
    bitstring = Bitstring(MIN_LENGTH, status_size=2)
    bitstring.set(5, 2)
    status_list = status_list_credential(
        id=LIST_URL,
        issuer="did:example:issuer",
        purpose="message",
        bitstring=bitstring,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        allow_below_minimum=True,  # 131,072 two-bit entries are 2 x 131,072 bits
    )
    messages = {0: "pending", 1: "accepted", 2: "rejected", 3: "undefined"}
    entry = status_list_entry(
        list_credential_url=LIST_URL,
        index=5,
        purpose="message",
        status_size=2,
        status_messages=messages,
    )
    result = _check(entry, (LIST_URL, status_list))
    assert (result.outcome, result.value, result.message) == ("set", 2, "rejected")
    assert _check(dict(entry, statusListIndex="4"), (LIST_URL, status_list)).message == "pending"


def test_it_checks_a_status_list_2021_entry() -> None:
    bitstring = Bitstring(MIN_LENGTH)
    bitstring.set(3, 1)
    status_list = {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2021-04-05T14:27:40Z",
        "credentialSubject": {
            "id": LIST_URL + "#list",
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": bitstring.encode()[1:],  # StatusList2021 has no multibase prefix
        },
    }  # fmt: skip
    entry = {
        "id": LIST_URL + "#3",
        "type": "StatusList2021Entry",
        "statusPurpose": "revocation",
        "statusListIndex": "3",
        "statusListCredential": LIST_URL,
    }
    assert _check(entry, (LIST_URL, status_list)).outcome == "set"
    assert _check(dict(entry, statusListIndex="4"), (LIST_URL, status_list)).outcome == "unset"
    # A Bitstring entry does not accept a StatusList2021 list, nor the reverse.
    assert _check(
        dict(entry, type="BitstringStatusListEntry"), (LIST_URL, status_list)
    ).outcome == ("could_not_check")


def test_it_refuses_a_gzip_bomb_in_a_fetched_list() -> None:
    status_list = _list()
    status_list["credentialSubject"]["encodedList"] = Bitstring(
        MIN_LENGTH * 1024
    ).encode()  # 16 MiB of zeros: over a 1 MiB cap
    result = check_status(
        _entry(7),
        fetch_status_list=_serve((LIST_URL, status_list)),
        verify_status_list=_proof_holds,
        now=NOW,
        max_decompressed_bytes=1024 * 1024,
    )
    assert result.outcome == "could_not_check"
    assert "decompression bomb" in result.message


def test_it_requires_an_aware_now() -> None:
    with pytest.raises(ValueError):
        check_status(
            _entry(7),
            fetch_status_list=_serve(),
            verify_status_list=_proof_holds,
            now=datetime(2026, 1, 1),
        )


def test_it_checks_validity_at_the_given_time() -> None:
    status_list = _list((7,))
    status_list["validUntil"] = (NOW + timedelta(seconds=1)).isoformat()
    fetch = _serve((LIST_URL, status_list))
    inside = check_status(
        _entry(7), fetch_status_list=fetch, verify_status_list=_proof_holds, now=NOW
    )
    after = check_status(
        _entry(7),
        fetch_status_list=fetch,
        verify_status_list=_proof_holds,
        now=NOW + timedelta(seconds=2),
    )
    assert (inside.outcome, after.outcome) == ("set", "could_not_check")
