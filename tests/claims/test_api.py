"""The claims endpoints under /api/v1/awards/{id}/ (session authentication)."""

from __future__ import annotations

import pytest

from credstack.claims.models import ClaimLink, RecipientEmailChange
from tests.claims.conftest import token_in


def _post(client, path, body=None):
    return client.post(f"/api/v1{path}", body or {}, content_type="application/json")


def test_an_issuer_resends_and_lists_the_links(
    claimable, client, personas, mailoutbox, send_emails
):
    claim = claimable()
    client.force_login(personas.alice)
    path = f"/awards/{claim.award.public_id}/claim-links"
    sent = send_emails(lambda: _post(client, path))
    assert sent.status_code == 202, sent.content
    assert sent.json() == {"award": claim.award.public_id, "sent_to": "ana@example.org"}
    assert len(mailoutbox) == 2
    listed = client.get(f"/api/v1{path}").json()
    assert [link["state"] for link in listed["links"]] == ["live", "superseded"]
    assert [link["kind"] for link in listed["links"]] == ["resent", "issued"]
    assert listed["links"][0]["sent_at"] is not None
    assert token_in(mailoutbox[1]) not in str(listed) and claim.token not in str(listed)


def test_an_issuer_corrects_the_address(claimable, client, personas, mailoutbox, send_emails):
    claim = claimable("ana@exmaple.org")
    client.force_login(personas.alice)
    path = f"/awards/{claim.award.public_id}/recipient-email"
    changed = send_emails(
        lambda: _post(client, path, {"email": "ana@example.org", "reason": "typo"})
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["change"]["old_email"] == "ana@exmaple.org"
    assert body["change"]["new_email"] == "ana@example.org"
    assert body["change"]["changed_by"] == "alice@example.org"
    assert body["reissued_as"] is None and body["award"]["status"] == "active"
    assert mailoutbox[-1].to == ["ana@example.org"]


def test_an_issuer_reissues_to_the_corrected_address(claimable, client, personas, send_emails):
    claim = claimable("ana@exmaple.org")
    client.force_login(personas.alice)
    path = f"/awards/{claim.award.public_id}/recipient-email"
    body = {"email": "ana@example.org", "reason": "typo", "reissue": True}
    changed = send_emails(lambda: _post(client, path, body)).json()
    assert changed["award"]["status"] == "revoked"
    assert changed["reissued_as"]["recipient_email"] == "ana@example.org"
    assert changed["reissued_as"]["credential"]["proof"]
    assert changed["change"]["reissued_as"] == changed["reissued_as"]["id"]


def test_bad_input_gets_every_problem(claimable, client, personas):
    claim = claimable()
    client.force_login(personas.alice)
    path = f"/awards/{claim.award.public_id}/recipient-email"
    refused = _post(client, path, {"email": "nope"})
    assert refused.status_code == 422
    assert len(refused.json()["error"]["details"]["problems"]) == 2
    assert _post(client, path, {"reason": "x"}).status_code == 422  # no email at all
    assert not RecipientEmailChange.objects.exists()


@pytest.mark.parametrize(("name", "status"), [("dave", 404), ("bob", 404), ("victor", 403)])
def test_others_may_neither_resend_nor_change(claimable, client, personas, name, status):
    claim = claimable()
    client.force_login(getattr(personas, name))
    award_path = f"/awards/{claim.award.public_id}"
    assert _post(client, f"{award_path}/claim-links").status_code == status
    change = {"email": "x@example.org", "reason": "r"}
    assert _post(client, f"{award_path}/recipient-email", change).status_code == status
    assert ClaimLink.objects.get().superseded_at is None


def test_it_needs_a_signed_in_user(claimable, client):
    claim = claimable()
    assert _post(client, f"/awards/{claim.award.public_id}/claim-links").status_code == 401
    assert client.get(f"/api/v1/awards/{claim.award.public_id}/claim-links").status_code == 401


def test_an_unknown_award_is_404(db, client, personas):
    client.force_login(personas.alice)
    assert _post(client, "/awards/awd_unknown/claim-links").status_code == 404
