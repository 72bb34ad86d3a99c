"""Signing keys: encrypted at rest, rotated without breaking earlier credentials."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import override_settings

from credstack.common.errors import ConflictError, PermissionDeniedError
from credstack.issuing.identifiers import did_document, issuer_id, verification_method
from credstack.issuing.key_encryption import KeyDecryptionError, KeyEncryptionKeyMissingError
from credstack.issuing.models import SigningKey
from credstack.issuing.services import create_signing_key, load_key_pair, rotate_signing_key
from credstack.standards import sign, verify
from credstack.standards.fetch import StaticFetcher
from credstack.standards.keys.did_web import did_web_to_url

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 6, 1, tzinfo=UTC)
NOW = datetime(2026, 7, 1, tzinfo=UTC)
OTHER_KEK = b"\x07" * 32


def credential(issuer: str) -> dict[str, object]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:2f6c3a9e-4b1d-4c8e-9a57-0d3e8f1b2c4a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Uni A"},
        "validFrom": "2026-01-02T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:bob",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://credstack.test/definitions/def_x/v1",
                "type": ["Achievement"],
                "name": "Data literacy",
                "description": "Reading data.",
                "criteria": {"narrative": "Pass the exam."},
            },
        },
    }


def signed_by(key: SigningKey) -> dict[str, object]:
    signed = sign(
        credential(issuer_id(key.organisation)),
        load_key_pair(key),
        verification_method=verification_method(key),
        created="2026-01-02T00:00:00Z",
    )
    assert isinstance(signed, dict)
    return signed


def test_it_stores_no_clear_secret_in_the_database(personas):
    key = create_signing_key(personas.uni_a, by=personas.oscar)
    key_pair = load_key_pair(key)
    assert key_pair.private_key is not None
    seed = key_pair.private_key.private_bytes_raw()
    secret_multibase = key_pair.secret_key_multibase
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM issuing_signingkey")
        rows = cursor.fetchall()
    stored = b"".join(
        bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        for row in rows
        for value in row
    )
    assert seed not in stored
    assert secret_multibase.encode() not in stored
    assert seed.hex().encode() not in stored
    assert secret_multibase not in repr(key) and secret_multibase not in str(key)


def test_it_requires_the_key_encryption_key(personas):
    with (
        override_settings(CREDSTACK_KEY_ENCRYPTION_KEY=None),
        pytest.raises(KeyEncryptionKeyMissingError),
    ):
        create_signing_key(personas.uni_a, by=personas.oscar)
    assert not SigningKey.objects.exists()
    key = create_signing_key(personas.uni_a, by=personas.oscar)
    with (
        override_settings(CREDSTACK_KEY_ENCRYPTION_KEY=None),
        pytest.raises(KeyEncryptionKeyMissingError),
    ):
        load_key_pair(key)


def test_it_refuses_to_open_a_key_under_another_key_encryption_key(personas):
    key = create_signing_key(personas.uni_a, by=personas.oscar)
    with (
        override_settings(CREDSTACK_KEY_ENCRYPTION_KEY=OTHER_KEK),
        pytest.raises(KeyDecryptionError, match="different key-encryption key"),
    ):
        load_key_pair(key)


def test_it_refuses_a_sealed_secret_moved_to_another_key(personas):
    key_a = create_signing_key(personas.uni_a, by=personas.oscar)
    key_b = create_signing_key(personas.uni_b, by=personas.dave)
    key_b.encrypted_secret = key_a.encrypted_secret
    with pytest.raises(KeyDecryptionError):
        load_key_pair(key_b)
    tampered = bytearray(key_a.encrypted_secret)
    tampered[-1] ^= 1
    key_a.encrypted_secret = bytes(tampered)
    with pytest.raises(KeyDecryptionError):
        load_key_pair(key_a)


def test_it_keeps_one_active_key_and_retires_rather_than_deletes(personas):
    first = create_signing_key(personas.uni_a, by=personas.oscar, now=T0)
    with pytest.raises(ConflictError):
        create_signing_key(personas.uni_a, by=personas.oscar)
    second = rotate_signing_key(personas.uni_a, by=personas.ada, now=T1)
    first.refresh_from_db()
    assert first.retired_at == T1 and second.retired_at is None
    assert list(SigningKey.objects.filter(organisation=personas.uni_a)) == [first, second]


@pytest.mark.parametrize("persona", ["alice", "rita", "victor", "bob", "carol", "dave"])
def test_it_lets_only_key_managers_of_the_organisation_touch_keys(personas, persona):
    with pytest.raises(PermissionDeniedError):
        create_signing_key(personas.uni_a, by=getattr(personas, persona))
    create_signing_key(personas.uni_a, by=personas.oscar)
    with pytest.raises(PermissionDeniedError):
        rotate_signing_key(personas.uni_a, by=getattr(personas, persona))
    assert SigningKey.objects.filter(organisation=personas.uni_a).count() == 1


def test_it_lists_retired_keys_in_the_did_document_so_old_credentials_verify(personas):
    first = create_signing_key(personas.uni_a, by=personas.oscar, now=T0)
    old_credential = signed_by(first)
    second = rotate_signing_key(personas.uni_a, by=personas.oscar, now=T1)
    new_credential = signed_by(second)

    did = issuer_id(personas.uni_a)
    assert did == "did:web:credstack.test:orgs:uni-a"
    document = did_document(personas.uni_a)
    assert document is not None
    listed = [method["publicKeyMultibase"] for method in document["verificationMethod"]]
    assert listed == [first.public_key_multibase, second.public_key_multibase]
    assert set(document["assertionMethod"]) == {
        verification_method(first),
        verification_method(second),
    }

    fetcher = StaticFetcher({did_web_to_url(did): document})
    for signed in (old_credential, new_credential):
        report = verify(signed, fetcher=fetcher, now=NOW)
        assert report.verified, report.to_dict()


def test_it_uses_the_active_did_key_on_a_local_instance(personas):
    with override_settings(CREDSTACK_BASE_URL="http://127.0.0.1:8000"):
        first = create_signing_key(personas.uni_a, by=personas.oscar, now=T0)
        assert issuer_id(personas.uni_a) == f"did:key:{first.public_key_multibase}"
        assert did_document(personas.uni_a) is None
        signed = signed_by(first)
        assert verify(signed, fetcher=StaticFetcher({}), now=NOW).verified
        second = rotate_signing_key(personas.uni_a, by=personas.oscar, now=T1)
        assert issuer_id(personas.uni_a) == f"did:key:{second.public_key_multibase}"
        # A did:key carries its own key: the earlier credential still verifies.
        assert verify(signed, fetcher=StaticFetcher({}), now=NOW).verified
