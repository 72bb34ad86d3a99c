"""Revocation and suspension: the bit, the re-signed list, the URL that serves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from credstack.common.errors import (
    ConflictError,
    NotAuthenticatedError,
    PermissionDeniedError,
    ValidationFailedError,
)
from credstack.issuing.models import Award, AwardStatus
from credstack.issuing.services import (
    issue_credential,
    revoke_credential,
    suspend_credential,
    unsuspend_credential,
)
from credstack.issuing.status_lists import is_set
from credstack.standards import verify
from credstack.standards.status.bitstring import Bitstring
from tests.issuing.awarding import instance_fetcher

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


@pytest.fixture
def award(personas, published_definition) -> Award:
    return issue_credential(
        published_definition.published_version,
        recipient_email="bob@example.org",
        by=personas.alice,
        now=NOW,
    )


def _verdict(award: Award) -> str:
    award.refresh_from_db()
    return str(verify(award.credential, fetcher=instance_fetcher(award), now=LATER).verdict)


def test_after_revocation_the_verifier_reports_revoked(personas, award):
    revoked = revoke_credential(award, reason="Plagiarism", by=personas.alice, now=LATER)
    assert revoked.status == AwardStatus.REVOKED
    assert revoked.status_reason == "Plagiarism"
    assert revoked.revoked_at == LATER
    assert is_set(revoked.revocation_list, revoked.revocation_index)
    assert _verdict(award) == "revoked"


def test_suspension_is_reversible(personas, award):
    suspend_credential(award, reason="Under review", by=personas.alice, now=LATER)
    assert _verdict(award) == "suspended"
    active = unsuspend_credential(award, by=personas.alice, now=LATER)
    assert active.status == AwardStatus.ACTIVE
    assert _verdict(award) == "valid"


def test_a_revoked_award_stays_revoked(personas, award):
    revoke_credential(award, reason="Fraud", by=personas.alice)
    with pytest.raises(ConflictError):
        revoke_credential(award, reason="again", by=personas.alice)
    with pytest.raises(ConflictError):
        suspend_credential(award, reason="x", by=personas.alice)
    with pytest.raises(ConflictError):
        unsuspend_credential(award, by=personas.alice)


def test_a_suspended_award_can_be_revoked(personas, award):
    suspend_credential(award, reason="Under review", by=personas.alice)
    revoke_credential(award, reason="Confirmed fraud", by=personas.alice, now=LATER)
    assert _verdict(award) == "revoked"


def test_revocation_needs_a_reason(personas, award):
    with pytest.raises(ValidationFailedError):
        revoke_credential(award, reason="  ", by=personas.alice)
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE


@pytest.mark.parametrize("persona", ["dave", "victor", "rita", "bob", "carol", "pat"])
def test_only_the_organisations_issuers_and_admins_may_revoke(personas, award, persona):
    with pytest.raises(PermissionDeniedError):
        revoke_credential(award, reason="no", by=getattr(personas, persona))
    with pytest.raises(PermissionDeniedError):
        suspend_credential(award, reason="no", by=getattr(personas, persona))
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE
    assert not is_set(award.revocation_list, award.revocation_index)


def test_an_anonymous_user_may_not_revoke(award):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticatedError):
        revoke_credential(award, reason="no", by=AnonymousUser())


def test_the_owner_and_administrator_may_revoke(personas, published_definition):
    for persona in (personas.oscar, personas.ada):
        award = issue_credential(
            published_definition.published_version, recipient_email="b@example.org", by=persona
        )
        assert revoke_credential(award, reason="test", by=persona).status == "revoked"


def test_the_status_list_url_serves_the_change_at_once(personas, award, client):
    url = f"/status/{award.revocation_list.public_id}"
    before = client.get(url)
    assert before.status_code == 200
    assert before["Cache-Control"] == "public, max-age=30"
    etag = before["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    revoke_credential(award, reason="Plagiarism", by=personas.alice)
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag
    encoded = after.json()["credentialSubject"]["encodedList"]
    assert Bitstring.decode(encoded).get(award.revocation_index) == 1
    assert after.json()["credentialSubject"]["statusPurpose"] == "revocation"


def test_an_unknown_status_list_is_404(client, db):
    assert client.get("/status/sl_nothing").status_code == 404
