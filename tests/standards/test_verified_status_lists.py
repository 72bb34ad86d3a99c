"""The verifier remembers status lists whose proof verified, and only those: a list
shared by many credentials is verified once, never a changed list or another key's."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from credstack.standards import sign, verifier, verify
from credstack.standards.fetch import StaticFetcher
from credstack.standards.keys.did_key import did_key_from_public_key, verification_method_id
from credstack.standards.keys.multikey import Ed25519KeyPair
from credstack.standards.status.bitstring import Bitstring
from credstack.standards.status.status_list import status_list_credential, status_list_entry

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
LIST_URL = "https://issuer.example/status/1"


@pytest.fixture(autouse=True)
def empty_memory() -> Iterator[None]:
    verifier._VERIFIED_STATUS_LISTS.forget_all()
    yield
    verifier._VERIFIED_STATUS_LISTS.forget_all()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the documents whose proofs the verifier really checks."""
    checked: list[str] = []
    real = verifier.verify_proofs

    def counting(document: Any, resolve: Any) -> Any:
        checked.append(document.get("id"))
        return real(document, resolve)

    monkeypatch.setattr(verifier, "verify_proofs", counting)
    return checked


def _issuer(key: Ed25519KeyPair) -> tuple[str, str]:
    did = did_key_from_public_key(key.public_key)
    return did, verification_method_id(did)


def _status_list(key: Ed25519KeyPair, revoked: set[int] = frozenset()) -> dict[str, Any]:
    did, method = _issuer(key)
    bits = Bitstring(131_072)
    for index in revoked:
        bits.set(index, 1)
    unsigned = status_list_credential(
        id=LIST_URL, issuer=did, purpose="revocation", bitstring=bits, valid_from=NOW
    )
    return sign(unsigned, key, verification_method=method, created=NOW)  # type: ignore[return-value]


def _credential(key: Ed25519KeyPair, number: int) -> dict[str, Any]:
    did, method = _issuer(key)
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
        "credentialStatus": status_list_entry(
            list_credential_url=LIST_URL, index=number, purpose="revocation"
        ),
    }
    return sign(unsigned, key, verification_method=method, created=NOW)  # type: ignore[return-value]


def _verdict(credential: dict[str, Any], status_list: dict[str, Any]) -> str:
    return verify(credential, fetcher=StaticFetcher({LIST_URL: status_list}), now=NOW).verdict


def test_a_list_shared_by_many_credentials_is_verified_once(counted: list[str]) -> None:
    key = Ed25519KeyPair.generate()
    fetcher = StaticFetcher({LIST_URL: _status_list(key, revoked={3})})
    verdicts = [verify(_credential(key, n), fetcher=fetcher, now=NOW).verdict for n in range(5)]
    assert verdicts == ["valid", "valid", "valid", "revoked", "valid"]
    assert counted.count(LIST_URL) == 1


def test_a_changed_list_is_verified_again(counted: list[str]) -> None:
    key = Ed25519KeyPair.generate()
    credential = _credential(key, 7)
    assert (
        verify(credential, fetcher=StaticFetcher({LIST_URL: _status_list(key)}), now=NOW).verdict
        == "valid"
    )
    revoked = StaticFetcher({LIST_URL: _status_list(key, revoked={7})})
    assert verify(credential, fetcher=revoked, now=NOW).verdict == "revoked"
    assert counted.count(LIST_URL) == 2


def test_a_tampered_copy_of_a_remembered_list_is_not_trusted() -> None:
    key = Ed25519KeyPair.generate()
    status_list = _status_list(key)
    credential = _credential(key, 7)
    assert (
        verify(credential, fetcher=StaticFetcher({LIST_URL: status_list}), now=NOW).verdict
        == "valid"
    )
    tampered = copy.deepcopy(status_list)
    tampered["credentialSubject"]["encodedList"] = _status_list(key, revoked={1})[
        "credentialSubject"
    ]["encodedList"]
    report = verify(credential, fetcher=StaticFetcher({LIST_URL: tampered}), now=NOW)
    assert report.verdict == "could_not_check"


def test_the_same_list_signed_by_another_key_is_not_taken_for_verified() -> None:
    key, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    credential = _credential(key, 7)
    assert (
        verify(credential, fetcher=StaticFetcher({LIST_URL: _status_list(key)}), now=NOW).verdict
        == "valid"
    )
    foreign = StaticFetcher({LIST_URL: _status_list(other)})
    assert verify(credential, fetcher=foreign, now=NOW).verdict == "could_not_check"


def test_memory_is_bounded_and_forgets_after_its_lifetime(monkeypatch: pytest.MonkeyPatch) -> None:
    memory = verifier._VerifiedStatusLists(size=2, ttl=60.0)
    keys = [(bytes([n]), "did:key:z#z", b"k") for n in range(3)]
    for key in keys:
        memory.remember(key)
    assert [memory.holds(key) for key in keys] == [False, True, True]
    later = verifier.time.monotonic() + 61
    monkeypatch.setattr(verifier.time, "monotonic", lambda: later)
    assert not memory.holds(keys[2])
