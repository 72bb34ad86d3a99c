"""Resending claim links and correcting the address: never a silent re-issue."""

from __future__ import annotations

import pytest

from credstack.claims import services
from credstack.claims.models import ClaimLink, RecipientEmailChange
from credstack.common.errors import (
    ConflictError,
    PermissionDeniedError,
    ValidationFailedError,
)
from credstack.issuing.models import Award
from tests.claims.conftest import token_in


def test_resending_sends_a_new_link_and_the_old_one_stops(
    claimable, send_emails, mailoutbox, personas, client
):
    claim = claimable()
    address = send_emails(lambda: services.resend_claim(claim.award, by=personas.alice))
    assert address == "ana@example.org"
    assert [m.to for m in mailoutbox] == [["ana@example.org"], ["ana@example.org"]]
    new_token = token_in(mailoutbox[1])
    assert new_token != claim.token
    assert client.get(claim.url).status_code == 410
    assert 'data-state="superseded"' in client.get(claim.url).content.decode()
    assert client.get(f"/claim/{new_token}/").status_code == 200
    assert ClaimLink.objects.get(superseded_at__isnull=True).kind == "resent"


def test_changing_the_address_sends_a_new_link_without_reissuing(
    claimable, send_emails, mailoutbox, personas, client
):
    claim = claimable("ana@exmaple.org")
    credential = claim.award.credential
    change = send_emails(
        lambda: services.change_recipient_email(
            claim.award, "ana@example.org", by=personas.alice, reason="typo in the domain"
        )
    )
    assert (change.old_email, change.new_email, change.changed_by) == (
        "ana@exmaple.org",
        "ana@example.org",
        personas.alice,
    )
    assert change.reissued_as is None
    message = mailoutbox[-1]
    assert message.to == ["ana@example.org"]
    assert "corrected address" in message.subject
    assert "identifies you by the address it was issued to, ana@exmaple.org" in message.body
    award = Award.objects.get()
    assert award.status == "active" and award.credential == credential
    assert award.recipient_email == "ana@exmaple.org"

    assert client.get(claim.url).status_code == 410
    page = client.get(f"/claim/{token_in(message)}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="address-change"' in text
    assert "The credential identifies you by the hashed address it was issued to" in text
    assert "from ana@exmaple.org to ana@example.org" in text
    assert "The credential was not re-issued." in text
    assert services.current_address(award) == "ana@example.org"


def test_reissuing_revokes_the_old_award_and_issues_a_new_one(
    claimable, send_emails, mailoutbox, personas, client
):
    claim = claimable("ana@exmaple.org", grade="A")
    change = send_emails(
        lambda: services.change_recipient_email(
            claim.award,
            "ana@example.org",
            by=personas.alice,
            reason="typo in the domain",
            reissue=True,
        )
    )
    old = Award.objects.get(pk=claim.award.pk)
    new = change.reissued_as
    assert old.status == "revoked"
    assert old.status_reason == f"re-issued to {new.public_id}"
    assert new.recipient_email == "ana@example.org" and new.status == "active"
    assert (new.awarded_at, new.grade, new.recipient_name) == (old.awarded_at, "A", "Ana Silva")
    assert new.definition_version == old.definition_version
    assert new.credential_id != old.credential_id
    assert list(new.reissued_from.all()) == [change]
    # The new award's claim email goes to the new address, as for any new award.
    assert mailoutbox[-1].to == ["ana@example.org"]
    new_link = ClaimLink.objects.get(award=new)
    assert new_link.token_hash == services.hash_token(token_in(mailoutbox[-1]))
    assert client.get(claim.url).status_code == 410


def test_bad_input_is_refused_with_every_problem(claimable, personas):
    claim = claimable()
    with pytest.raises(ValidationFailedError) as refused:
        services.change_recipient_email(claim.award, "not an address", by=personas.alice, reason="")
    assert len(refused.value.problems) == 2
    with pytest.raises(ValidationFailedError, match="cannot be changed"):
        services.change_recipient_email(
            claim.award, "ANA@example.org", by=personas.alice, reason="same"
        )
    assert not RecipientEmailChange.objects.exists()
    assert ClaimLink.objects.get().superseded_at is None


def test_an_award_to_a_did_has_no_address_to_change_or_resend(award_for, personas):
    award = award_for(None, recipient_did="did:example:ana")
    with pytest.raises(ConflictError):
        services.resend_claim(award, by=personas.alice)
    with pytest.raises(ConflictError):
        services.change_recipient_email(award, "a@example.org", by=personas.alice, reason="r")


def test_a_revoked_award_is_not_sent_again(claimable, personas):
    from credstack.issuing.services import revoke_credential

    claim = claimable()
    revoke_credential(claim.award, reason="awarded in error", by=personas.alice)
    claim.award.refresh_from_db()
    with pytest.raises(ConflictError):
        services.resend_claim(claim.award, by=personas.alice)


@pytest.mark.parametrize("name", ["dave", "bob", "victor", "rita"])
def test_only_those_who_award_for_uni_a_may_resend_or_change(claimable, personas, name):
    claim = claimable()
    user = getattr(personas, name)
    with pytest.raises(PermissionDeniedError):
        services.resend_claim(claim.award, by=user)
    with pytest.raises(PermissionDeniedError):
        services.change_recipient_email(claim.award, "x@example.org", by=user, reason="r")
    assert ClaimLink.objects.get().superseded_at is None


def test_reissuing_a_version_no_longer_published_is_refused(claimable, personas):
    from credstack.issuing.services import retire_definition

    claim = claimable()
    retire_definition(claim.award.definition_version.definition, by=personas.alice)
    claim.award.refresh_from_db()
    with pytest.raises(ConflictError, match="change the address without re-issuing"):
        services.change_recipient_email(
            claim.award, "new@example.org", by=personas.alice, reason="moved", reissue=True
        )
    assert Award.objects.get().status == "active"
