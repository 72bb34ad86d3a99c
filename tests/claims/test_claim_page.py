"""The claim page /claim/<token>/: see the credential, then claim it once, into a wallet
(signed in or with a new account) or as files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from credstack.accounts.models import User
from credstack.claims.models import ClaimLink
from credstack.wallet.models import Arrival, WalletCredential

PASSWORD = "a long and unusual passphrase 42"


def _account(client, claim, **fields):
    body = {"action": "account", "password": PASSWORD, "password_again": PASSWORD}
    body.update(fields)
    return client.post(claim.url, body)


def test_it_shows_the_credential_and_the_choices(claimable, client):
    claim = claimable()
    page = client.get(claim.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Data literacy for public servants" in text
    assert "Uni A" in text and "Ana Silva" in text
    assert 'data-element="learning_outcomes"' in text and "Reads a chart critically" in text
    assert 'data-status="active"' in text
    for action in ("download", "account"):
        assert f'value="{action}"' in text
    assert 'value="ana@example.org" readonly' in text
    assert "/accounts/login/?next=" in text
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "no-referrer"
    assert page["X-Robots-Tag"] == "noindex"
    assert ClaimLink.objects.get().claimed_at is None  # looking does not use the link


@pytest.mark.parametrize("token", ["not-a-token-at-all-000000", "short", "x" * 300])
def test_an_unknown_link_is_a_404_page(db, client, token):
    page = client.get(f"/claim/{token}/")
    assert page.status_code == 404
    assert "This claim link is not known here" in page.content.decode()


def test_just_downloading_needs_no_account_and_uses_the_link(claimable, client):
    claim = claimable()
    done = client.post(claim.url, {"action": "download"})
    assert done.status_code == 302 and done["Location"] == claim.url
    link = ClaimLink.objects.get()
    assert (link.claimed_as, link.claimed_by) == ("download", None)
    again = client.get(claim.url)  # the same browser keeps its files
    assert again.status_code == 200
    assert 'id="claimed"' in again.content.decode()
    for kind in ("json", "jwt", "png", "svg", "pdf"):
        assert f'href="/c/{claim.award.public_id}/{kind}"' in again.content.decode()
    assert f"https://credstack.test/c/{claim.award.public_id}/" in again.content.decode()
    assert client.get(f"/c/{claim.award.public_id}/json").json() == claim.award.credential

    stranger = client.__class__()
    used = stranger.get(claim.url)
    assert used.status_code == 410
    assert 'data-state="claimed"' in used.content.decode()
    assert "Data literacy" not in used.content.decode()
    assert stranger.post(claim.url, {"action": "download"}).status_code == 410


def test_a_new_account_holds_the_credential(claimable, client, instance_documents):
    claim = claimable()
    instance_documents(claim.award)
    created = _account(client, claim, display_name="Ana")
    assert created.status_code == 302
    user = User.objects.get(email="ana@example.org")
    assert user.display_name == "Ana" and user.check_password(PASSWORD)
    held = WalletCredential.objects.get(owner=user)
    assert created["Location"] == f"/wallet/c/{held.public_id}/"
    assert held.arrival == Arrival.ISSUED_HERE
    assert held.verdict == "valid"
    assert held.credential == claim.award.credential
    assert held.title == "Data literacy for public servants"
    assert client.get("/wallet/").status_code == 200  # signed in
    link = ClaimLink.objects.get()
    assert (link.claimed_by, link.claimed_as) == (user, "new_account")


def test_the_new_account_is_always_the_address_the_link_went_to(claimable, client):
    claim = claimable()
    _account(client, claim, email="mallory@example.org")
    assert User.objects.filter(email="ana@example.org").exists()
    assert not User.objects.filter(email="mallory@example.org").exists()


def test_differing_or_weak_passwords_are_refused_and_nothing_is_used(claimable, client):
    claim = claimable()
    page = _account(client, claim, password_again="something else entirely")
    assert page.status_code == 422
    assert "The two passwords differ." in page.content.decode()
    weak = _account(client, claim, password="123", password_again="123")
    assert weak.status_code == 422
    assert "too short" in weak.content.decode()
    assert not User.objects.filter(email="ana@example.org").exists()
    assert ClaimLink.objects.get().claimed_at is None


def test_an_existing_account_is_asked_to_sign_in(claimable, client, personas):
    claim = claimable("bob@example.org")
    page = _account(client, claim)
    assert page.status_code == 409
    assert "sign in to add the credential" in page.content.decode()
    assert f"/accounts/login/?next=%2Fclaim%2F{claim.token}%2F" in page.content.decode()
    assert not WalletCredential.objects.exists()
    assert ClaimLink.objects.get().claimed_at is None


def test_a_signed_in_learner_adds_it_to_the_wallet(claimable, client, personas, instance_documents):
    claim = claimable("bob@example.org")
    instance_documents(claim.award)
    client.force_login(personas.bob)
    page = client.get(claim.url)
    assert 'value="wallet"' in page.content.decode()
    assert 'id="elsewhere"' not in page.content.decode()
    added = client.post(claim.url, {"action": "wallet"})
    held = WalletCredential.objects.get(owner=personas.bob)
    assert added["Location"] == f"/wallet/c/{held.public_id}/"
    assert (held.arrival, held.verdict) == (Arrival.ISSUED_HERE, "valid")
    link = ClaimLink.objects.get()
    assert (link.claimed_by, link.claimed_as) == (personas.bob, "wallet")
    # Coming back to the used link shows where it went, not an error.
    back = client.get(claim.url)
    assert back.status_code == 200 and "See it in your wallet" in back.content.decode()


def test_signing_in_comes_back_to_the_claim(claimable, client):
    claim = claimable()
    sent = client.post(claim.url, {"action": "wallet"})
    assert sent.status_code == 302
    assert sent["Location"] == f"/accounts/login/?next=%2Fclaim%2F{claim.token}%2F"
    assert ClaimLink.objects.get().claimed_at is None


def test_another_address_is_warned_about_but_may_add_it(
    claimable, client, personas, instance_documents
):
    claim = claimable()
    instance_documents(claim.award)
    client.force_login(personas.carol)
    page = client.get(claim.url)
    text = page.content.decode()
    assert 'id="elsewhere"' in text
    assert "carol@example.org" in text and "identifies its learner by ana@example.org" in text
    added = client.post(claim.url, {"action": "wallet"}, follow=True)
    assert WalletCredential.objects.get(owner=personas.carol).arrival == Arrival.ISSUED_HERE
    messages = [str(m) for m in added.context["messages"]]
    assert any("identifies you by ana@example.org" in m for m in messages)


def test_a_link_works_once(claimable, client, personas, instance_documents):
    claim = claimable()
    instance_documents(claim.award)
    client.force_login(personas.carol)
    client.post(claim.url, {"action": "wallet"})
    other = client.__class__()
    other.force_login(personas.bob)
    refused = other.post(claim.url, {"action": "wallet"})
    assert refused.status_code == 410
    assert not WalletCredential.objects.filter(owner=personas.bob).exists()
    assert _account(client.__class__(), claim).status_code == 410


def test_an_expired_link_says_so(claimable, client):
    claim = claimable()
    ClaimLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    page = client.get(claim.url)
    assert page.status_code == 410
    assert 'data-state="expired"' in page.content.decode()
    assert "Ask Uni A for a new link" in page.content.decode()
    assert client.post(claim.url, {"action": "download"}).status_code == 410
    assert ClaimLink.objects.get().claimed_at is None


def test_a_revoked_credential_cannot_be_claimed(claimable, client, personas):
    from credstack.issuing.services import revoke_credential

    claim = claimable()
    revoke_credential(claim.award, reason="awarded in error", by=personas.alice)
    page = client.get(claim.url)
    assert page.status_code == 410
    assert 'data-state="revoked"' in page.content.decode()


def test_an_unknown_action_changes_nothing(claimable, client):
    claim = claimable()
    page = client.post(claim.url, {"action": "steal"})
    assert page.status_code == 400
    assert ClaimLink.objects.get().claimed_at is None


def test_a_wallet_that_holds_it_already_is_not_given_a_copy(
    claimable, client, personas, instance_documents
):
    import json

    from credstack.wallet.services import import_credential

    claim = claimable("bob@example.org")
    instance_documents(claim.award)
    imported = import_credential(personas.bob, text=json.dumps(claim.award.credential))
    client.force_login(personas.bob)
    added = client.post(claim.url, {"action": "wallet"})
    assert added["Location"] == f"/wallet/c/{imported.credential.public_id}/"
    assert WalletCredential.objects.filter(owner=personas.bob).count() == 1
