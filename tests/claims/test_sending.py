"""Claim emails for new awards: one per award with an email address, never twice."""

from __future__ import annotations

import hashlib

import pytest

from credstack.claims import services, tasks
from credstack.claims.models import ClaimLink
from credstack.issuing.signals import announce_awards
from tests.claims.conftest import token_in


def test_it_emails_one_claim_link_for_a_new_award(claimable, mailoutbox):
    claim = claimable()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ana@example.org"]
    assert "Uni A" in message.subject
    assert "Data literacy for public servants" in message.subject
    assert "Hello Ana Silva" in message.body
    assert f"https://credstack.test/claim/{claim.token}/" in message.body
    html, media_type = message.alternatives[0]
    assert media_type == "text/html"
    assert f'href="https://credstack.test/claim/{claim.token}/"' in html
    link = ClaimLink.objects.get()
    assert (link.award, link.email, link.kind) == (claim.award, "ana@example.org", "issued")
    assert link.sent_at is not None and link.claimed_at is None
    assert link.expires_at - link.created_at == services.link_lifetime()


def test_the_link_lifetime_follows_the_setting(claimable, settings):
    settings.CREDSTACK_CLAIM_LINK_DAYS = 7
    claimable()
    link = ClaimLink.objects.get()
    assert (link.expires_at - link.created_at).days == 7


def test_the_issuer_receives_the_replies(claimable, personas):
    personas.uni_a.email = "registry@uni-a.example.edu"
    personas.uni_a.save()
    claim = claimable()
    assert claim.message.reply_to == ["registry@uni-a.example.edu"]
    assert "registry@uni-a.example.edu" in claim.message.body


def test_the_token_is_stored_only_as_its_hash(claimable):
    claim = claimable()
    link = ClaimLink.objects.get()
    assert link.token_hash == hashlib.sha256(claim.token.encode()).hexdigest()
    stored = str(list(ClaimLink.objects.values()))
    assert claim.token not in stored


def test_running_the_task_again_sends_nothing_twice(claimable, mailoutbox):
    claim = claimable()
    report = services.send_claim_emails([claim.award.pk, claim.award.pk])
    assert (report.sent, report.skipped) == (0, 1)
    assert len(mailoutbox) == 1
    assert ClaimLink.objects.count() == 1


def test_an_award_to_a_did_gets_no_email(award_for, send_emails, mailoutbox):
    send_emails(lambda: award_for(None, recipient_did="did:example:ana"))
    assert mailoutbox == []
    assert not ClaimLink.objects.exists()


def test_a_batch_of_awards_is_one_task_and_one_email_each(
    award_for, send_emails, mailoutbox, monkeypatch
):
    awards = [award_for(f"learner{n}@example.org") for n in range(3)]
    awards.append(award_for(None, recipient_did="did:example:someone"))
    assert mailoutbox == []  # their commit callbacks were not run
    calls = []
    real_task = tasks.send_claim_emails_task

    def counted(award_ids):
        calls.append(list(award_ids))
        return real_task(award_ids)

    monkeypatch.setattr(tasks, "send_claim_emails_task", counted)
    send_emails(lambda: announce_awards(awards))
    assert calls == [[award.pk for award in awards[:3]]]
    assert sorted(m.to[0] for m in mailoutbox) == [f"learner{n}@example.org" for n in range(3)]
    assert len({token_in(m) for m in mailoutbox}) == 3


def test_a_failed_email_is_recorded_retried_and_replaced(
    award_for, send_emails, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "tests.claims.conftest.FailingBackend"
    award = send_emails(award_for)
    first = ClaimLink.objects.get()
    assert first.sent_at is None
    assert "refused" in first.send_error
    # The task fails, so that the job worker runs it again later.
    with pytest.raises(tasks.ClaimEmailsNotSentError):
        tasks.send_claim_emails_task.call_local([award.pk])

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    report = services.send_claim_emails([award.pk])
    assert (report.sent, report.failed) == (1, 0)
    assert len(mailoutbox) == 1
    assert ClaimLink.objects.filter(superseded_at__isnull=False).count() == 2
    sent = ClaimLink.objects.get(superseded_at__isnull=True)
    assert sent.sent_at is not None
    assert sent.token_hash == services.hash_token(token_in(mailoutbox[0]))


def test_a_revoked_award_gets_no_email(award_for, personas):
    from credstack.issuing.services import revoke_credential

    award = award_for()
    revoke_credential(award, reason="awarded in error", by=personas.alice)
    assert services.send_claim_emails([award.pk]).skipped == 1
    assert not ClaimLink.objects.exists()
