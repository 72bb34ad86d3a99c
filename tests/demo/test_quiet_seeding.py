"""Seeding makes awards without mailing anyone: mail that apps send when awards are
made (claim links) stays in memory, not on the instance's configured backend."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from credstack.demo import tables
from credstack.demo.seeding import seed_demo
from credstack.issuing.signals import awards_issued


@pytest.mark.django_db(transaction=True)
def test_mail_sent_for_awards_during_seeding_never_reaches_the_backend(capsys):
    seed = tables.load_tables()
    small = tables.SeedTables(seed.providers[:1], [], [])  # the university's awards only

    def mail_the_learner(sender, awards, **kwargs):
        for award in awards:
            mail.send_mail("Claim your credential", "link", None, [award.recipient_email])

    awards_issued.connect(mail_the_learner)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"):
            report = seed_demo(tables=small)
    finally:
        awards_issued.disconnect(mail_the_learner)
    assert report.created["awards"] > 0
    assert "Claim your credential" not in capsys.readouterr().out
    assert "Claim your credential" in {message.subject for message in mail.outbox}
